import Foundation
import OmniMessaging

public struct BasketLine: Codable, Sendable, Equatable {
    public var lineId: String
    public var sku: String
    public var category: String?
    public var quantity: Int
    public var unitPriceMinor: Int64
    public init(lineId: String, sku: String, category: String? = nil, quantity: Int, unitPriceMinor: Int64) {
        self.lineId = lineId
        self.sku = sku
        self.category = category
        self.quantity = quantity
        self.unitPriceMinor = unitPriceMinor
    }
    public var amountMinor: Int64 { unitPriceMinor * Int64(quantity) }
}

/// What is priced: lines at their list price, for a channel (and store), a customer, a time.
public struct Basket: Codable, Sendable, Equatable {
    public var channel: String
    public var storeId: String?
    public var customerId: String?
    public var currency: String
    public var lines: [BasketLine]
    public var shippingMinor: Int64
    /// When it is priced (default: now).
    public var at: Date?
    /// The customer's segments: set by the promotions service from its read model, never
    /// trusted from a channel.
    public var segments: [String]?
    public init(channel: String, storeId: String? = nil, customerId: String? = nil, currency: String, lines: [BasketLine],
                shippingMinor: Int64 = 0, at: Date? = nil, segments: [String]? = nil) {
        self.segments = segments
        self.channel = channel
        self.storeId = storeId
        self.customerId = customerId
        self.currency = currency
        self.lines = lines
        self.shippingMinor = shippingMinor
        self.at = at
    }
}

public struct LineDiscount: Codable, Sendable, Equatable {
    public var lineId: String
    public var sku: String
    public var discountMinor: Int64
    public var promotionIds: [String]
    public init(lineId: String, sku: String, discountMinor: Int64, promotionIds: [String]) {
        self.lineId = lineId
        self.sku = sku
        self.discountMinor = discountMinor
        self.promotionIds = promotionIds
    }
}

public struct AppliedPromotion: Codable, Sendable, Equatable {
    public var promotionId: String
    public var name: String
    public var code: String?
    public var discountMinor: Int64
    public var explanation: String
    public init(promotionId: String, name: String, code: String?, discountMinor: Int64, explanation: String) {
        self.promotionId = promotionId
        self.name = name
        self.code = code
        self.discountMinor = discountMinor
        self.explanation = explanation
    }
}

public struct NotAppliedPromotion: Codable, Sendable, Equatable {
    public var promotionId: String?
    public var code: String?
    /// `unknown-code`, `expired-code`, `not-yet-valid`, `not-valid-on-channel`, `not-valid-in-store`, `not-in-segment`,
    /// `minimum-not-reached`, `no-eligible-items`, `not-combinable`, `limit-reached`, `already-used-by-customer`.
    public var reasonCode: String
    public var explanation: String
    public init(promotionId: String?, code: String?, reasonCode: String, explanation: String) {
        self.promotionId = promotionId
        self.code = code
        self.reasonCode = reasonCode
        self.explanation = explanation
    }
}

/// A priced basket: what every promotion did or why it didn't.
public struct Pricing: Codable, Sendable, Equatable {
    public var currency: String
    public var subtotalMinor: Int64
    public var shippingMinor: Int64
    public var lines: [LineDiscount]
    public var shippingDiscountMinor: Int64
    public var totalDiscountMinor: Int64
    public var totalMinor: Int64
    public var applied: [AppliedPromotion]
    public var notApplied: [NotAppliedPromotion]
    public init(currency: String, subtotalMinor: Int64, shippingMinor: Int64, lines: [LineDiscount], shippingDiscountMinor: Int64,
                totalDiscountMinor: Int64, totalMinor: Int64, applied: [AppliedPromotion], notApplied: [NotAppliedPromotion]) {
        self.currency = currency
        self.subtotalMinor = subtotalMinor
        self.shippingMinor = shippingMinor
        self.lines = lines
        self.shippingDiscountMinor = shippingDiscountMinor
        self.totalDiscountMinor = totalDiscountMinor
        self.totalMinor = totalMinor
        self.applied = applied
        self.notApplied = notApplied
    }
}

extension Basket {
    /// The most units on one line the engine prices.
    public static let maxLineQuantity = 1_000_000
    /// The most a basket's lines (and, apart, its shipping) may add up to, in minor units:
    /// with it no sum or share the engine computes can overflow.
    public static let maxAmountMinor: Int64 = Currency.maxAmountMinor

    /// Why the engine cannot price this basket (a line out of range, amounts too large), or nil.
    /// Every field within its own bounds (what the contract's schema states: shipping and
    /// unit prices from 0 to `maxAmountMinor`, quantities from 1 to `maxLineQuantity`).
    /// With these in range, a `pricingProblem` can only be the sum across the lines.
    public var fieldsInRange: Bool {
        (0...Self.maxAmountMinor).contains(shippingMinor)
            && lines.allSatisfy { (1...Self.maxLineQuantity).contains($0.quantity) && (0...Self.maxAmountMinor).contains($0.unitPriceMinor) }
    }

    public var pricingProblem: String? {
        guard (0...Self.maxAmountMinor).contains(shippingMinor) else { return "shipping must be from 0 to \(Self.maxAmountMinor)" }
        var subtotal: Int64 = 0
        for line in lines {
            guard (1...Self.maxLineQuantity).contains(line.quantity) else {
                return "\(line.lineId): quantity must be from 1 to \(Self.maxLineQuantity), got \(line.quantity)"
            }
            guard line.unitPriceMinor >= 0 else { return "\(line.lineId): a price cannot be negative" }
            let (amount, overflow) = line.unitPriceMinor.multipliedReportingOverflow(by: Int64(line.quantity))
            guard !overflow, amount <= Self.maxAmountMinor - subtotal else { return "the lines add up to more than \(Self.maxAmountMinor)" }
            subtotal += amount
        }
        return nil
    }
}
