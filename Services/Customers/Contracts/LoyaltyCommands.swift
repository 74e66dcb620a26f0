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
    public enum Kind: String, Codable, Sendable { case earn, reverse, redeem, adjust }
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
