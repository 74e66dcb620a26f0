import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

@Suite("Orders: bought at the till, returned anywhere (real processes)", .serialized)
struct ReturnsAndTillTests {
    struct Stock: Decodable { var onHand: Int; var ledgerOnHand: Int }
    struct View: Decodable { var order: OrderSnapshot; var returns: [ItemsReturned] }

    @Test("J9: bought online with a code, returned in store in two goes: refunded with the discount, restocked at the store, nothing twice")
    func buyOnlineReturnInStore() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.catalog.warehouse: 5, fixtures.store: 1])
        let promotion = Promotion(promotionId: "fb15", name: "FB15", kind: .percentOff, percent: 15, code: "FB15")
        _ = try await stack.perform(PromotionsType.upsertPromotion, promotion, key: "fb15")
        let customer = "cust-\(UUID().uuidString.prefix(6))", orderId = "ord-j9-\(customer)"

        let placed = try await OrdersFixtures.place(fixtures.deliveryOrder(orderId, quantity: 2, customerId: customer, codes: ["FB15"]), on: stack)
        #expect(placed.type == OrdersType.orderConfirmed, "\(String(decoding: placed.data, as: UTF8.self))")
        let paid = try placed.payload(OrderEvent.self).order.totalMinor
        #expect(paid == 2 * fixtures.price * 85 / 100)
        let early = try await stack.perform(OrdersType.returnItems, ReturnItems(returnId: "ret-0-\(customer)", orderId: orderId, locationId: fixtures.store,
                                                                                lines: [ReturnLineRequest(sku: fixtures.sku, quantity: 1)]), key: orderId, channel: "pos")
        #expect(try early.payload(CommandRejected.self).reasonCode == "not-returnable", "not delivered yet")
        #expect(try await stack.perform(OrdersType.shipOrder, OrderStep(orderId: orderId, reference: "TRACK-1"), key: orderId).type == OrdersType.orderShipped)
        #expect(try await stack.perform(OrdersType.confirmDelivery, OrderStep(orderId: orderId), key: orderId).type == OrdersType.orderDelivered)

        let firstReturn = ReturnItems(returnId: "ret-1-\(customer)", orderId: orderId, locationId: fixtures.store,
                                      lines: [ReturnLineRequest(sku: fixtures.sku, quantity: 1)], reason: "too small")
        let returned = try await stack.perform(OrdersType.returnItems, firstReturn, key: orderId, channel: "pos")
        let items = try returned.payload(ItemsReturned.self)
        #expect(items.refundMinor == paid / 2 && items.channel == "pos" && !items.fullyReturned && items.customerId == customer)
        let restocked = try await stack.watcher.first(CatalogType.stockMovementRecorded) { try $0.payload(StockMovementRecorded.self).reference == firstReturn.returnId }
        #expect(try restocked.payload(StockMovementRecorded.self).locationId == fixtures.store)

        // The till retries: the same answer, no second refund, no second restock.
        let retried = try await stack.perform(OrdersType.returnItems, firstReturn, key: orderId, channel: "pos")
        #expect(try retried.payload(ItemsReturned.self) == items)
        let tooMany = try await stack.perform(OrdersType.returnItems, ReturnItems(returnId: "ret-2-\(customer)", orderId: orderId, locationId: fixtures.store,
                                                                                  lines: [ReturnLineRequest(sku: fixtures.sku, quantity: 2)]), key: orderId)
        #expect(try tooMany.payload(CommandRejected.self).reasonCode == "return-exceeds-purchase")
        let nowhere = try await stack.perform(OrdersType.returnItems, ReturnItems(returnId: "ret-3-\(customer)", orderId: orderId, locationId: "st-nowhere",
                                                                                  lines: [ReturnLineRequest(sku: fixtures.sku, quantity: 1)]), key: orderId)
        #expect(try nowhere.payload(CommandRejected.self).reasonCode == "unknown-location")

        let last = try await stack.perform(OrdersType.returnItems, ReturnItems(returnId: "ret-4-\(customer)", orderId: orderId, locationId: fixtures.store,
                                                                               lines: [ReturnLineRequest(sku: fixtures.sku, quantity: 1)]), key: orderId, channel: "pos")
        let lastItems = try last.payload(ItemsReturned.self)
        #expect(lastItems.fullyReturned && items.refundMinor + lastItems.refundMinor == paid)
        _ = try await stack.watcher.first(CatalogType.stockMovementRecorded) { try $0.payload(StockMovementRecorded.self).reference == "ret-4-\(customer)" }
        let atStore: Stock = try await stack.getJSON("/stock/\(fixtures.sku)/locations/\(fixtures.store)", from: .catalog)
        #expect(atStore.onHand == 3 && atStore.ledgerOnHand == 3, "1 on the shelf + 2 returned, each once")
        let view: View = try await stack.getJSON("/orders/\(orderId)")
        #expect(view.order.status == "returned" && view.returns.map(\.returnId) == [firstReturn.returnId, "ret-4-\(customer)"])
    }

    @Test("At the till: paid and taken at once, sold as catalog reserves it (no commit asked); a refused till sale puts the goods back; only in a store; returned at the same till")
    func boughtAtTheTill() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 4])
        let received = try await stack.perform(CatalogType.receiveStock, ReceiveStock(sku: fixtures.sku, locationId: fixtures.noPickupStore, quantity: 2), key: fixtures.sku)
        #expect(received.type == CatalogType.stockMovementRecorded)
        let orderId = "ord-till-\(UUID().uuidString.prefix(6))"
        // The outlet does no click & collect, and still sells at its till.
        let sale = PlaceOrder(orderId: orderId, channel: "pos", storeId: fixtures.noPickupStore, customerId: "cust-till",
                              lines: [OrderLineRequest(sku: fixtures.sku, quantity: 2)], fulfilment: OrderFulfilment(mode: .inStore),
                              paymentReference: "till-42")
        /// The order's ledger rows as published: a till sale's ride on its StockReserved, an undoing is an event of its own.
        func movements(_ orderId: String) -> [Int] {
            let riding = stack.watcher.events(CatalogType.stockReserved).compactMap { try? $0.payload(StockReserved.self) }
                .filter { $0.orderId == orderId }.flatMap { $0.movements ?? [] }
            let apart = stack.watcher.events(CatalogType.stockMovementRecorded).compactMap { try? $0.payload(StockMovementRecorded.self) }
                .filter { $0.reference == orderId }
            return (riding + apart).filter { $0.kind == .orderSale }.sorted { $0.movementId < $1.movementId }.map(\.quantity)
        }

        // Refused (a code that does not exist): sold as it was reserved, then put back.
        var refusedSale = sale
        refusedSale.orderId = "ord-till-refused-\(UUID().uuidString.prefix(6))"
        refusedSale.promoCodes = ["NO-SUCH-CODE"]
        let refusal = try await OrdersFixtures.place(refusedSale, on: stack, channel: "pos")
        #expect(try refusal.payload(OrderRejected.self).reasonCode == "unknown-code", "\(String(decoding: refusal.data, as: UTF8.self))")
        let putBack = try await stack.watcher.first(CatalogType.reservationReleased) { try $0.payload(ReservationReleased.self).orderId == refusedSale.orderId }
        #expect(try putBack.payload(ReservationReleased.self).reason == "order-rejected")
        _ = try await stack.watcher.first(CatalogType.stockMovementRecorded) {
            let movement = try $0.payload(StockMovementRecorded.self)
            return movement.reference == refusedSale.orderId && movement.quantity > 0
        }
        #expect(movements(refusedSale.orderId) == [-2, 2], "the sale and its undoing, both in the ledger")
        let afterRefusal: Stock = try await stack.getJSON("/stock/\(fixtures.sku)/locations/\(fixtures.noPickupStore)", from: .catalog)
        #expect(afterRefusal.onHand == 2 && afterRefusal.ledgerOnHand == 2, "the goods are back on the shelf")

        let outcome = try await OrdersFixtures.place(sale, on: stack, channel: "pos")
        #expect(outcome.type == OrdersType.orderConfirmed, "\(String(decoding: outcome.data, as: UTF8.self))")
        let completed = try await stack.watcher.first(OrdersType.orderCompleted) { try $0.payload(OrderEvent.self).order.orderId == orderId }
        #expect(try completed.payload(OrderEvent.self).order.status == "completed")
        let reserved = try await stack.watcher.first(CatalogType.stockReserved) { try $0.payload(StockReserved.self).orderId == orderId }
        #expect(try reserved.payload(StockReserved.self).sold == true, "sold in the reservation's own step")
        #expect(try reserved.payload(StockReserved.self).allocations == [Allocation(sku: fixtures.sku, locationId: fixtures.noPickupStore, quantity: 2)])
        let outlet: Stock = try await stack.getJSON("/stock/\(fixtures.sku)/locations/\(fixtures.noPickupStore)", from: .catalog)
        #expect(outlet.onHand == 0 && outlet.ledgerOnHand == 0)
        // Completing it asked catalog for nothing more: no commit, the sale in the ledger once.
        try await Task.sleep(for: .seconds(1))
        #expect(stack.watcher.events(CatalogType.reservationCommitted).filter { (try? $0.payload(ReservationCommitted.self).orderId) == orderId }.isEmpty)
        #expect(movements(orderId) == [-2])
        #expect(try reserved.payload(StockReserved.self).movements?.map(\.onHandAfter) == [0], "the sale's ledger row rides on the answer")
        #expect(stack.watcher.events(CatalogType.stockMovementRecorded).filter { (try? $0.payload(StockMovementRecorded.self).reference) == orderId }.isEmpty)

        let cancel = try await stack.perform(OrdersType.cancelOrder, CancelOrder(orderId: orderId, reason: "changed mind"), key: orderId, channel: "pos")
        #expect(try cancel.payload(CommandRejected.self).reasonCode == "already-completed")
        let back = try await stack.perform(OrdersType.returnItems, ReturnItems(returnId: "ret-\(orderId)", orderId: orderId, locationId: fixtures.noPickupStore,
                                                                               lines: [ReturnLineRequest(sku: fixtures.sku, quantity: 1)]), key: orderId, channel: "pos")
        #expect(try back.payload(ItemsReturned.self).refundMinor == fixtures.price)

        var online = sale
        online.orderId = "ord-web-\(UUID().uuidString.prefix(6))"
        online.channel = "web"
        online.storeId = nil
        let refused = try await OrdersFixtures.place(online, on: stack)
        #expect(try refused.payload(OrderRejected.self).reasonCode == "in-store-channel-required")
    }

    @Test("J10 in orders: a customer erased keeps her orders for the figures, without name, contact, address or payment reference; her cart goes")
    func erasure() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.catalog.warehouse: 3])
        let customer = "cust-\(UUID().uuidString.prefix(6))", orderId = "ord-erase-\(customer)"
        #expect(try await OrdersFixtures.place(fixtures.deliveryOrder(orderId, quantity: 1, customerId: customer), on: stack).type == OrdersType.orderConfirmed)
        _ = try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: customer, sku: fixtures.sku, quantity: 1), key: customer)

        try await stack.publishEvent(CustomersType.customerErased, CustomerErased(customerId: customer, formerIds: []), of: .customers, key: customer)
        struct View: Decodable { var order: OrderSnapshot }
        var view: View = try await stack.getJSON("/orders/\(orderId)")
        let deadline = ContinuousClock.now + .seconds(20)
        while view.order.contact != nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            view = try await stack.getJSON("/orders/\(orderId)")
        }
        #expect(view.order.contact == nil && view.order.fulfilment.address == nil)
        #expect(view.order.lines.map(\.quantity) == [1] && view.order.totalMinor == fixtures.price, "the figures still add up")
        struct Cart: Decodable { var lines: [CartLine] }
        #expect(try await stack.getJSON("/carts/\(customer)", as: Cart.self).lines.isEmpty)
    }
}
