import CatalogContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

extension Journeys {
    @Suite("J2 — One promo code, every channel")
    struct PromoCode {
        @Test("J2: FB15 prices the same on the web and at the till; used in store, it is refused on the web with a clear reason; sent from the till and the web in the same second, exactly one gets it")
        func oneCodeEveryChannel() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag
            let pair = [OrderLineRequest(sku: shop.shoe, quantity: 1)]
            let discount = shop.shoePrice * 15 / 100

            // Marketing publishes FB15 on social: 15 % off, once per customer, on the web, the app and in store.
            let fb15 = Promotion(promotionId: "fb15", name: "Facebook 15 %", kind: .percentOff, percent: 15, code: "FB15", channels: ["web", "app", "pos"],
                                 perCustomerLimit: 1)
            #expect(try await omni.perform(PromotionsType.upsertPromotion, fb15, key: "fb15").type == PromotionsType.promotionUpserted)

            // Nora saw the post. The web site and the till price her pair with the code alike; a kiosk is not in the offer.
            let nora = try await omni.customer("Nora")
            func basket(_ channel: String, for customerId: String) -> Basket {
                Basket(channel: channel, storeId: channel == "web" ? nil : shop.store, customerId: customerId, currency: "EUR",
                       lines: [BasketLine(lineId: "1", sku: shop.shoe, category: "shoes", quantity: 1, unitPriceMinor: shop.shoePrice)])
            }
            for channel in ["web", "pos"] {
                let quote = try await omni.quote(basket(channel, for: nora), codes: ["fb15"])
                #expect(quote.pricing.totalDiscountMinor == discount && quote.pricing.applied.map(\.code) == ["FB15"] && quote.rejections.isEmpty, "\(channel): \(quote)")
            }
            let atKiosk = try await omni.quote(basket("kiosk", for: nora), codes: ["FB15"])
            #expect(atKiosk.pricing.totalDiscountMinor == 0 && atKiosk.rejections.map(\.reasonCode) == ["not-valid-on-channel"])

            // She uses it in store, at the till.
            let inStore = try await omni.confirmed(shop.tillSale("ord-pos-\(tag)", customerId: nora, pair, codes: ["FB15"]))
            #expect(inStore.discountMinor == discount && inStore.totalMinor == shop.shoePrice - discount)

            // Back home, the web site already tells her why the code no longer works...
            let again = try await omni.quote(basket("web", for: nora), codes: ["FB15"])
            #expect(again.pricing.totalDiscountMinor == 0 && again.rejections.map(\.reasonCode) == ["already-used-by-customer"], "\(again)")
            #expect(again.rejections.first.map { !$0.message.isEmpty } == true)
            // ...and an order with it anyway is refused with that reason, holding no stock.
            let webId = "ord-web-\(tag)"
            let refused = try await omni.place(shop.delivery(webId, customerId: nora, pair, codes: ["fb15"]))
            let rejection = try refused.payload(OrderRejected.self)
            #expect(refused.type == OrdersType.orderRejected && rejection.reasonCode == "already-used-by-customer" && !rejection.message.isEmpty, "\(rejection)")
            let released = try await omni.watcher.first(CatalogType.reservationReleased) { try $0.payload(ReservationReleased.self).orderId == webId }
            #expect(try released.payload(ReservationReleased.self).reason == "order-rejected")

            // Omar tries to be clever: the till and the web site send his orders within the same second.
            let omar = try await omni.customer("Omar")
            let racing = [shop.tillSale("ord-pos-omar-\(tag)", customerId: omar, pair, codes: ["FB15"]),
                          shop.delivery("ord-web-omar-\(tag)", customerId: omar, pair, codes: ["fb15"])]
            async let tillCommand = omni.send(racing[0])
            async let webCommand = omni.send(racing[1])
            let sent = try await [tillCommand, webCommand]
            #expect(abs(sent[0].time.timeIntervalSince(sent[1].time)) < 1, "both within the same second")
            var outcomes: [CloudEvent] = []
            for order in racing { outcomes.append(try await omni.outcome(ofOrder: order.orderId)) }
            // Exactly one gets the discount; the other is refused with the reason.
            let winners = try outcomes.filter { $0.type == OrdersType.orderConfirmed }.map { try $0.payload(OrderEvent.self).order }
            let losers = try outcomes.filter { $0.type == OrdersType.orderRejected }.map { try $0.payload(OrderRejected.self) }
            #expect(winners.count == 1 && winners.first?.discountMinor == discount, "\(outcomes.map(\.type))")
            #expect(losers.map(\.reasonCode) == ["already-used-by-customer"])

            // The code was used twice in all, once per person, whatever the channel.
            struct Uses: Decodable { var uses: Int? }
            #expect(try await omni.get("/promotions/fb15", as: Uses.self, from: .promotions).uses == 2)
        }
    }
}
