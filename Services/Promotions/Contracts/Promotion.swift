import Foundation

/// A promotion as data, set by `UpsertPromotion` and carried whole by `PromotionUpserted`
/// so other services can keep a read model and price with `PricingEngine` themselves.
public struct Promotion: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// `percent` off the lines in scope.
        case percentOff = "percent-off"
        /// `amountMinor` off the lines in scope, spread over them.
        case amountOff = "amount-off"
        /// Every `nth` unit in scope (the cheaper ones) at `percent` off: "second at −50 %".
        case nthItemPercentOff = "nth-item-percent-off"
        /// `amountMinor` off once the lines in scope reach `thresholdMinor`: "−10 € from 50 €".
        case thresholdAmountOff = "threshold-amount-off"
        /// The shipping fee is waived.
        case freeShipping = "free-shipping"
        /// Buy `buyQuantity`, get `getQuantity` (the cheaper units) at `percent` off, 100 % by default.
        case buyXGetY = "buy-x-get-y"
        /// One of each of `skus` together for `amountMinor`.
        case bundlePrice = "bundle-price"
    }
    public enum Stacking: String, Codable, Sendable {
        /// Combines with every other stackable promotion.
        case stackable
        /// Alone: the customer gets whichever is better, this or the stackable ones together.
        case exclusive
    }

    public var promotionId: String
    public var name: String
    public var kind: Kind
    public var percent: Int?
    public var amountMinor: Int64?
    public var nth: Int?
    public var thresholdMinor: Int64?
    public var buyQuantity: Int?
    public var getQuantity: Int?
    /// A shared code ("FB15"); none = automatic, applied to every basket it fits.
    public var code: String?
    /// Applies only through one of its single-use codes (`GenerateCodes`), never automatically.
    public var uniqueCodes: Bool?
    /// Channels it is valid on; none = every channel.
    public var channels: [String]?
    public var storeIds: [String]?
    /// Scope: these skus and/or categories; none = the whole basket.
    public var skus: [String]?
    public var categories: [String]?
    /// Only for customers in one of these segments (customers' `SegmentMembershipChanged`).
    public var segments: [String]?
    public var validFrom: Date?
    public var validTo: Date?
    public var minimumBasketMinor: Int64?
    /// Uses across every channel and customer.
    public var usageLimit: Int?
    public var perCustomerLimit: Int?
    public var stacking: Stacking?
    /// Higher first; ties by id.
    public var priority: Int?
    public var active: Bool?

    public init(promotionId: String, name: String, kind: Kind, percent: Int? = nil, amountMinor: Int64? = nil, nth: Int? = nil,
                thresholdMinor: Int64? = nil, buyQuantity: Int? = nil, getQuantity: Int? = nil, code: String? = nil, uniqueCodes: Bool? = nil, channels: [String]? = nil, storeIds: [String]? = nil,
                skus: [String]? = nil, categories: [String]? = nil, segments: [String]? = nil, validFrom: Date? = nil, validTo: Date? = nil,
                minimumBasketMinor: Int64? = nil, usageLimit: Int? = nil, perCustomerLimit: Int? = nil,
                stacking: Stacking? = nil, priority: Int? = nil, active: Bool? = nil) {
        self.promotionId = promotionId
        self.name = name
        self.kind = kind
        self.percent = percent
        self.amountMinor = amountMinor
        self.nth = nth
        self.thresholdMinor = thresholdMinor
        self.buyQuantity = buyQuantity
        self.getQuantity = getQuantity
        self.code = code
        self.uniqueCodes = uniqueCodes
        self.channels = channels
        self.storeIds = storeIds
        self.skus = skus
        self.categories = categories
        self.segments = segments
        self.validFrom = validFrom
        self.validTo = validTo
        self.minimumBasketMinor = minimumBasketMinor
        self.usageLimit = usageLimit
        self.perCustomerLimit = perCustomerLimit
        self.stacking = stacking
        self.priority = priority
        self.active = active
    }

    /// Codes compare without case or surrounding spaces.
    public static func normalise(code: String) -> String { code.trimmingCharacters(in: .whitespaces).uppercased() }

    /// The most uses a limit counts.
    public static let maxUses = 1_000_000_000

    /// What is wrong with this definition, if anything (a malformed rule is refused).
    public var problems: [String] {
        var problems: [String] = []
        if promotionId.isEmpty { problems.append("promotionId is required") }
        if name.isEmpty { problems.append("name is required") }
        func needPercent() {
            guard let percent, (1...100).contains(percent) else { return problems.append("percent must be from 1 to 100") }
        }
        func needAmount() {
            guard let amountMinor, amountMinor > 0 else { return problems.append("amountMinor must be above 0") }
        }
        switch kind {
        case .percentOff: needPercent()
        case .amountOff: needAmount()
        case .nthItemPercentOff:
            needPercent()
            if nth == nil { problems.append("nth is required (at least 2)") }
        case .thresholdAmountOff:
            needAmount()
            if (thresholdMinor ?? 0) <= 0 { problems.append("thresholdMinor must be above 0") }
        case .freeShipping: break
        case .buyXGetY:
            if buyQuantity == nil { problems.append("buyQuantity is required (at least 1)") }
            if getQuantity == nil { problems.append("getQuantity is required (at least 1)") }
            if let percent, !(1...100).contains(percent) { problems.append("percent must be from 1 to 100") }
        case .bundlePrice:
            needAmount()
            if Set(skus ?? []).count < 2 { problems.append("a bundle names at least two skus") }
        }
        if let validFrom, let validTo, validFrom >= validTo { problems.append("the validity window is empty (validFrom must be before validTo)") }
        if let code, Promotion.normalise(code: code).isEmpty { problems.append("code cannot be blank") }
        if code != nil, uniqueCodes == true { problems.append("a promotion has a shared code or unique codes, not both") }
        if let usageLimit, !(1...Self.maxUses).contains(usageLimit) { problems.append("usageLimit must be from 1 to \(Self.maxUses)") }
        if let perCustomerLimit, !(1...Self.maxUses).contains(perCustomerLimit) { problems.append("perCustomerLimit must be from 1 to \(Self.maxUses)") }
        // Bounded like a basket's lines, so no sum or group the engine computes can overflow.
        for (name, amount) in [("amountMinor", amountMinor), ("thresholdMinor", thresholdMinor), ("minimumBasketMinor", minimumBasketMinor)] {
            if let amount, amount > Basket.maxAmountMinor || amount < 0 { problems.append("\(name) must be from 0 to \(Basket.maxAmountMinor)") }
        }
        // Checked whenever given, whatever the kind: a field the kind ignores is still stored and shown.
        for (name, quantity, least) in [("nth", nth, 2), ("buyQuantity", buyQuantity, 1), ("getQuantity", getQuantity, 1)] {
            if let quantity, !(least...Basket.maxLineQuantity).contains(quantity) {
                problems.append("\(name) must be from \(least) to \(Basket.maxLineQuantity)")
            }
        }
        if let percent, !(1...100).contains(percent), !problems.contains("percent must be from 1 to 100") {
            problems.append("percent must be from 1 to 100")
        }
        if let channels, channels.isEmpty { problems.append("channels, when given, names at least one channel") }
        if let segments, segments.isEmpty { problems.append("segments, when given, names at least one segment") }
        return problems
    }
}

public typealias UpsertPromotion = Promotion

public struct PromotionUpserted: Codable, Sendable, Equatable {
    public var promotion: Promotion
    public var version: Int
    public init(promotion: Promotion, version: Int) {
        self.promotion = promotion
        self.version = version
    }
}
