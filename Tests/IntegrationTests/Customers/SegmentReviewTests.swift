import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import Testing

/// Segment memberships that change with no new event about the customer: a segment
/// defined after the purchases, and a purchase leaving the segment's window.
@Suite("Customers: segments kept current by time as well as events (real process)")
struct SegmentReviewTests {
    /// What orders publishes when an order is confirmed, dated `at`.
    func confirmed(_ orderId: String, customerId: String, channel: String, at: Date) throws -> CloudEvent {
        let line = OrderLine(lineId: "1", sku: "sku-1", name: "Lamp", category: "home", quantity: 1, unitPriceMinor: 4_000)
        let order = OrderSnapshot(orderId: orderId, status: "confirmed", channel: channel, storeId: nil, customerId: customerId, currency: "EUR",
                                  lines: [line], promoCodes: [], fulfilment: OrderFulfilment(mode: .delivery), contact: nil,
                                  subtotalMinor: 4_000, discountMinor: 0, totalMinor: 4_000, placedAt: at)
        var event = try CloudEvent(type: OrdersType.orderConfirmed, source: "/services/orders", subject: orderId, payload: OrderEvent(order: order),
                                   correlationID: orderId)
        event.time = at
        return event
    }

    @Test("A segment defined after the purchase takes her in; when that purchase leaves the window she leaves the segment by herself")
    func membershipLapsesWithTime() async throws {
        let stack = try await ServiceStack(.customers)
        defer { Task { await stack.stop() } }
        let tag = UUID().uuidString.prefix(8).lowercased()
        let registered = try await stack.perform(CustomersType.registerCustomer, RegisterCustomer(identifiers: [CustomerIdentifier(.email, "lea.\(tag)@example.com")]),
                                                 key: "lea-\(tag)")
        let customerId = try registered.payload(CustomerRegistered.self).profile.customerId
        // Bought online one day ago, less 12 seconds: inside a one-day window for 12 more seconds.
        let bought = Date().addingTimeInterval(-86_400 + 12)
        let order = try confirmed("ord-\(tag)", customerId: customerId, channel: "web", at: bought)
        _ = try await stack.producer.send(order.outgoingMessage(topic: Topics.events(.orders), key: "ord-\(tag)"))
        struct Timeline: Decodable { var entries: [Entry]; struct Entry: Decodable { var kind: String; var reference: String? } }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !stack.getJSON("/customers/\(customerId)/timeline", as: Timeline.self).entries.contains(where: { $0.reference == "ord-\(tag)" }),
              ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }

        let segment = DefineSegment(segmentId: "online-today-\(tag)", name: "Bought online in the last day",
                                    conditions: [SegmentCondition(kind: .boughtIn, channels: ["online"], withinDays: 1)])
        #expect(try await stack.perform(CustomersType.defineSegment, segment, key: segment.segmentId).type == CustomersType.segmentDefined)
        let mine: (CloudEvent) throws -> Bool = { event in
            let change = try event.payload(SegmentMembershipChanged.self)
            return change.customerId == customerId && change.segmentId == segment.segmentId
        }
        let joined = try await stack.watcher.first(CustomersType.segmentMembershipChanged, timeout: .seconds(10), where: mine)
        #expect(try joined.payload(SegmentMembershipChanged.self).member, "the definition's review took in a customer who bought before it existed")
        #expect(Date() < bought.addingTimeInterval(86_400), "joined while the purchase was still inside the window")

        // No new event about her: the review scheduled for the window's end takes her out.
        let changes = try await stack.watcher.all(CustomersType.segmentMembershipChanged, count: 2, timeout: .seconds(40), where: mine)
        #expect(try changes.map { try $0.payload(SegmentMembershipChanged.self).member } == [true, false])
        #expect(changes[1].time >= bought.addingTimeInterval(86_400), "she left once the purchase was out of the window, not before")
        struct View: Decodable { var segments: [String] }
        #expect(try await stack.getJSON("/customers/\(customerId)", as: View.self).segments.isEmpty, "the 360 view agrees")
    }
}
