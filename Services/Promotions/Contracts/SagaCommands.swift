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

public struct RedemptionsCommitted: Codable, Sendable, Equatable {
    public var orderId: String
    public var redemptions: Int
    public init(orderId: String, redemptions: Int) {
        self.orderId = orderId
        self.redemptions = redemptions
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
