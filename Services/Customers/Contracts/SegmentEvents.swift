/// A customer joined (`member`) or left a segment; promotions keep who is in which
/// segment from these to target offers.
public struct SegmentMembershipChanged: Codable, Sendable, Equatable {
    public var customerId: String
    public var segmentId: String
    public var member: Bool
    public init(customerId: String, segmentId: String, member: Bool) {
        self.customerId = customerId
        self.segmentId = segmentId
        self.member = member
    }
}

/// A segment as data (key: the segment id): a customer is a member when every condition
/// holds. Redefining a segment re-evaluates every customer with purchases.
public struct DefineSegment: Codable, Sendable, Equatable {
    public var segmentId: String
    public var name: String
    public var conditions: [SegmentCondition]
    public init(segmentId: String, name: String, conditions: [SegmentCondition]) {
        self.segmentId = segmentId
        self.name = name
        self.conditions = conditions
    }
}

/// One test over a customer's purchases (net of refunds) or profile.
public struct SegmentCondition: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Spent at least `amountMinor` (in `currency`) over the last `withinDays`.
        case spentAtLeast = "spent-at-least"
        /// Bought in every one of `channels` over the last `withinDays`; `store` stands for
        /// any in-store channel (POS, kiosk, tablet), `online` for any other.
        case boughtIn = "bought-in"
        /// At least `count` orders over the last `withinDays`.
        case ordersAtLeast = "orders-at-least"
        /// The profile's locale is one of `values`.
        case locale
    }
    public var kind: Kind
    public var amountMinor: Int64?
    public var currency: String?
    public var channels: [String]?
    public var count: Int?
    public var withinDays: Int?
    public var values: [String]?
    public init(kind: Kind, amountMinor: Int64? = nil, currency: String? = nil, channels: [String]? = nil, count: Int? = nil, withinDays: Int? = nil,
                values: [String]? = nil) {
        self.kind = kind
        self.amountMinor = amountMinor
        self.currency = currency
        self.channels = channels
        self.count = count
        self.withinDays = withinDays
        self.values = values
    }
}

public struct SegmentDefined: Codable, Sendable, Equatable {
    public var segment: DefineSegment
    public var version: Int
    public init(segment: DefineSegment, version: Int) {
        self.segment = segment
        self.version = version
    }
}
