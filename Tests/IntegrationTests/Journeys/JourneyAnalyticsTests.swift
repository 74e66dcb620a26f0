import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import Testing

@Suite("Journeys: analytics from entry to purchase (real processes)", .serialized)
struct JourneyAnalyticsTests {
    @Test("J11: found on social, a cart left on the web, signed up, collected in store: the journey and the shop's figures say so")
    func fromSocialToClickAndCollect() async throws {
        let stack = try await OrdersFixtures.stack([.orders, .catalog, .promotions, .customers], environment: ["OMNI_ORDERS_CART_ABANDONED_AFTER_SECONDS": "2"])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 3])
        let tag = UUID().uuidString.prefix(6), session = "sess-\(tag)"

        for kind in ["page-view", "search"] {
            let touch = try CloudEvent(type: CustomersType.interactionRecorded, source: "/channels/social", subject: session,
                                       payload: InteractionRecorded(identifier: CustomerIdentifier(.anonymous, session), kind: kind, channel: "social"), channel: "social")
            _ = try await stack.producer.send(touch.outgoingMessage(topic: Topics.channelInteractions, key: session))
        }
        _ = try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: session, sku: fixtures.sku, quantity: 1), key: session)
        _ = try await stack.watcher.first(OrdersType.cartAbandoned, timeout: .seconds(20)) { try $0.payload(CartAbandoned.self).ownerId == session }

        // She signs up with the same session: one profile.
        let registered = try await stack.perform(CustomersType.registerCustomer, RegisterCustomer(
            identifiers: [CustomerIdentifier(.anonymous, session), CustomerIdentifier(.email, "journey.\(tag)@example.com")]), key: session, channel: "web")
        // The session's profile is known: the email is linked to it.
        #expect(registered.type == CustomersType.identifierLinked)
        let customerId = try registered.payload(IdentifierLinked.self).customerId
        let order = fixtures.pickupOrder("ord-\(tag)", customerId: customerId)
        #expect(try await OrdersFixtures.place(order, on: stack).type == OrdersType.orderConfirmed)

        struct Journey: Decodable {
            var entryChannel: String?
            var touchpointsBeforeFirstPurchase: [Touch]
            var firstPurchaseChannel: String?
            var abandonedCarts: Int
            var clickAndCollectShare: Double
            struct Touch: Decodable { var kind: String; var channel: String? }
        }
        var journey: Journey = try await stack.getJSON("/customers/\(customerId)/journey", from: .customers)
        let deadline = ContinuousClock.now + .seconds(20)
        while journey.firstPurchaseChannel == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            journey = try await stack.getJSON("/customers/\(customerId)/journey", from: .customers)
        }
        #expect(journey.entryChannel == "social")
        #expect(journey.touchpointsBeforeFirstPurchase.map(\.kind).starts(with: ["page-view", "search"]))
        #expect(journey.touchpointsBeforeFirstPurchase.contains { $0.kind == "cart-abandoned" })
        #expect(journey.firstPurchaseChannel == "web" && journey.abandonedCarts == 1 && journey.clickAndCollectShare == 1)

        struct Shop: Decodable { var customers: Int; var entryChannels: [String: Int]; var purchasesByChannel: [String: Int]; var abandonedCarts: Int
                                 var clickAndCollectShare: Double; var averageTouchpointsBeforeFirstPurchase: Double }
        let shop: Shop = try await stack.getJSON("/analytics/journeys", from: .customers)
        #expect(shop.customers == 1 && shop.entryChannels == ["social": 1] && shop.purchasesByChannel == ["web": 1])
        #expect(shop.abandonedCarts == 1 && shop.clickAndCollectShare == 1 && shop.averageTouchpointsBeforeFirstPurchase >= 2)
        for path in ["/customers/\(UUID().uuidString.lowercased())/journey", "/customers/not-an-id/journey"] {
            let (status, body) = try await stack.http(.customers).get(path)
            #expect(status == 404 && body.contains("\"status\":404"), "\(path): \(body)")
        }
    }
}
