import Foundation
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("J5 — Cart continuity")
    struct CartContinuity {
        @Test("J5: items put in the cart anonymously on the mobile site are in the app after login (merged with what was there), on the associate's tablet in store, and checked out there; the cart is then empty everywhere, the 360 view included")
        func cartContinuity() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag
            func add(_ owner: String, _ sku: String, _ quantity: Int, on channel: String) async throws {
                let outcome = try await omni.perform(OrdersType.addCartItem, AddCartItem(ownerId: owner, sku: sku, quantity: quantity), key: owner, channel: channel)
                #expect(outcome.type == OrdersType.cartUpdated)
            }
            func cart(_ owner: String, on channel: String, store: String? = nil) async throws -> Read.Cart {
                try await omni.get("/carts/\(owner)?channel=\(channel)\(store.map { "&store=\($0)" } ?? "")", from: .orders)
            }
            func units(_ cart: Read.Cart) -> [String: Int] { Dictionary(uniqueKeysWithValues: cart.lines.map { ($0.sku, $0.quantity) }) }

            // Inès already has an account; last week she left two pairs of socks in her cart in the app.
            let ines = try await omni.customer("Ines")
            try await add(ines, shop.socks, 2, on: "app")
            // Today she browses the mobile site without logging in: a pair of shoes and one pair of socks.
            let session = "sess-\(tag)"
            try await add(session, shop.shoe, 1, on: "web")
            try await add(session, shop.socks, 1, on: "web")

            // She logs in on the app: the session's cart joins hers (socks on both devices: the larger quantity).
            let merged = try await omni.perform(OrdersType.attachCart, AttachCart(anonymousId: session, customerId: ines), key: ines, channel: "app",
                                                expecting: [OrdersType.cartsMerged, OrdersType.commandRejected]).payload(CartsMerged.self)
            #expect(merged.ownerId == ines && merged.mergedOwnerIds == [session])
            // Her 360 view has one open cart (hers, with both devices' items): the session's is gone.
            let before = try await omni.view(ines) { $0.openCarts.count == 1 && $0.openCarts.first?.lines.count == 2 }
            #expect(before.openCarts.map(\.ownerId) == [ines], "\(before.openCarts)")
            let inApp = try await cart(ines, on: "app")
            #expect(units(inApp) == [shop.shoe: 1, shop.socks: 2] && inApp.subtotalMinor == shop.shoePrice + 2 * shop.socksPrice, "\(inApp)")
            #expect(try await cart(session, on: "web").lines.isEmpty, "the anonymous cart is folded into hers")

            // In Lille Centre, the associate finds the same cart on the tablet, priced for the store.
            let onTablet = try await cart(ines, on: "tablet", store: shop.store)
            #expect(onTablet.channel == "tablet" && units(onTablet) == units(inApp) && onTablet.subtotalMinor == inApp.subtotalMinor)
            // She tries the shoes on and takes a second pair: the associate changes it on the tablet, the app shows it.
            let changed = try await omni.perform(OrdersType.setCartItemQuantity, SetCartItemQuantity(ownerId: ines, sku: shop.shoe, quantity: 2), key: ines,
                                                 channel: "tablet")
            #expect(changed.type == OrdersType.cartUpdated)
            let updated = try await cart(ines, on: "app")
            #expect(units(updated) == [shop.shoe: 2, shop.socks: 2] && updated.lastChannel == "tablet")

            // She checks out on the tablet, takes everything with her: the order is her cart.
            let checkout = PlaceOrder(orderId: "ord-\(tag)", channel: "tablet", storeId: shop.store, customerId: ines, fulfilment: OrderFulfilment(mode: .inStore),
                                      paymentReference: "tablet-\(tag)")
            let order = try await omni.confirmed(checkout)
            #expect(Dictionary(uniqueKeysWithValues: order.lines.map { ($0.sku, $0.quantity) }) == [shop.shoe: 2, shop.socks: 2])
            #expect(order.totalMinor == 2 * shop.shoePrice + 2 * shop.socksPrice)
            // Her cart is now empty on every channel.
            for channel in ["app", "web", "tablet"] {
                let after = try await omni.poll("/carts/\(ines)?channel=\(channel)&store=\(shop.store)", as: Read.Cart.self, from: .orders) { $0.itemCount == 0 }
                #expect(after.lines.isEmpty, "\(channel): \(after)")
            }
            // And the 360 view every team reads no longer lists it among her open carts.
            let view = try await omni.view(ines) { $0.openCarts.isEmpty }
            #expect(view.openCarts.isEmpty, "checked out, no longer open: \(view.openCarts)")
            #expect(view.recentOrders.map(\.orderId).contains(order.orderId))
        }
    }
}
