import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("J11 — Journey analytics")
    struct Analytics {
        struct Journey: Decodable {
            struct Touch: Decodable { var kind: String; var channel: String? }
            var entryChannel: String?
            var touchpointsBeforeFirstPurchase: [Touch]
            var firstPurchaseChannel: String?
            var purchasesByChannel: [String: Int]
            var abandonedCarts: Int
            var clickAndCollectShare: Double
        }

        struct Shop: Decodable {
            var customers: Int
            var entryChannels: [String: Int]
            var purchasesByChannel: [String: Int]
            var abandonedCarts: Int
            var clickAndCollectShare: Double
            var averageTouchpointsBeforeFirstPurchase: Double
        }

        @Test("J11: found on social, a cart left on the web, signed up, collected in store; another's cart left in the app is reminded by email, a third's is not (no consent) and he buys at the till: each journey and the shop's figures say so")
        func journeyAnalytics() async throws {
            // Carts left alone for 2 s count as abandoned here.
            let omni = try await JourneyStack(environment: ["OMNI_ORDERS_CART_ABANDONED_AFTER_SECONDS": "2"])
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag

            // Sofia finds the shop on a social network, anonymously: she views a page, searches, puts a pair in her cart on the web and leaves.
            let session = "sess-\(tag)"
            for kind in ["page-view", "search"] {
                let touch = try CloudEvent(type: CustomersType.interactionRecorded, source: "/channels/social", subject: session,
                                           payload: InteractionRecorded(identifier: CustomerIdentifier(.anonymous, session), kind: kind, channel: "social"), channel: "social")
                _ = try await omni.services.producer.send(touch.outgoingMessage(topic: Topics.channelInteractions, key: session))
            }
            _ = try await omni.perform(OrdersType.addCartItem, AddCartItem(ownerId: session, sku: shop.shoe, quantity: 1), key: session)
            _ = try await omni.watcher.first(OrdersType.cartAbandoned, timeout: .seconds(20)) { try $0.payload(CartAbandoned.self).ownerId == session }

            // She comes back and signs up with the same session: one profile, where her visits are.
            let registered = try await omni.perform(CustomersType.registerCustomer, RegisterCustomer(
                identifiers: [CustomerIdentifier(.anonymous, session), CustomerIdentifier(.email, omni.email("Sofia"))], profile: ProfileFields(firstName: "Sofia")),
                key: session, channel: "web")
            #expect(registered.type == CustomersType.identifierLinked)
            let sofia = try registered.payload(IdentifierLinked.self).customerId
            // She orders on the web and collects at Lille Centre.
            _ = try await omni.confirmed(shop.pickup("ord-sofia-\(tag)", customerId: sofia, [OrderLineRequest(sku: shop.shoe, quantity: 1)]))

            // Maya, who agreed to emails, leaves socks in her cart in the app: she gets a reminder.
            let maya = try await omni.customer("Maya", consents: [(.email, true)])
            _ = try await omni.perform(OrdersType.addCartItem, AddCartItem(ownerId: maya, sku: shop.socks, quantity: 2), key: maya, channel: "app")
            let reminder = try await omni.smtp.waitForMessage { $0.contains("To: <\(omni.email("Maya"))>") && $0.contains("still waiting for you") }
            #expect(reminder.contains("Hello Maya") && reminder.contains(shop.socks), "\(reminder)")
            // Noah refused marketing emails: his forgotten cart is noted, not reminded; he buys at the till in Lille Centre instead.
            let noah = try await omni.customer("Noah", consents: [(.email, false)])
            _ = try await omni.perform(OrdersType.addCartItem, AddCartItem(ownerId: noah, sku: shop.shoe, quantity: 1), key: noah)
            let suppressed = try await omni.watcher.first(NotificationsType.notificationSuppressed, timeout: .seconds(20)) {
                try $0.payload(NotificationEvent.self).customerId == noah && $0.payload(NotificationEvent.self).trigger == "cart-abandoned"
            }
            #expect(try suppressed.payload(NotificationEvent.self).reason == "no-consent")
            _ = try await omni.confirmed(shop.tillSale("ord-noah-\(tag)", customerId: noah, [OrderLineRequest(sku: shop.shoe, quantity: 1)]))

            // Sofia's journey: entered from social, touched the shop twice and left a cart before buying on the web, collected.
            let journey = try await omni.poll("/customers/\(sofia)/journey", as: Journey.self, from: .customers) { $0.firstPurchaseChannel != nil }
            #expect(journey.entryChannel == "social" && journey.firstPurchaseChannel == "web" && journey.purchasesByChannel == ["web": 1])
            #expect(journey.touchpointsBeforeFirstPurchase.map(\.kind).starts(with: ["page-view", "search"]), "\(journey.touchpointsBeforeFirstPurchase.map(\.kind))")
            #expect(journey.touchpointsBeforeFirstPurchase.contains { $0.kind == "cart-abandoned" })
            #expect(journey.abandonedCarts == 1 && journey.clickAndCollectShare == 1)
            // Maya's: entered on the web, a cart left, the reminder on her way, nothing bought yet.
            let mayas = try await omni.poll("/customers/\(maya)/journey", as: Journey.self, from: .customers) { $0.abandonedCarts == 1 }
            #expect(mayas.entryChannel == "web" && mayas.abandonedCarts == 1 && mayas.firstPurchaseChannel == nil && mayas.purchasesByChannel.isEmpty)
            // Noah's: bought at the till, not collected.
            let noahs = try await omni.poll("/customers/\(noah)/journey", as: Journey.self, from: .customers) { $0.firstPurchaseChannel != nil }
            #expect(noahs.firstPurchaseChannel == "pos" && noahs.abandonedCarts == 1 && noahs.clickAndCollectShare == 0)

            // The shop: three customers, two entry channels, one purchase online and one in store, half of them collected, three carts left.
            let figures = try await omni.poll("/analytics/journeys", as: Shop.self, from: .customers) { $0.purchasesByChannel.values.reduce(0, +) == 2 }
            #expect(figures.customers == 3 && figures.entryChannels == ["social": 1, "web": 2], "\(figures)")
            #expect(figures.purchasesByChannel == ["web": 1, "pos": 1] && figures.clickAndCollectShare == 0.5 && figures.abandonedCarts == 3, "\(figures)")
            #expect(figures.averageTouchpointsBeforeFirstPurchase >= 2, "Sofia's visits at least")
            for path in ["/customers/\(UUID().uuidString.lowercased())/journey", "/customers/not-an-id/journey"] {
                let (status, body) = try await omni.services.http(.customers).get(path)
                #expect(status == 404 && body.contains("\"status\":404"), "\(path): \(body)")
            }
        }
    }
}
