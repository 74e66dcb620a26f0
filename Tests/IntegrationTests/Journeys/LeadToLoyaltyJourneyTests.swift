import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

@Suite("Journeys: a lead buys at the till, earns points, returns an item (four real services)", .serialized)
struct LeadToLoyaltyJourneyTests {
    @Test("J1 + J9: the prospect's purchase converts the lead, completes at once, earns points; the return takes back its share")
    func leadBuysAndReturns() async throws {
        let stack = try await OrdersFixtures.stack([.orders, .catalog, .promotions, .customers])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 5])
        let tag = UUID().uuidString.prefix(6)

        // A prospect found on social fills the web form.
        let leadId = "lead-\(tag)"
        let routed = try await stack.perform(CustomersType.submitLead, SubmitLead(
            leadId: leadId, identifiers: [CustomerIdentifier(.email, "buyer.\(tag)@acme.example")], contactName: "Paula Martin", company: "Acme",
            need: "trail shoes for the team", postalCode: "59000", country: "FR", sourceChannel: "social"),
            key: leadId, channel: "web", expecting: [CustomersType.leadRouted, CustomersType.commandRejected])
        let customerId = try routed.payload(LeadRouted.self).customerId

        // She buys two pairs at the store's till and takes them away.
        let orderId = "ord-\(tag)"
        let sale = PlaceOrder(orderId: orderId, channel: "pos", storeId: fixtures.store, customerId: customerId,
                              lines: [OrderLineRequest(sku: fixtures.sku, quantity: 2)], fulfilment: OrderFulfilment(mode: .inStore), paymentReference: "till-1")
        #expect(try await OrdersFixtures.place(sale, on: stack, channel: "pos").type == OrdersType.orderConfirmed)
        let converted = try await stack.watcher.first(CustomersType.leadConverted) { try $0.payload(LeadConverted.self).leadId == leadId }
        #expect(try converted.payload(LeadConverted.self).orderId == orderId)
        let earned = try await stack.watcher.first(CustomersType.loyaltyChanged) { try $0.payload(LoyaltyChanged.self).reference == orderId }
        let points = try earned.payload(LoyaltyChanged.self)
        #expect(points.kind == .earn && points.points == Int(2 * fixtures.price / 100) && points.balance == points.points)

        // One pair comes back at the same store: the refund's points are taken back.
        let returnId = "ret-\(tag)"
        _ = try await stack.perform(OrdersType.returnItems, ReturnItems(returnId: returnId, orderId: orderId, locationId: fixtures.store,
                                                                        lines: [ReturnLineRequest(sku: fixtures.sku, quantity: 1)]), key: orderId, channel: "pos")
        let reversed = try await stack.watcher.first(CustomersType.loyaltyChanged) { try $0.payload(LoyaltyChanged.self).reference == returnId }
        #expect(try reversed.payload(LoyaltyChanged.self).points == -Int(fixtures.price / 100))
        #expect(try reversed.payload(LoyaltyChanged.self).balance == Int(fixtures.price / 100))

        // Redelivered events change nothing: one earn, one reversal.
        let bookings = stack.watcher.events(CustomersType.loyaltyChanged).filter { [orderId, returnId].contains((try? $0.payload(LoyaltyChanged.self).reference) ?? "") }
        #expect(bookings.count == 2)
        struct Timeline: Decodable { var entries: [Entry]; struct Entry: Decodable { var kind: String; var reference: String? } }
        let timeline: Timeline = try await stack.getJSON("/customers/\(customerId)/timeline", from: .customers)
        #expect(timeline.entries.filter { $0.kind == "order" && $0.reference == orderId }.count >= 2, "the purchase and the return are on her profile")
    }

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
