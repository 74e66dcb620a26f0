import OmniMessaging

/// Evaluate `basket` with `codes` and every automatic promotion, and hold the redemptions.
/// Idempotent by order id: asked again, the same answer, nothing counted twice.
public struct ApplyPromotions: Codable, Sendable, Equatable {
    public var orderId: String
    public var basket: Basket
    public var codes: [String]
    public init(orderId: String, basket: Basket, codes: [String]) {
        self.orderId = orderId
        self.basket = basket
        self.codes = codes
    }
}

public struct PromotionsApplied: Codable, Sendable, Equatable {
    public var orderId: String
    public var pricing: Pricing
    public init(orderId: String, pricing: Pricing) {
        self.orderId = orderId
        self.pricing = pricing
    }
}

public struct CodeRejection: Codable, Sendable, Equatable {
    public var code: String
    public var reasonCode: String
    public var message: String
    public init(code: String, reasonCode: String, message: String) {
        self.code = code
        self.reasonCode = reasonCode
        self.message = message
    }
}

/// At least one code cannot be used: nothing was held.
public struct PromotionsRejected: Codable, Sendable, Equatable {
    public var orderId: String
    public var rejections: [CodeRejection]
    public var message: String
    public init(orderId: String, rejections: [CodeRejection], message: String) {
        self.orderId = orderId
        self.rejections = rejections
        self.message = message
    }
}

/// The order is confirmed: its held redemptions count for good.
public struct CommitRedemptions: Codable, Sendable, Equatable {
    public var orderId: String
    public init(orderId: String) { self.orderId = orderId }
}

/// Rejected, cancelled or expired: the order's redemptions are given back (answered even
/// when there is nothing to release, so a saga always hears back).
public struct ReleaseRedemptions: Codable, Sendable, Equatable {
    public var orderId: String
    public var reason: String
    public init(orderId: String, reason: String) {
        self.orderId = orderId
        self.reason = reason
    }
}

/// The order's held redemptions now count. `promotions` lists what this commit counted
/// (empty when it was already committed), so customers can put it on the timeline.
public struct RedemptionsCommitted: Codable, Sendable, Equatable {
    public var orderId: String
    public var redemptions: Int
    public var customerId: String?
    public var channel: String?
    public var promotions: [CommittedPromotion]?
    public init(orderId: String, redemptions: Int, customerId: String? = nil, channel: String? = nil, promotions: [CommittedPromotion]? = nil) {
        self.orderId = orderId
        self.redemptions = redemptions
        self.customerId = customerId
        self.channel = channel
        self.promotions = promotions
    }
}

public struct CommittedPromotion: Codable, Sendable, Equatable {
    public var promotionId: String
    public var name: String
    public var code: String?
    public var discountMinor: Int64
    public init(promotionId: String, name: String, code: String?, discountMinor: Int64) {
        self.promotionId = promotionId
        self.name = name
        self.code = code
        self.discountMinor = discountMinor
    }
}

public struct RedemptionsReleased: Codable, Sendable, Equatable {
    public var orderId: String
    public var reason: String
    public var redemptions: Int
    public init(orderId: String, reason: String, redemptions: Int) {
        self.orderId = orderId
        self.reason = reason
        self.redemptions = redemptions
    }
}

// Steps of the order saga: only orders sends them (`SagaStep`).
extension ApplyPromotions: SagaStep { public static var owner: ServiceName { .orders } }
extension CommitRedemptions: SagaStep { public static var owner: ServiceName { .orders } }
extension ReleaseRedemptions: SagaStep { public static var owner: ServiceName { .orders } }
