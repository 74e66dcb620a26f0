import CatalogContracts
import Foundation
import OmniMessaging
import OrdersContracts
import Testing

/// Holds without an order, on the real orders and catalog processes: a cart held in store
/// from the app, an associate holding for a customer; each shown in the stock view with
/// its source, and released by itself when its time runs out.
@Suite("Orders: holds from a cart or an associate, with their source in the stock view (real processes)")
struct HoldTests {
    struct Stock: Decodable {
        struct Hold: Decodable { var reservationId: String; var sourceKind: String; var sourceId: String; var quantity: Int }
        var available: Int; var reserved: Int; var holds: [Hold]
    }

    @Test("the app holds a cart in store for a short time, an associate holds lines for a customer: both reserved at the store with their source; a hold runs out by itself; bad holds are refused with a reason")
    func holds() async throws {
        let stack = try await OrdersFixtures.stack()
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 5])
        let tag = UUID().uuidString.prefix(6).lowercased()
        let owner = "sess-\(tag)"
        #expect(try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: owner, sku: fixtures.sku, quantity: 2), key: owner, channel: "app").type
                == OrdersType.cartUpdated)
        func reserved(_ holdId: String) async throws -> CloudEvent {
            try await stack.watcher.first(CatalogType.stockReserved, timeout: .seconds(20)) { try $0.payload(StockReserved.self).orderId == holdId }
        }
        func stock() async throws -> Stock { try await stack.getJSON("/stock/\(fixtures.sku)/locations/\(fixtures.store)", from: .catalog) }

        // "Reserve in store" from the app: her cart, held at Lille Centre for an hour.
        let fromCart = HoldStock(holdId: "cart-\(tag)", storeId: fixtures.store, cartOwnerId: owner, holdSeconds: 3_600)
        let requested = try await stack.perform(OrdersType.holdStock, fromCart, key: fromCart.holdId, channel: "app")
        #expect(requested.type == OrdersType.stockHoldRequested, "\(String(decoding: requested.data, as: UTF8.self))")
        #expect(try requested.payload(StockHoldRequested.self).source == "cart")
        _ = try await reserved(fromCart.holdId)

        // An associate holds one pair for a customer, for two seconds.
        let forCustomer = HoldStock(holdId: "assoc-\(tag)", storeId: fixtures.store, lines: [OrderLineRequest(sku: fixtures.sku, quantity: 1)],
                                    customerId: "cust-\(tag)", holdSeconds: 2)
        #expect(try await stack.perform(OrdersType.holdStock, forCustomer, key: forCustomer.holdId, channel: "tablet").type == OrdersType.stockHoldRequested)
        _ = try await reserved(forCustomer.holdId)
        let held = try await stock()
        #expect(held.reserved == 3 && held.available == 2, "\(held)")
        #expect(held.holds.contains { $0.sourceKind == "cart" && $0.sourceId == owner && $0.quantity == 2 }, "\(held.holds)")
        #expect(held.holds.contains { $0.sourceKind == "associate" && $0.sourceId == "cust-\(tag)" && $0.quantity == 1 }, "\(held.holds)")

        // The associate's hold runs out by itself; the cart's stays.
        let released = try await stack.watcher.first(CatalogType.reservationReleased, timeout: .seconds(20)) {
            try $0.payload(ReservationReleased.self).reservationId == "hold-\(forCustomer.holdId)"
        }
        #expect(try released.payload(ReservationReleased.self).reason == "expired")
        let after = try await stack.poll("/stock/\(fixtures.sku)/locations/\(fixtures.store)", as: Stock.self, from: .catalog) { $0.reserved == 2 }
        #expect(after.holds.map(\.sourceKind) == ["cart"] && after.available == 3)

        // Refused with a reason: an empty cart, a warehouse, a hold longer than the shop allows.
        let refusals: [(HoldStock, String)] = [
            (HoldStock(holdId: "empty-\(tag)", storeId: fixtures.store, cartOwnerId: "nobody-\(tag)"), "empty-cart"),
            (HoldStock(holdId: "wh-\(tag)", storeId: fixtures.catalog.warehouse, lines: [OrderLineRequest(sku: fixtures.sku, quantity: 1)]), "unknown-store"),
            (HoldStock(holdId: "long-\(tag)", storeId: fixtures.store, lines: [OrderLineRequest(sku: fixtures.sku, quantity: 1)], holdSeconds: 86_400),
             "invalid-hold"),
        ]
        for (hold, code) in refusals {
            let outcome = try await stack.perform(OrdersType.holdStock, hold, key: hold.holdId, expecting: [OrdersType.stockHoldRequested, OrdersType.commandRejected])
            #expect(try outcome.payload(CommandRejected.self).reasonCode == code, "\(hold.holdId)")
        }
    }
}
