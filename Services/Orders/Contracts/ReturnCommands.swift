import OmniMessaging
/// Goods brought back, in any channel and at any location (bought online, returned in
/// store). `returnId` is chosen by the channel: a retried command returns nothing twice.
public struct ReturnItems: Codable, Sendable, Equatable {
    public var returnId: String
    public var orderId: String
    /// Where the goods came back, and are put back on sale.
    public var locationId: String
    /// By sku, as a till scans them.
    public var lines: [ReturnLineRequest]
    public var reason: String?
    public init(returnId: String, orderId: String, locationId: String, lines: [ReturnLineRequest], reason: String? = nil) {
        self.returnId = returnId
        self.orderId = orderId
        self.locationId = locationId
        self.lines = lines
        self.reason = reason
    }
}

public struct ReturnLineRequest: Codable, Sendable, Equatable {
    public var sku: String
    public var quantity: Int
    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// One order line's units coming back, and what they refund (their share of what was
/// paid for the line, after its discounts).
public struct ReturnedLine: Codable, Sendable, Equatable {
    public var lineId: String
    public var sku: String
    public var quantity: Int
    public var refundMinor: Int64
    public init(lineId: String, sku: String, quantity: Int, refundMinor: Int64) {
        self.lineId = lineId
        self.sku = sku
        self.quantity = quantity
        self.refundMinor = refundMinor
    }
}

/// Loyalty reverses points on it, notifications tell the customer, catalog restocks.
public struct ItemsReturned: Codable, Sendable, Equatable {
    public var returnId: String
    public var orderId: String
    public var customerId: String?
    /// The channel the goods came back through.
    public var channel: String?
    public var locationId: String
    public var lines: [ReturnedLine]
    /// The money refunded: the lines' share of what was paid, less what points paid of them.
    public var refundMinor: Int64
    public var currency: String
    /// Every unit of the order has now come back.
    public var fullyReturned: Bool
    /// The points that paid for the returned goods, given back (customers books them).
    public var loyaltyPointsRestored: Int?
    public init(returnId: String, orderId: String, customerId: String?, channel: String?, locationId: String, lines: [ReturnedLine],
                refundMinor: Int64, currency: String, fullyReturned: Bool, loyaltyPointsRestored: Int? = nil) {
        self.returnId = returnId
        self.orderId = orderId
        self.customerId = customerId
        self.channel = channel
        self.locationId = locationId
        self.lines = lines
        self.refundMinor = refundMinor
        self.currency = currency
        self.fullyReturned = fullyReturned
        self.loyaltyPointsRestored = loyaltyPointsRestored
    }
}

// A channel places these only as itself, at its own store (`ChannelSource`).
extension ReturnItems: ActsForChannel { public var actingStore: String? { locationId } }
