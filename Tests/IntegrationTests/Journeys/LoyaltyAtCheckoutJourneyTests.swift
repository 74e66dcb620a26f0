import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("Loyalty points at checkout, on every channel")
    struct LoyaltyAtCheckout {
        @Test("points pay part of an order on the web and at the till at the same value; a short balance is refused with the reason and holds nothing; a cancelled order gives its points back, a return their share")
        func pointsAtCheckout() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag
            let lea = try await omni.customer("Lea")
            _ = try await omni.perform(CustomersType.adjustLoyalty, AdjustLoyalty(customer: .id(lea), points: 2_000, reason: "welcome", reference: "welcome-\(tag)"),
                                       key: lea)
            func balance(_ expected: Int) async throws -> Int {
                try await omni.view(lea) { $0.loyalty.balance == expected }.loyalty.balance
            }
            #expect(try await balance(2_000) == 2_000)
            let pair = [OrderLineRequest(sku: shop.socks, quantity: 2)]

            // On the web: 500 points pay 5.00 of 24.00.
            var web = shop.delivery("ord-web-\(tag)", customerId: lea, pair)
            web.loyaltyPoints = 500
            let online = try await omni.confirmed(web)
            #expect(online.loyaltyPoints == 500 && online.loyaltyValueMinor == 500)
            #expect(online.totalMinor == 2 * shop.socksPrice - 500, "\(online)")
            #expect(try await balance(1_500) == 1_500)

            // At the till: the same points, the same value, the same price.
            var till = shop.tillSale("ord-till-\(tag)", customerId: lea, pair)
            till.loyaltyPoints = 500
            let inStore = try await omni.confirmed(till)
            #expect(inStore.totalMinor == online.totalMinor && inStore.loyaltyValueMinor == online.loyaltyValueMinor)

            // More points than she has left (1,000): refused with the reason; nothing held, the stock back.
            let shoesHere = try await omni.available(shop.shoe, at: shop.store)
            var greedy = shop.pickup("ord-greedy-\(tag)", customerId: lea, [OrderLineRequest(sku: shop.shoe, quantity: 2)])
            greedy.loyaltyPoints = 1_500
            let refused = try await omni.place(greedy)
            #expect(refused.type == OrdersType.orderRejected)
            #expect(try refused.payload(OrderRejected.self).reasonCode == "insufficient-points", "\(String(decoding: refused.data, as: UTF8.self))")
            let released = try await omni.poll("/availability/\(shop.shoe)/locations/\(shop.store)", as: Read.LocationAvailability.self, from: .catalog) {
                $0.available == shoesHere
            }
            #expect(released.available == shoesHere, "the stock held for it is released")

            // Points that are no points, or with nobody to take them from: refused with the reason.
            var none = shop.pickup("ord-none-\(tag)", customerId: lea, pair)
            none.loyaltyPoints = 0
            #expect(try await omni.place(none).payload(OrderRejected.self).reasonCode == "invalid-points")
            var guest = shop.pickup("ord-guest-\(tag)", customerId: nil, pair)
            guest.loyaltyPoints = 100
            #expect(try await omni.place(guest).payload(OrderRejected.self).reasonCode == "customer-required")

            // The till sale earned its points (19 for 19.00): 1,500 − 500 + 19.
            #expect(try await balance(1_019) == 1_019)

            // She cancels the web order: its 500 points come back.
            let cancelled = try await omni.perform(OrdersType.cancelOrder, CancelOrder(orderId: online.orderId, reason: "customer-request"), key: online.orderId)
            #expect(cancelled.type == OrdersType.orderCancelled)
            #expect(try await balance(1_519) == 1_519)
            // Worth more than the order: refused too, nothing spent.
            var tooMuch = shop.pickup("ord-too-much-\(tag)", customerId: lea, [OrderLineRequest(sku: shop.socks, quantity: 1)])
            tooMuch.loyaltyPoints = 1_300
            #expect(try await omni.place(tooMuch).payload(OrderRejected.self).reasonCode == "points-exceed-total")
            #expect(try await balance(1_519) == 1_519)

            // She brings one pair back to the store: 12.00 − 2.50 paid by points refunded in money,
            // 250 points given back, and the 9 points the 9.50 earned taken back.
            let back = ReturnItems(returnId: "ret-\(tag)", orderId: inStore.orderId, locationId: shop.store, lines: [ReturnLineRequest(sku: shop.socks, quantity: 1)])
            let returned = try await omni.perform(OrdersType.returnItems, back, key: inStore.orderId).payload(ItemsReturned.self)
            #expect(returned.refundMinor == shop.socksPrice - 250 && returned.loyaltyPointsRestored == 250, "\(returned)")
            #expect(try await balance(1_760) == 1_760)
        }
    }
}
