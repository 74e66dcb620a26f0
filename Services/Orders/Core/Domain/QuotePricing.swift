import Foundation
import OrdersContracts
import PromotionsContracts

/// A quote's prices: the order's lines at the channel's prices, discounted by the shared
/// pricing engine (`PricingEngine`, the promotions service's own rules and arithmetic) with
/// the promotions orders knows from their events. Usage limits are not counted here:
/// they are when the quote becomes an order and the saga applies the promotions.
public enum QuotePricing {
    public struct Priced: Equatable, Sendable {
        public var lines: [OrderLine]
        public var discountMinor: Int64
        /// Codes the customer asked for that would not apply, with the reason.
        public var refusedCodes: [(code: String, reason: String)]

        public static func == (lhs: Priced, rhs: Priced) -> Bool {
            lhs.lines == rhs.lines && lhs.discountMinor == rhs.discountMinor && lhs.refusedCodes.map(\.code) == rhs.refusedCodes.map(\.code)
        }
    }

    public static func price(_ lines: [OrderLine], currency: String, channel: String, customerId: String?, codes: [String], promotions: [Promotion],
                             at instant: Date) -> Priced {
        let basket = Basket(channel: channel, customerId: customerId, currency: currency,
                            lines: lines.map { BasketLine(lineId: $0.lineId, sku: $0.sku, category: $0.category, quantity: $0.quantity, unitPriceMinor: $0.unitPriceMinor) },
                            at: instant)
        let pricing = PricingEngine.price(basket, promotions: promotions, codes: codes)
        let discounts = Dictionary(pricing.lines.map { ($0.lineId, $0.discountMinor) }, uniquingKeysWith: +)
        var priced = lines
        for index in priced.indices { priced[index].discountMinor = discounts[priced[index].lineId] ?? 0 }
        let refused = pricing.notApplied.compactMap { notApplied -> (code: String, reason: String)? in
            guard let code = notApplied.code, notApplied.reasonCode != "not-combinable" else { return nil }
            return (code, notApplied.reasonCode)
        }
        return Priced(lines: priced, discountMinor: pricing.totalDiscountMinor - pricing.shippingDiscountMinor, refusedCodes: refused)
    }
}
