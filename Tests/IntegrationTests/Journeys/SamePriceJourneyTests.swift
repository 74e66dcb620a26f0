import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

extension Journeys {
    @Suite("J3 — Same rule, same price")
    struct SamePrice {
        @Test("J3: \"second pair at −50 %\" quotes the same total for the same basket at the till, in the app and on the web, and the orders placed there are charged exactly that")
        func sameRuleSamePrice() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag

            // The shop runs "second pair of shoes at −50 %", automatic, on every channel.
            let offer = Promotion(promotionId: "second-half", name: "Second pair at -50 %", kind: .nthItemPercentOff, percent: 50, nth: 2, categories: ["shoes"])
            #expect(try await omni.perform(PromotionsType.upsertPromotion, offer, key: offer.promotionId).type == PromotionsType.promotionUpserted)

            // The same basket, two pairs and socks, priced where each channel reads its prices: the till in Lille Centre, the app, the web.
            let channels: [(channel: String, store: String?)] = [("pos", shop.store), ("app", nil), ("web", nil)]
            var totals: [String: Int64] = [:]
            for (channel, store) in channels {
                var lines: [BasketLine] = []
                for (index, (sku, category, quantity)) in [(shop.shoe, "shoes", 2), (shop.socks, "socks", 1)].enumerated() {
                    let price = try await omni.get("/prices/\(sku)?channel=\(channel)\(store.map { "&store=\($0)" } ?? "")", as: Read.Price.self, from: .catalog)
                    lines.append(BasketLine(lineId: "\(index + 1)", sku: sku, category: category, quantity: quantity, unitPriceMinor: price.amountMinor))
                }
                let quote = try await omni.quote(Basket(channel: channel, storeId: store, currency: "EUR", lines: lines))
                // The second pair is half price; the socks are not shoes.
                #expect(quote.pricing.totalDiscountMinor == shop.shoePrice / 2 && quote.pricing.applied.map(\.promotionId) == ["second-half"], "\(channel): \(quote.pricing)")
                totals[channel] = quote.pricing.totalMinor
            }
            let expected = 2 * shop.shoePrice + shop.socksPrice - shop.shoePrice / 2
            #expect(totals == ["pos": expected, "app": expected, "web": expected])

            // Three customers buy that basket: at the till, in the app for pickup, on the web for delivery. Each pays the quoted total.
            let basket = [OrderLineRequest(sku: shop.shoe, quantity: 2), OrderLineRequest(sku: shop.socks, quantity: 1)]
            let orders = [shop.tillSale("ord-pos-\(tag)", customerId: nil, basket),
                          shop.pickup("ord-app-\(tag)", customerId: nil, basket, channel: "app"),
                          shop.delivery("ord-web-\(tag)", customerId: nil, basket)]
            for order in orders {
                let placed = try await omni.confirmed(order)
                #expect(placed.totalMinor == totals[order.channel] && placed.discountMinor == shop.shoePrice / 2, "\(order.channel): \(placed)")
                // The half price falls on a pair, never on the socks.
                #expect(placed.lines.first { $0.sku == shop.socks }?.discountMinor == 0)
            }
        }
    }
}
