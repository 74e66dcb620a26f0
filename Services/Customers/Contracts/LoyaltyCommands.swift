import OmniMessaging

/// A manual correction by customer service (goodwill, fix), with a reason.
public struct AdjustLoyalty: Codable, Sendable, Equatable {
    public var customer: CustomerReference
    public var points: Int
    public var reason: String
    public var reference: String
    public init(customer: CustomerReference, points: Int, reason: String, reference: String) {
        self.customer = customer
        self.points = points
        self.reason = reason
        self.reference = reference
    }
}

/// Points spent (at checkout, at the till); refused beyond the balance.
public struct RedeemLoyalty: Codable, Sendable, Equatable {
    public var customer: CustomerReference
    public var points: Int
    /// The order or sale the points pay for: one redemption per reference.
    public var reference: String
    public init(customer: CustomerReference, points: Int, reference: String) {
        self.customer = customer
        self.points = points
        self.reference = reference
    }
}

public struct LoyaltyChanged: Codable, Sendable, Equatable {
    /// `restore`: points an order spent, given back (the order was rejected, cancelled or returned).
    public enum Kind: String, Codable, Sendable { case earn, reverse, redeem, adjust, restore }
    public var customerId: String
    public var kind: Kind
    public var points: Int
    public var balance: Int
    public var reason: String
    public var reference: String
    public init(customerId: String, kind: Kind, points: Int, balance: Int, reason: String, reference: String) {
        self.customerId = customerId
        self.kind = kind
        self.points = points
        self.balance = balance
        self.reason = reason
        self.reference = reference
    }
}

/// The order saga's step in customers: hold `points` of the customer's balance to pay part
/// of the order, worth at most `maxValueMinor` (the order's total after promotions). They
/// are spent when the order is confirmed and given back when it is rejected, cancelled or
/// returned (customers reads orders' events). Refused with a reason: `insufficient-points`,
/// `points-exceed-total`.
public struct HoldLoyalty: Codable, Sendable, Equatable {
    public var orderId: String
    public var customerId: String
    public var points: Int
    public var currency: String
    public var maxValueMinor: Int64
    public init(orderId: String, customerId: String, points: Int, currency: String, maxValueMinor: Int64) {
        self.orderId = orderId
        self.customerId = customerId
        self.points = points
        self.currency = currency
        self.maxValueMinor = maxValueMinor
    }
}

extension HoldLoyalty: SagaStep { public static var owner: ServiceName { .orders } }

/// The points are held for the order: what they pay, in the order's currency (the same on
/// every channel: one rate, customers').
public struct LoyaltyHeld: Codable, Sendable, Equatable {
    public var orderId: String
    public var customerId: String
    public var points: Int
    public var valueMinor: Int64
    public var balance: Int
    public init(orderId: String, customerId: String, points: Int, valueMinor: Int64, balance: Int) {
        self.orderId = orderId
        self.customerId = customerId
        self.points = points
        self.valueMinor = valueMinor
        self.balance = balance
    }
}
