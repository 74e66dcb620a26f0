import CatalogContracts
import Foundation
import OrdersContracts
import OrdersCore
import Testing

@Suite("Order pricing from the catalog's price lists")
struct OrderPricingTests {
    let now = Date()
    var products: [String: ProductInfo] {
        [
            "TEE": ProductInfo(sku: "TEE", name: "Tee", category: "tops", active: true, prices: [
                PriceEntry(channel: "default", storeId: nil, currency: "EUR", amountMinor: 2000, validFrom: nil, validTo: nil),
                PriceEntry(channel: "pos", storeId: "S1", currency: "EUR", amountMinor: 1800, validFrom: nil, validTo: nil),
            ]),
            "CAP": ProductInfo(sku: "CAP", name: "Cap", category: "hats", active: true, prices: [
                PriceEntry(channel: "default", storeId: nil, currency: "EUR", amountMinor: 1500, validFrom: nil, validTo: nil),
            ]),
            "OLD": ProductInfo(sku: "OLD", name: "Old", category: "x", active: false, prices: []),
            "USD": ProductInfo(sku: "USD", name: "Usd", category: "x", active: true, prices: [
                PriceEntry(channel: "default", storeId: nil, currency: "USD", amountMinor: 100, validFrom: nil, validTo: nil),
            ]),
            "NOPRICE": ProductInfo(sku: "NOPRICE", name: "N", category: "x", active: true, prices: []),
        ]
    }

    @Test("Lines priced with the store's list at the POS and the default list on the web")
    func channelPrices() throws {
        let lines = [OrderLineRequest(sku: "TEE", quantity: 2), OrderLineRequest(sku: "CAP", quantity: 1)]
        let web = try OrderPricing.price(lines, products: products, channel: "web", storeId: nil, at: now).get()
        #expect(web.subtotalMinor == 2 * 2000 + 1500)
        let pos = try OrderPricing.price(lines, products: products, channel: "pos", storeId: "S1", at: now).get()
        #expect(pos.subtotalMinor == 2 * 1800 + 1500)
        #expect(pos.lines.map(\.lineId) == ["1", "2"])
        #expect(pos.currency == "EUR")
    }

    @Test("Refusals name their reason and the skus concerned")
    func refusals() {
        func code(_ lines: [OrderLineRequest]) -> String? {
            if case .failure(let refusal) = OrderPricing.price(lines, products: products, channel: "web", storeId: nil, at: now) { return refusal.code }
            return nil
        }
        #expect(code([]) == "empty-order")
        #expect(code([OrderLineRequest(sku: "TEE", quantity: 0)]) == "invalid-quantity")
        #expect(code([OrderLineRequest(sku: "NOPE", quantity: 1)]) == "unknown-sku")
        #expect(code([OrderLineRequest(sku: "OLD", quantity: 1)]) == "unknown-sku")
        #expect(code([OrderLineRequest(sku: "NOPRICE", quantity: 1)]) == "no-price")
        #expect(code([OrderLineRequest(sku: "TEE", quantity: 1), OrderLineRequest(sku: "USD", quantity: 1)]) == "mixed-currencies")
    }
}
