import Foundation
@testable import CustomersCore
@testable import NotificationsCore
import OmniMessaging
import OmniRuntime
import OrdersContracts
import Testing

/// Orders' events a service would do nothing with are passed over before any transaction
/// (`EventHandlers.skip`): the check reads the event alone and agrees with the handler.
@Suite("Events passed over without a transaction: a walk-in's sale")
struct PassedOverEventsTests {
    static func event(_ type: String, customerId: String?, contact: OrderContact?, mode: OrderFulfilment.Mode, loyaltyPoints: Int? = nil) throws -> CloudEvent {
        let order = OrderSnapshot(orderId: "ord-1", status: "confirmed", channel: mode == .inStore ? "pos" : "web", storeId: "store-1",
                                  customerId: customerId, currency: "EUR",
                                  lines: [OrderLine(lineId: "l1", sku: "sku-1", name: "Shoe", category: "shoes", quantity: 1, unitPriceMinor: 1_000)],
                                  promoCodes: [], fulfilment: OrderFulfilment(mode: mode, storeId: "store-1"), contact: contact,
                                  subtotalMinor: 1_000, discountMinor: 0, totalMinor: 1_000, placedAt: Date(), loyaltyPoints: loyaltyPoints)
        return try CloudEvent(type: type, source: "/services/orders", subject: "ord-1", payload: OrderEvent(order: order))
    }

    @Test("customers passes over a walk-in's confirmation and completion, not a named customer's, nor points spent without a name")
    func customers() throws {
        let handlers = CustomersHandlers.all()
        let customer = UUID().uuidString.lowercased()
        for type in [OrdersType.orderConfirmed, OrdersType.orderCompleted, OrdersType.orderPickedUp, OrdersType.orderDelivered] {
            #expect(handlers.isUnneeded(try Self.event(type, customerId: nil, contact: nil, mode: .inStore)), "\(type)")
            #expect(!handlers.isUnneeded(try Self.event(type, customerId: customer, contact: nil, mode: .inStore)), "\(type)")
            #expect(!handlers.isUnneeded(try Self.event(type, customerId: nil, contact: nil, mode: .inStore, loyaltyPoints: 100)), "\(type)")
        }
        let unreadable = CloudEvent(type: OrdersType.orderConfirmed, source: "/services/orders", data: Array("{}".utf8))
        #expect(!handlers.isUnneeded(unreadable), "what the check cannot read goes to the handler")
        #expect(!handlers.isUnneeded(try Self.event(OrdersType.itemsReturned, customerId: nil, contact: nil, mode: .inStore)), "no check for other types")
    }

    @Test("notifications passes over a walk-in's till sale only: a guest ordering for later, or a named buyer at the till, still goes to the handler")
    func notifications() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("omni-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let handlers = NotificationsHandlers.all(dispatch: MessageDispatch(renderer: try await MessageRenderer(directory: folder.path), weeklyCap: 3))
        let confirmed = OrdersType.orderConfirmed
        #expect(handlers.isUnneeded(try Self.event(confirmed, customerId: nil, contact: nil, mode: .inStore)))
        #expect(handlers.isUnneeded(try Self.event(confirmed, customerId: nil, contact: OrderContact(firstName: "Ada"), mode: .inStore)))
        #expect(!handlers.isUnneeded(try Self.event(confirmed, customerId: nil, contact: OrderContact(email: "ada@example.com"), mode: .inStore)))
        #expect(!handlers.isUnneeded(try Self.event(confirmed, customerId: "c-1", contact: nil, mode: .inStore)))
        #expect(!handlers.isUnneeded(try Self.event(confirmed, customerId: nil, contact: nil, mode: .pickup)), "a guest is told why nothing was sent")
        #expect(!handlers.isUnneeded(try Self.event(OrdersType.orderShipped, customerId: nil, contact: nil, mode: .inStore)))
    }
}
