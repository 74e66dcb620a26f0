import OmniMessaging
/// Goods in at a location (supplier delivery, production).
public struct ReceiveStock: Codable, Sendable, Equatable {
    public var sku: String
    public var locationId: String
    public var quantity: Int
    public var reference: String?
    public init(sku: String, locationId: String, quantity: Int, reference: String? = nil) {
        self.sku = sku
        self.locationId = locationId
        self.quantity = quantity
        self.reference = reference
    }
}

/// A correction of on-hand (count, damage, theft), up or down, always with a reason.
public struct AdjustStock: Codable, Sendable, Equatable {
    public var sku: String
    public var locationId: String
    public var delta: Int
    public var reason: String
    public init(sku: String, locationId: String, delta: Int, reason: String) {
        self.sku = sku
        self.locationId = locationId
        self.delta = delta
        self.reason = reason
    }
}

/// Stock moved from one location to another: at once (within a site), or, `inTransit`,
/// shipped now and counted at the receiver only when `ReceiveTransfer` says it arrived (on
/// the truck it is at neither end's on-hand, and shown apart as in transit).
public struct TransferStock: Codable, Sendable, Equatable {
    public var sku: String
    public var fromLocationId: String
    public var toLocationId: String
    public var quantity: Int
    /// The transfer's reference (the delivery note); required when `inTransit`.
    public var reference: String?
    public var inTransit: Bool?
    public init(sku: String, fromLocationId: String, toLocationId: String, quantity: Int, reference: String? = nil, inTransit: Bool? = nil) {
        self.sku = sku
        self.fromLocationId = fromLocationId
        self.toLocationId = toLocationId
        self.quantity = quantity
        self.reference = reference
        self.inTransit = inTransit
    }
}

/// An in-transit transfer arrived at `locationId` (its destination): `quantity` units (all
/// that were shipped when absent; fewer when some were lost on the way) go on hand there.
public struct ReceiveTransfer: Codable, Sendable, Equatable {
    public var reference: String
    public var sku: String
    public var locationId: String
    public var quantity: Int?
    public init(reference: String, sku: String, locationId: String, quantity: Int? = nil) {
        self.reference = reference
        self.sku = sku
        self.locationId = locationId
        self.quantity = quantity
    }
}

/// A till sale at a store: all lines or none.
public struct RecordPosSale: Codable, Sendable, Equatable {
    public var saleId: String
    public var storeId: String
    public var lines: [SkuQuantity]
    public init(saleId: String, storeId: String, lines: [SkuQuantity]) {
        self.saleId = saleId
        self.storeId = storeId
        self.lines = lines
    }
}

/// Returned goods put back on sale at `locationId` (a store for buy-online-return-in-store).
public struct RestockReturn: Codable, Sendable, Equatable {
    public var returnId: String
    public var orderId: String?
    public var locationId: String
    public var lines: [SkuQuantity]
    public init(returnId: String, orderId: String? = nil, locationId: String, lines: [SkuQuantity]) {
        self.returnId = returnId
        self.orderId = orderId
        self.locationId = locationId
        self.lines = lines
    }
}

/// Units kept back from what the channels may promise.
public struct SetSafetyStock: Codable, Sendable, Equatable {
    public var sku: String
    public var locationId: String
    public var quantity: Int
    public init(sku: String, locationId: String, quantity: Int) {
        self.sku = sku
        self.locationId = locationId
        self.quantity = quantity
    }
}

/// One ledger row: every change of on-hand is one of these.
public struct StockMovementRecorded: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case receipt, adjustment, transferOut = "transfer-out", transferIn = "transfer-in", posSale = "pos-sale"
        case orderSale = "order-sale", returnRestock = "return-restock"
    }
    public var movementId: Int64
    public var sku: String
    public var locationId: String
    public var kind: Kind
    /// Signed change of on-hand.
    public var quantity: Int
    public var onHandAfter: Int
    public var reason: String?
    public var reference: String?
    public init(movementId: Int64, sku: String, locationId: String, kind: Kind, quantity: Int, onHandAfter: Int, reason: String?, reference: String?) {
        self.movementId = movementId
        self.sku = sku
        self.locationId = locationId
        self.kind = kind
        self.quantity = quantity
        self.onHandAfter = onHandAfter
        self.reason = reason
        self.reference = reference
    }
}

/// What the stock a command moved may promise now: one event per command (a reservation
/// of five lines is one event, not five), a level for each sku at each location whose
/// availability moved. Keyed by the sku when there is one, else by the command's subject
/// (a reservation's order id).
public struct AvailabilityChanged: Codable, Sendable, Equatable {
    public var levels: [StockAvailability]
    public init(levels: [StockAvailability]) { self.levels = levels }
}

/// What a location may promise for a sku: on hand − reserved − safety stock.
/// `onlineAvailable` is the sum over the locations that serve the online channels
/// (warehouses and ship-from-store stores), what a web page shows. Also the payload of
/// `AvailabilityChanged.v1` (one sku at one location per event), published before v2.
public struct StockAvailability: Codable, Sendable, Equatable {
    public var sku: String
    public var locationId: String
    public var onHand: Int
    public var reserved: Int
    public var safetyStock: Int
    public var available: Int
    public var previousAvailable: Int
    public var onlineAvailable: Int
    public init(sku: String, locationId: String, onHand: Int, reserved: Int, safetyStock: Int, available: Int, previousAvailable: Int, onlineAvailable: Int) {
        self.sku = sku
        self.locationId = locationId
        self.onHand = onHand
        self.reserved = reserved
        self.safetyStock = safetyStock
        self.available = available
        self.previousAvailable = previousAvailable
        self.onlineAvailable = onlineAvailable
    }
}

// A channel places these only as itself, at its own store (`ChannelSource`).
extension ReceiveStock: ActsForChannel { public var actingStore: String? { locationId } }
extension AdjustStock: ActsForChannel { public var actingStore: String? { locationId } }
extension TransferStock: ActsForChannel { public var actingStore: String? { fromLocationId } }
extension ReceiveTransfer: ActsForChannel { public var actingStore: String? { locationId } }
extension RecordPosSale: ActsForChannel { public var actingStore: String? { storeId } }
extension RestockReturn: ActsForChannel { public var actingStore: String? { locationId } }
extension SetSafetyStock: ActsForChannel { public var actingStore: String? { locationId } }
