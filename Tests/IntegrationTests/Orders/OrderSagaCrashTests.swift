import CatalogContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

@Suite("Orders: the saga survives kill -9 at every step (real processes)", .serialized)
struct OrderSagaCrashTests {
    /// Each fault point SIGKILLs the orders process the first (or nth) time it is reached:
    /// inside PlaceOrder's transaction, inside a saga step's transaction, after a handler
    /// committed but before its offset did, after the relay published but before its
    /// claim on the outbox rows committed.
    static let faults = ["orders.place-order@1", "orders.saga-step@1", "orders.saga-step@2", "consumer.after-commit@3", "relay.after-publish@2"]

    @Test("kill -9 at every step of the saga: every order ends confirmed, holding its stock and its code exactly once")
    func killAtEveryStep() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 20])
        let promotion = Promotion(promotionId: "save5", name: "SAVE5", kind: .amountOff, amountMinor: 500, code: "SAVE5")
        _ = try await stack.perform(PromotionsType.upsertPromotion, promotion, key: "save5")
        let run = UUID().uuidString.prefix(6)
        var orderIds: [String] = []

        for (index, fault) in Self.faults.enumerated() {
            // Not waiting for readiness: the saga of the order before may reach the fault
            // point first, as soon as the process starts; the kill is what matters.
            try await stack.restart(.orders, environment: ["OMNI_FAULT_POINTS": fault], waitUntilReady: false)
            let orderId = "ord-crash-\(run)-\(index)"
            orderIds.append(orderId)
            try await stack.send(OrdersType.placeOrder, fixtures.pickupOrder(orderId, quantity: 1, customerId: "cust-\(run)-\(index)", codes: ["SAVE5"]),
                                 key: orderId)
            let orders = stack.process(.orders)
            _ = await orders.waitForExit(timeout: .seconds(30))
            #expect(orders.wasKilled, "\(fault) was not reached")
        }
        try await stack.restart(.orders)

        for orderId in orderIds {
            let confirmed = try await stack.watcher.first(OrdersType.orderConfirmed, timeout: .seconds(60)) {
                try $0.payload(OrderEvent.self).order.orderId == orderId
            }
            #expect(try confirmed.payload(OrderEvent.self).order.discountMinor == 500)
            struct View: Decodable { var order: OrderSnapshot }
            let view: View = try await stack.getJSON("/orders/\(orderId)")
            #expect(view.order.status == "confirmed", "\(orderId)")
        }
        // Once each: the stock held, the code used, the order confirmed.
        struct Availability: Decodable { var available: Int }
        let atStore: Availability = try await stack.getJSON("/availability/\(fixtures.sku)/locations/\(fixtures.store)", from: .catalog)
        #expect(atStore.available == 20 - orderIds.count)
        struct Uses: Decodable { var uses: Int? }
        #expect(try await stack.getJSON("/promotions/save5", as: Uses.self, from: .promotions).uses == orderIds.count)
        let confirmations = Set(stack.watcher.events(OrdersType.orderConfirmed).compactMap { try? $0.payload(OrderEvent.self).order.orderId })
        #expect(confirmations == Set(orderIds))
        let reservations = stack.watcher.events(CatalogType.stockReserved).compactMap { try? $0.payload(StockReserved.self) }
            .filter { orderIds.contains($0.orderId) }
        #expect(Set(reservations.map(\.reservationId)).count == orderIds.count)
    }
}
