import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("J7 — One customer, one answer")
    struct OneCustomer {
        @Test("J7: a store purchase with only a loyalty card and a web one with only an email land on one profile once linked; the telesales agent finds him by phone and sees both orders, his points, consents, open cart and messages")
        func oneCustomerOneAnswer() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag
            let phone = "+33612345678"

            // Jules signed up on the web with his email and phone: email yes, SMS no.
            let jules = try await omni.customer("Jules", phone: phone, consents: [(.email, true), (.sms, false)])
            // He buys socks online, logged in by his email, delivered.
            let web = try await omni.confirmed(shop.delivery("ord-web-\(tag)", customerId: jules, [OrderLineRequest(sku: shop.socks, quantity: 2)]))

            // In Lille Centre he only shows a loyalty card: the till knows the card, not him.
            let card = "LC\(tag.uppercased())"
            let cardHolder = try await omni.services.registerCustomer([CustomerIdentifier(.loyaltyCard, card)], profile: ProfileFields(), channel: "pos")
            #expect(cardHolder != jules)
            let inStore = try await omni.confirmed(shop.tillSale("ord-pos-\(tag)", customerId: cardHolder, [OrderLineRequest(sku: shop.shoe, quantity: 1)]))
            let earned = try await omni.watcher.first(CustomersType.loyaltyChanged) { try $0.payload(LoyaltyChanged.self).reference == inStore.orderId }
            #expect(try earned.payload(LoyaltyChanged.self).customerId == cardHolder)

            // Next time, he gives the cashier his email: the card is linked to his profile, and the two profiles are one.
            let linked = try await omni.perform(CustomersType.linkIdentifier, LinkIdentifier(customer: .identifier(CustomerIdentifier(.email, omni.email("Jules"))),
                                                                                             identifier: CustomerIdentifier(.loyaltyCard, card)),
                                                key: card, channel: "pos", expecting: [CustomersType.customersMerged, CustomersType.identifierLinked, CustomersType.commandRejected])
            #expect(try linked.payload(CustomersMerged.self) == CustomersMerged(survivorId: jules, mergedIds: [cardHolder]))
            // He leaves a pair of shoes in his cart in the app.
            #expect(try await omni.perform(OrdersType.addCartItem, AddCartItem(ownerId: jules, sku: shop.shoe, quantity: 1), key: jules, channel: "app").type
                    == OrdersType.cartUpdated)

            // He calls the shop. The agent looks him up by phone number: one profile, with both purchases, the store's points, his consents and the email sent to him.
            let encodedPhone = phone.replacingOccurrences(of: "+", with: "%2B")
            let found = try await omni.poll("/customers/lookup?phone=\(encodedPhone)", as: Read.CustomerView.self, from: .customers) { view in
                Set(view.recentTimeline.filter { $0.kind == "order" }.compactMap(\.reference)) == [web.orderId, inStore.orderId]
                    && view.recentTimeline.contains { $0.kind == "notification" } && !view.openCarts.isEmpty
            }
            #expect(found.customerId == jules && found.formerIds == [cardHolder])
            #expect(Set(found.profile.identifiers) == [CustomerIdentifier(.email, omni.email("Jules")), CustomerIdentifier(.phone, phone), CustomerIdentifier(.loyaltyCard, card)])
            #expect(found.loyalty.balance == Int(inStore.totalMinor / 100), "the points the card earned are his")
            #expect(Dictionary(uniqueKeysWithValues: found.consents.map { ($0.medium, $0.granted) }) == ["email": true, "sms": false])
            #expect(Set(found.recentTimeline.filter { $0.kind == "order" }.compactMap(\.channel)) == ["web", "pos"], "\(found.recentTimeline)")
            #expect(found.recentTimeline.contains { $0.kind == "notification" && $0.summary == "email order-confirmed sent" }, "\(found.recentTimeline)")
            // The same lookup lists his orders from both channels with their totals, and the cart he left in the app.
            #expect(Dictionary(uniqueKeysWithValues: found.recentOrders.map { ($0.orderId, $0.channel) }) == [web.orderId: "web", inStore.orderId: "pos"])
            #expect(found.recentOrders.first { $0.orderId == web.orderId }?.totalMinor == web.totalMinor)
            #expect(found.openCarts.count == 1 && found.openCarts.first?.lines == [CartLine(sku: shop.shoe, quantity: 1)]
                    && found.openCarts.first?.lastChannel == "app", "\(found.openCarts)")
            // What the profile refers to: his orders from every channel and his open cart (orders), the messages themselves (notifications).
            let orders = try await omni.get("/customers/\(found.customerId)/orders", as: Read.OrderList.self, from: .orders)
            #expect(Set(orders.orders.map(\.orderId)) == [web.orderId, inStore.orderId] && Set(orders.orders.map(\.channel)) == ["web", "pos"])
            let cart = try await omni.get("/carts/\(found.customerId)?channel=telesales", as: Read.Cart.self, from: .orders)
            #expect(cart.lines.map(\.sku) == [shop.shoe] && cart.lastChannel == "app")
            let messages = try await omni.messages(found.customerId) { $0.contains { $0.template == "order-confirmed" && $0.status == "sent" } }
            #expect(messages.contains { $0.template == "order-confirmed" && $0.status == "sent" && $0.medium == "email" }, "\(messages)")
            // The card alone leads to the same answer.
            #expect(try await omni.get("/customers/lookup?loyaltyCard=\(card)", as: Read.CustomerView.self, from: .customers).customerId == jules)
            #expect(try await omni.get("/customers/\(cardHolder)", as: Read.CustomerView.self, from: .customers).customerId == jules)
        }
    }
}
