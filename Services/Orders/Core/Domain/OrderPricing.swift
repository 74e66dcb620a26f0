import CatalogContracts
import Foundation
import OrdersContracts
import PromotionsContracts

/// What the orders service knows of a sku from the catalog's events.
public struct ProductInfo: Sendable, Equatable {
    public var sku: String
    public var name: String
    public var category: String
    public var active: Bool
    public var prices: [PriceEntry]
    public init(sku: String, name: String, category: String, active: Bool, prices: [PriceEntry]) {
        self.sku = sku
        self.name = name
        self.category = category
        self.active = active
        self.prices = prices
    }
}

/// Prices an order's lines with the catalog's rule (`PriceResolution`), so the order costs
/// what the channel showed.
public enum OrderPricing {
    public struct Priced: Equatable, Sendable {
        public var currency: String
        public var lines: [OrderLine]
        public var subtotalMinor: Int64
    }

    public struct Refusal: Error, Equatable, Sendable {
        public var code: String
        public var message: String
        public var details: [String]
    }

    public static func price(_ requested: [OrderLineRequest], products: [String: ProductInfo], channel: String, storeId: String?,
                             at instant: Date) -> Result<Priced, Refusal> {
        guard !requested.isEmpty else { return .failure(Refusal(code: "empty-order", message: "an order needs at least one line", details: [])) }
        if let bad = requested.first(where: { $0.quantity <= 0 }) {
            return .failure(Refusal(code: "invalid-quantity", message: "quantity must be at least 1 (\(bad.sku): \(bad.quantity))", details: [bad.sku]))
        }
        if let bad = requested.first(where: { $0.quantity > Basket.maxLineQuantity }) {
            return .failure(Refusal(code: "invalid-quantity", message: "at most \(Basket.maxLineQuantity) units per line (\(bad.sku): \(bad.quantity))", details: [bad.sku]))
        }
        let unknown = requested.filter { products[$0.sku]?.active != true }.map(\.sku)
        guard unknown.isEmpty else {
            return .failure(Refusal(code: "unknown-sku", message: "not sold: \(unknown.joined(separator: ", "))", details: unknown))
        }
        var lines: [OrderLine] = []
        var missing: [String] = []
        var currencies: Set<String> = []
        for (index, line) in requested.enumerated() {
            let product = products[line.sku]!
            guard let price = PriceResolution.price(among: product.prices, channel: channel, storeId: storeId, at: instant) else {
                missing.append(line.sku)
                continue
            }
            currencies.insert(price.currency)
            lines.append(OrderLine(lineId: "\(index + 1)", sku: line.sku, name: product.name, category: product.category,
                                   quantity: line.quantity, unitPriceMinor: price.amountMinor))
        }
        guard missing.isEmpty else {
            return .failure(Refusal(code: "no-price", message: "no price on this channel for \(missing.joined(separator: ", "))", details: missing))
        }
        guard currencies.count == 1, let currency = currencies.first else {
            return .failure(Refusal(code: "mixed-currencies", message: "the lines are priced in \(currencies.sorted().joined(separator: ", "))", details: currencies.sorted()))
        }
        // Within what the pricing engine takes, so no total overflows here or there.
        let basket = Basket(channel: channel, currency: currency, lines: lines.map {
            BasketLine(lineId: $0.lineId, sku: $0.sku, quantity: $0.quantity, unitPriceMinor: $0.unitPriceMinor)
        })
        if let problem = basket.pricingProblem {
            return .failure(Refusal(code: "amount-too-large", message: problem, details: []))
        }
        return .success(Priced(currency: currency, lines: lines, subtotalMinor: lines.reduce(0) { $0 + $1.unitPriceMinor * Int64($1.quantity) }))
    }
}
