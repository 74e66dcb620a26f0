import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("J4 — Click & collect")
    struct ClickAndCollect {
        @Test("J4: a web order for Lille Centre holds its stock there, seen at once by the web and the store's till; ready, she is emailed by name with the code; the code turns it into a sale that earns points; an order not collected in time is cancelled, released and she is told")
        func clickAndCollect() async throws {
            // Orders wait 15 s at the store here instead of a week.
            let omni = try await JourneyStack(environment: ["OMNI_ORDERS_COLLECT_WITHIN_SECONDS": "15"])
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag, store = shop.store, shoes = shop.shoe

            // Chloé orders two pairs on the web, to collect at Lille Centre.
            let chloe = try await omni.customer("Chloe")
            let storePage = try await omni.available(shoes, at: store), till = try await omni.available(shoes, channel: "pos", store: store)
            let web = try await omni.available(shoes, channel: "web")
            #expect(storePage == 6 && till == 6 && web == 24)
            let order = try await omni.confirmed(shop.pickup("ord-\(tag)", customerId: chloe, [OrderLineRequest(sku: shoes, quantity: 2)], at: store))

            // The pairs are held at Lille Centre, nowhere else...
            let reserved = try await omni.watcher.first(CatalogType.stockReserved) { try $0.payload(StockReserved.self).orderId == order.orderId }
            #expect(try reserved.payload(StockReserved.self).allocations == [Allocation(sku: shoes, locationId: store, quantity: 2)])
            // ...and, as soon as they are, the store's page on the web and the store's own till both show two fewer.
            #expect(try await omni.available(shoes, at: store) == storePage - 2)
            #expect(try await omni.available(shoes, channel: "pos", store: store) == till - 2)
            #expect(try await omni.available(shoes, channel: "kiosk", store: store) == till - 2)
            #expect(try await omni.available(shoes, channel: "web") == web, "home delivery sells the warehouse's and Lille Gare's stock, untouched")

            // The store picks the order and marks it ready on its tablet.
            let ready = try await omni.perform(OrdersType.markReadyForPickup, OrderStep(orderId: order.orderId), key: order.orderId, channel: "tablet",
                                               expecting: [OrdersType.orderReadyForPickup, OrdersType.commandRejected]).payload(OrderReadyForPickup.self)
            // Chloé is emailed by her first name, with the store, its hours and her pickup code.
            let mail = try await omni.smtp.waitForMessage { $0.contains("To: <\(omni.email("Chloe"))>") && $0.contains(ready.pickupCode) }
            #expect(mail.contains("Hello Chloe") && mail.contains("Lille Centre") && mail.contains("09:00") && mail.contains(order.orderId), "\(mail)")

            // At the counter, nothing is handed over without a code, nor for a mistyped one...
            let attempts: [(shown: String?, reason: String)] = [(nil, "missing-field"), ("not-\(ready.pickupCode)", "wrong-pickup-code")]
            for (shown, reason) in attempts {
                let refused = try await omni.perform(OrdersType.confirmPickup, OrderStep(orderId: order.orderId, reference: shown), key: order.orderId, channel: "pos")
                #expect(try refused.payload(CommandRejected.self).reasonCode == reason, "\(shown ?? "no code")")
            }
            // ...she shows the QR code from her email, the till scans it: collected.
            #expect(mail.contains(ready.qrPayload))
            let pickedUp = try await omni.perform(OrdersType.confirmPickup, OrderStep(orderId: order.orderId, reference: ready.qrPayload), key: order.orderId,
                                                  channel: "pos", expecting: [OrdersType.orderPickedUp, OrdersType.commandRejected])
            #expect(pickedUp.type == OrdersType.orderPickedUp, "\(String(decoding: pickedUp.data, as: UTF8.self))")
            // The reservation becomes a sale at Lille Centre...
            _ = try await omni.watcher.first(CatalogType.reservationCommitted) { try $0.payload(ReservationCommitted.self).orderId == order.orderId }
            let stock = try await omni.get("/stock/\(shoes)/locations/\(store)", as: Read.Stock.self, from: .catalog)
            #expect(stock.onHand == 4 && stock.reserved == 0 && stock.ledgerOnHand == 4)
            #expect(stock.movements.contains { $0.kind == "order-sale" && $0.quantity == -2 })
            // ...and earns her points.
            let earned = try await omni.watcher.first(CustomersType.loyaltyChanged) { try $0.payload(LoyaltyChanged.self).reference == order.orderId }
            #expect(try earned.payload(LoyaltyChanged.self).kind == .earn && earned.payload(LoyaltyChanged.self).points == Int(order.totalMinor / 100))

            // She also ordered socks for pickup; they are ready, but she never comes.
            let socksHere = try await omni.available(shop.socks, at: store)
            let late = try await omni.confirmed(shop.pickup("ord-late-\(tag)", customerId: chloe, [OrderLineRequest(sku: shop.socks, quantity: 3)], at: store))
            #expect(try await omni.perform(OrdersType.markReadyForPickup, OrderStep(orderId: late.orderId), key: late.orderId, channel: "tablet").type
                    == OrdersType.orderReadyForPickup)
            #expect(try await omni.available(shop.socks, at: store) == socksHere - 3)
            // Past the collect-by time, the order cancels itself...
            let cancelled = try await omni.watcher.first(OrdersType.orderCancelled, timeout: .seconds(40)) {
                try $0.payload(OrderCancelled.self).order.orderId == late.orderId
            }
            #expect(try cancelled.payload(OrderCancelled.self).reason == "not-collected")
            // ...its socks are back on sale at the store...
            let released = try await omni.watcher.first(CatalogType.reservationReleased) { try $0.payload(ReservationReleased.self).orderId == late.orderId }
            #expect(try released.payload(ReservationReleased.self).allocations == [Allocation(sku: shop.socks, locationId: store, quantity: 3)])
            #expect(try await omni.available(shop.socks, at: store) == socksHere)
            // ...and she is told.
            let told = try await omni.smtp.waitForMessage { $0.contains("To: <\(omni.email("Chloe"))>") && $0.contains("\(late.orderId) was not collected") }
            #expect(told.contains("Hello Chloe") && told.contains("Lille Centre"), "\(told)")
        }
    }
}
