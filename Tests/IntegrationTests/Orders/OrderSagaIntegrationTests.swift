import CatalogContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

/// The order saga against the real orders, catalog and promotions processes on one
/// broker: each happy path and each failure path, compensation, duplicates.
@Suite("Orders: the saga with catalog and promotions", .serialized)
struct OrderSagaIntegrationTests {
    @Test("Click & collect: stock held at the store at once, ready with a pickup code, picked up as a sale")
    func clickAndCollect() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 3])
        let orderId = "ord-\(UUID().uuidString.prefix(8))"

        let outcome = try await OrdersFixtures.place(fixtures.pickupOrder(orderId, quantity: 2), on: stack)
        #expect(outcome.type == OrdersType.orderConfirmed, "\(String(decoding: outcome.data, as: UTF8.self))")
        let confirmed = try outcome.payload(OrderEvent.self).order
        #expect(confirmed.totalMinor == 2 * fixtures.price && confirmed.status == "confirmed")
        struct Availability: Decodable { var available: Int }
        let atStore: Availability = try await stack.getJSON("/availability/\(fixtures.sku)/locations/\(fixtures.store)", from: .catalog)
        #expect(atStore.available == 1)

        let ready = try await stack.perform(OrdersType.markReadyForPickup, OrderStep(orderId: orderId), key: orderId, channel: "tablet")
        let readyPayload = try ready.payload(OrderReadyForPickup.self)
        #expect(readyPayload.pickupCode.count == 6)
        #expect(readyPayload.qrPayload == "omni:pickup:\(orderId):\(readyPayload.pickupCode)")

        let wrong = try await stack.perform(OrdersType.confirmPickup, OrderStep(orderId: orderId, reference: "000000" == readyPayload.pickupCode ? "111111" : "000000"), key: orderId)
        #expect(try wrong.payload(CommandRejected.self).reasonCode == "wrong-pickup-code")
        // Five wrong codes in a row lock the handover, even for the right one, for 15 minutes.
        for _ in 2...5 {
            let again = try await stack.perform(OrdersType.confirmPickup, OrderStep(orderId: orderId, reference: "999999" == readyPayload.pickupCode ? "888888" : "999999"), key: orderId)
            #expect(try again.payload(CommandRejected.self).reasonCode == "wrong-pickup-code")
        }
        let locked = try await stack.perform(OrdersType.confirmPickup, OrderStep(orderId: orderId, reference: readyPayload.pickupCode), key: orderId)
        #expect(try locked.payload(CommandRejected.self).reasonCode == "pickup-locked")
        // The lock runs out (made to here, as 15 minutes passing would).
        try await TestStack.withDatabase(stack.schemas[.orders]!) { database in
            _ = try await database.query("UPDATE pickup_attempts SET last_wrong = now() - interval '16 minutes' WHERE order_id = \(orderId)")
        }
        let pickedUp = try await stack.perform(OrdersType.confirmPickup, OrderStep(orderId: orderId, reference: readyPayload.pickupCode), key: orderId)
        #expect(pickedUp.type == OrdersType.orderPickedUp)
        let committed = try await stack.watcher.first(CatalogType.reservationCommitted) { try $0.payload(ReservationCommitted.self).orderId == orderId }
        #expect(try committed.payload(ReservationCommitted.self).allocations == [Allocation(sku: fixtures.sku, locationId: fixtures.store, quantity: 2)])

        let cancel = try await stack.perform(OrdersType.cancelOrder, CancelOrder(orderId: orderId, reason: "customer-request"), key: orderId)
        #expect(try cancel.payload(CommandRejected.self).reasonCode == "already-picked-up")

        struct View: Decodable { var order: OrderSnapshot; var history: [Step]; struct Step: Decodable { var status: String } }
        let view: View = try await stack.getJSON("/orders/\(orderId)")
        #expect(view.history.map(\.status) == ["placed", "confirmed", "ready-for-pickup", "picked-up"])
    }

    @Test("A one-use code: applied on the web, refused for the same customer at the POS, whose stock is released")
    func promoCodeOncePerCustomer() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.catalog.warehouse: 10, fixtures.store: 5])
        let promotion = Promotion(promotionId: "fb15", name: "FB15", kind: .percentOff, percent: 15, code: "FB15", perCustomerLimit: 1)
        #expect(try await stack.perform(PromotionsType.upsertPromotion, promotion, key: "fb15").type == PromotionsType.promotionUpserted)
        let customer = "cust-\(UUID().uuidString.prefix(6))"

        let first = try await OrdersFixtures.place(fixtures.deliveryOrder("ord-a-\(customer)", quantity: 2, customerId: customer, codes: ["fb15"]), on: stack)
        #expect(first.type == OrdersType.orderConfirmed, "\(String(decoding: first.data, as: UTF8.self))")
        let order = try first.payload(OrderEvent.self).order
        #expect(order.discountMinor == 2 * fixtures.price * 15 / 100)
        #expect(order.totalMinor == 2 * fixtures.price - order.discountMinor)

        let secondId = "ord-b-\(customer)"
        let second = try await OrdersFixtures.place(fixtures.pickupOrder(secondId, customerId: customer, codes: ["FB15"], channel: "pos"), on: stack, channel: "pos")
        let rejected = try second.payload(OrderRejected.self)
        #expect(rejected.reasonCode == "already-used-by-customer")
        #expect(!rejected.message.isEmpty)
        let released = try await stack.watcher.first(CatalogType.reservationReleased) { try $0.payload(ReservationReleased.self).orderId == secondId }
        #expect(try released.payload(ReservationReleased.self).reason == "order-rejected")
    }

    @Test("Catalog and promotions are asked at once: refused for want of stock, the one-use code it held goes back, and the next order gets it")
    func noStockReleasesTheCode() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 1])
        let promotion = Promotion(promotionId: "once10", name: "ONCE10", kind: .percentOff, percent: 10, code: "ONCE10", perCustomerLimit: 1)
        #expect(try await stack.perform(PromotionsType.upsertPromotion, promotion, key: "once10").type == PromotionsType.promotionUpserted)
        let customer = "cust-\(UUID().uuidString.prefix(6))"

        let tooManyId = "ord-many-\(customer)"
        let tooMany = try await OrdersFixtures.place(fixtures.pickupOrder(tooManyId, quantity: 3, customerId: customer, codes: ["ONCE10"]), on: stack)
        #expect(try tooMany.payload(OrderRejected.self).reasonCode == "insufficient-stock")
        let released = try await stack.watcher.first(PromotionsType.redemptionsReleased) { try $0.payload(RedemptionsReleased.self).orderId == tooManyId }
        #expect(try released.payload(RedemptionsReleased.self).reason == "order-rejected")

        let next = try await OrdersFixtures.place(fixtures.pickupOrder("ord-next-\(customer)", quantity: 1, customerId: customer, codes: ["ONCE10"]), on: stack)
        #expect(next.type == OrdersType.orderConfirmed, "\(String(decoding: next.data, as: UTF8.self))")
        #expect(try next.payload(OrderEvent.self).order.discountMinor == fixtures.price / 10)
    }

    @Test("Refusals a channel can show: no stock, unknown sku, no click & collect, quantity 0; nothing is held")
    func refusals() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 1])
        func reason(_ order: PlaceOrder) async throws -> String? {
            let outcome = try await OrdersFixtures.place(order, on: stack)
            return outcome.type == OrdersType.orderRejected ? try outcome.payload(OrderRejected.self).reasonCode : nil
        }
        #expect(try await reason(fixtures.pickupOrder("ord-many-\(UUID().uuidString.prefix(4))", quantity: 5)) == "insufficient-stock")
        var unknown = fixtures.pickupOrder("ord-unknown-\(UUID().uuidString.prefix(4))")
        unknown.lines = [OrderLineRequest(sku: "NOPE", quantity: 1)]
        #expect(try await reason(unknown) == "unknown-sku")
        #expect(try await reason(fixtures.pickupOrder("ord-outlet-\(UUID().uuidString.prefix(4))", at: fixtures.noPickupStore)) == "no-click-and-collect")
        #expect(try await reason(fixtures.pickupOrder("ord-nostore-\(UUID().uuidString.prefix(4))", at: "st-nowhere")) == "unknown-store")
        #expect(try await reason(fixtures.pickupOrder("ord-zero-\(UUID().uuidString.prefix(4))", quantity: 0)) == "invalid-quantity")
        struct Availability: Decodable { var available: Int }
        let atStore: Availability = try await stack.getJSON("/availability/\(fixtures.sku)/locations/\(fixtures.store)", from: .catalog)
        #expect(atStore.available == 1)
    }

    @Test("A retried PlaceOrder (same order id, new message) never makes two orders; cancelling releases the stock")
    func duplicatesAndCancel() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 4])
        let customer = "cust-\(UUID().uuidString.prefix(6))"
        let orderId = "ord-dup-\(customer)"
        let order = fixtures.pickupOrder(orderId, quantity: 1, customerId: customer)
        #expect(try await OrdersFixtures.place(order, on: stack).type == OrdersType.orderConfirmed)
        let again = try await OrdersFixtures.place(order, on: stack)
        #expect(again.type == OrdersType.orderConfirmed)
        struct List: Decodable { var orders: [OrderSnapshot] }
        let list: List = try await stack.getJSON("/customers/\(customer)/orders")
        #expect(list.orders.map(\.orderId) == [orderId])
        struct Availability: Decodable { var available: Int }
        let held: Availability = try await stack.getJSON("/availability/\(fixtures.sku)/locations/\(fixtures.store)", from: .catalog)
        #expect(held.available == 3)

        let cancelled = try await stack.perform(OrdersType.cancelOrder, CancelOrder(orderId: orderId, reason: "customer-request"), key: orderId)
        #expect(cancelled.type == OrdersType.orderCancelled)
        _ = try await stack.watcher.first(CatalogType.reservationReleased) { try $0.payload(ReservationReleased.self).orderId == orderId }
        let after: Availability = try await stack.getJSON("/availability/\(fixtures.sku)/locations/\(fixtures.store)", from: .catalog)
        #expect(after.available == 4)
    }

    @Test("A participant that never answers: the order is rejected on timeout and its stock released")
    func timeout() async throws {
        // No promotions process: its answer never comes (the stock is held meanwhile).
        let stack = try await OrdersFixtures.stack([.orders, .catalog], environment: ["OMNI_ORDERS_SAGA_TIMEOUT_SECONDS": "3"])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 2])
        let orderId = "ord-slow-\(UUID().uuidString.prefix(6))"
        let outcome = try await OrdersFixtures.place(fixtures.pickupOrder(orderId), on: stack)
        #expect(try outcome.payload(OrderRejected.self).reasonCode == "timeout")
        let released = try await stack.watcher.first(CatalogType.reservationReleased) { try $0.payload(ReservationReleased.self).orderId == orderId }
        #expect(try released.payload(ReservationReleased.self).reason == "saga-timeout")
    }

    @Test("Cart continuity: added anonymously on the web, merged at login on the app, seen on the tablet, checked out at the kiosk")
    func cartContinuity() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 5])
        let anonymous = "anon-\(UUID().uuidString.prefix(6))", customer = "cust-\(UUID().uuidString.prefix(6))"
        #expect(try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: anonymous, sku: fixtures.sku, quantity: 2), key: anonymous).type == OrdersType.cartUpdated)
        let unknown = try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: anonymous, sku: "NOPE", quantity: 1), key: anonymous)
        #expect(try unknown.payload(CommandRejected.self).reasonCode == "unknown-sku")
        let merged = try await stack.perform(OrdersType.attachCart, AttachCart(anonymousId: anonymous, customerId: customer), key: customer, channel: "app")
        #expect(try merged.payload(CartsMerged.self).lines == [CartLine(sku: fixtures.sku, quantity: 2)])

        struct Cart: Decodable { var lines: [Line]; var subtotalMinor: Int64; struct Line: Decodable { var sku: String; var quantity: Int } }
        let onTablet: Cart = try await stack.getJSON("/carts/\(customer)?channel=tablet&store=\(fixtures.store)")
        #expect(onTablet.lines.map(\.quantity) == [2])
        #expect(onTablet.subtotalMinor == 2 * fixtures.price)

        let checkout = PlaceOrder(orderId: "ord-cart-\(customer)", channel: "kiosk", storeId: fixtures.store, customerId: customer,
                                  fulfilment: OrderFulfilment(mode: .pickup, storeId: fixtures.store), paymentReference: "psp-1")
        let outcome = try await OrdersFixtures.place(checkout, on: stack, channel: "kiosk")
        #expect(outcome.type == OrdersType.orderConfirmed, "\(String(decoding: outcome.data, as: UTF8.self))")
        #expect(try outcome.payload(OrderEvent.self).order.lines.map(\.quantity) == [2])
        let emptied: Cart = try await stack.getJSON("/carts/\(customer)")
        #expect(emptied.lines.isEmpty)
    }

    @Test("A cart left idle is announced once as abandoned; touched again, the clock starts over")
    func abandonedCart() async throws {
        let stack = try await OrdersFixtures.stack([.orders, .catalog], environment: ["OMNI_ORDERS_CART_ABANDONED_AFTER_SECONDS": "2"])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 1])
        let owner = "anon-\(UUID().uuidString.prefix(6))"
        _ = try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: owner, sku: fixtures.sku, quantity: 1), key: owner, channel: "app")
        let abandoned = try await stack.watcher.first(OrdersType.cartAbandoned, timeout: .seconds(20)) { try $0.payload(CartAbandoned.self).ownerId == owner }
        let payload = try abandoned.payload(CartAbandoned.self)
        #expect(payload.lines == [CartLine(sku: fixtures.sku, quantity: 1)] && payload.lastChannel == "app")
        try await Task.sleep(for: .seconds(4))
        func announcements() -> Int { stack.watcher.events(OrdersType.cartAbandoned).filter { (try? $0.payload(CartAbandoned.self).ownerId) == owner }.count }
        #expect(announcements() == 1, "once until it changes")
        _ = try await stack.perform(OrdersType.setCartItemQuantity, SetCartItemQuantity(ownerId: owner, sku: fixtures.sku, quantity: 2), key: owner, channel: "web")
        _ = try await stack.watcher.all(OrdersType.cartAbandoned, count: 2, timeout: .seconds(20)) { try $0.payload(CartAbandoned.self).ownerId == owner }
    }
}
