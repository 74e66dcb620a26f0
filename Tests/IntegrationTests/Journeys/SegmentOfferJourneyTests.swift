import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

extension Journeys {
    @Suite("Segments: an omnichannel buyer unlocks an offer on every channel (four real services)")
    struct SegmentOffer {
        @Test("Segments: bought in store, then online: she joins \"store and online\" and the offer for that segment is hers on every channel")
        func omnichannelSegmentUnlocksOffer() async throws {
            let stack = try await OrdersFixtures.stack([.orders, .catalog, .promotions, .customers])
            defer { Task { await stack.stop() } }
            let fixtures = OrdersFixtures()
            try await fixtures.load(into: stack, stock: [fixtures.store: 5])
            let segment = DefineSegment(segmentId: "omni", name: "Store and online in 90 days",
                                        conditions: [SegmentCondition(kind: .boughtIn, channels: ["store", "online"], withinDays: 90)])
            #expect(try await stack.perform(CustomersType.defineSegment, segment, key: "omni").type == CustomersType.segmentDefined)
            let bad = try await stack.perform(CustomersType.defineSegment, DefineSegment(segmentId: "bad", name: "Bad", conditions: []), key: "bad")
            #expect(try bad.payload(CommandRejected.self).reasonCode == "invalid-segment")
            let offer = Promotion(promotionId: "omni10", name: "10 % for omnichannel buyers", kind: .percentOff, percent: 10, code: "OMNI10", segments: ["omni"])
            _ = try await stack.perform(PromotionsType.upsertPromotion, offer, key: "omni10")

            let tag = UUID().uuidString.prefix(6)
            let registered = try await stack.perform(CustomersType.registerCustomer, RegisterCustomer(identifiers: [CustomerIdentifier(.email, "omni.\(tag)@example.com")]), key: "omni-\(tag)", channel: "web")
            let customerId = try registered.payload(CustomerRegistered.self).profile.customerId
            let atTill = PlaceOrder(orderId: "ord-till-\(tag)", channel: "pos", storeId: fixtures.store, customerId: customerId,
                                    lines: [OrderLineRequest(sku: fixtures.sku, quantity: 1)], fulfilment: OrderFulfilment(mode: .inStore), paymentReference: "till")
            #expect(try await OrdersFixtures.place(atTill, on: stack, channel: "pos").type == OrdersType.orderConfirmed)
            let online = fixtures.pickupOrder("ord-web-\(tag)", customerId: customerId)
            #expect(try await OrdersFixtures.place(online, on: stack).type == OrdersType.orderConfirmed)
            let joined = try await stack.watcher.first(CustomersType.segmentMembershipChanged) { try $0.payload(SegmentMembershipChanged.self).customerId == customerId }
            #expect(try joined.payload(SegmentMembershipChanged.self) == SegmentMembershipChanged(customerId: customerId, segmentId: "omni", member: true))
            struct View: Decodable { var segments: [String] }
            #expect(try await stack.getJSON("/customers/\(customerId)", as: View.self, from: .customers).segments == ["omni"], "the 360 view shows it")

            // The promotions service read the same event: her code works, at the till as on the app.
            for channel in ["pos", "app"] {
                let third = PlaceOrder(orderId: "ord-\(channel)-omni-\(tag)", channel: channel, storeId: channel == "pos" ? fixtures.store : nil, customerId: customerId,
                                       lines: [OrderLineRequest(sku: fixtures.sku, quantity: 1)], promoCodes: ["OMNI10"],
                                       fulfilment: channel == "pos" ? OrderFulfilment(mode: .inStore) : OrderFulfilment(mode: .pickup, storeId: fixtures.store),
                                       paymentReference: "psp")
                let outcome = try await OrdersFixtures.place(third, on: stack, channel: channel)
                #expect(try outcome.payload(OrderEvent.self).order.discountMinor == fixtures.price / 10, "\(channel)")
            }
            // The offer she used, on each channel, is on her timeline next to the orders.
            struct Timeline: Decodable { var entries: [Entry]; struct Entry: Decodable { var kind: String; var channel: String?; var summary: String } }
            var used: [Timeline.Entry] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while used.count < 2, ContinuousClock.now < deadline {
                used = try await stack.getJSON("/customers/\(customerId)/timeline", as: Timeline.self, from: .customers).entries.filter { $0.kind == "promotion" }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(Set(used.compactMap(\.channel)) == ["pos", "app"], "\(used)")
            #expect(used.allSatisfy { $0.summary.hasPrefix("used 10 % for omnichannel buyers (code OMNI10) −\(fixtures.price / 10) on order ord-") }, "\(used)")
        }
    }
}
