import Foundation
import OmniMessaging

/// How an order will be fulfilled, which decides where its stock is reserved.
public struct Fulfilment: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        case pickup, delivery
        /// A purchase at the store's till: held there until it is committed as a sale.
        case inStore = "in-store"
    }
    public var mode: Mode
    /// Pickup: the click & collect store; in store: the store of the till.
    public var storeId: String?
    /// Delivery: where it goes, so the nearest location is preferred.
    public var destination: GeoPoint?
    public init(mode: Mode, storeId: String? = nil, destination: GeoPoint? = nil) {
        self.mode = mode
        self.storeId = storeId
        self.destination = destination
    }
    public static func pickup(at storeId: String) -> Fulfilment { Fulfilment(mode: .pickup, storeId: storeId) }
    public static func inStore(at storeId: String) -> Fulfilment { Fulfilment(mode: .inStore, storeId: storeId) }
    public static func delivery(to destination: GeoPoint?) -> Fulfilment { Fulfilment(mode: .delivery, destination: destination) }
}

/// What a hold is for, shown in the stock view: an order, a cart held in store from the
/// app, a quote, or an associate holding for a customer.
public struct HoldSource: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case order, cart, quote, associate }
    public var kind: Kind
    public var id: String
    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// Reserves every line of an order, or nothing. Keyed by order id on `catalog.commands`.
public struct ReserveStock: Codable, Sendable, Equatable {
    public var reservationId: String
    /// The order it is for, or the hold's own id (a cart's, an associate's).
    public var orderId: String
    public var channel: String
    public var lines: [SkuQuantity]
    public var fulfilment: Fulfilment
    /// How long the hold lasts before it is released by itself (default 30 minutes).
    public var holdSeconds: Int?
    /// What the hold is for (an order when absent).
    public var source: HoldSource?
    /// A hold this one takes over (a quote's, as it becomes an order): released first, in
    /// the same transaction, so its units are not lost to anyone in between.
    public var replaces: String?
    /// Taken at the till: the units leave with the customer now, so they are sold in this
    /// step (the reservation closes `committed`, the ledger records the sale) and no
    /// `CommitReservation` follows. Releasing it puts them back. In-store only.
    public var sell: Bool?
    public init(reservationId: String, orderId: String, channel: String, lines: [SkuQuantity], fulfilment: Fulfilment, holdSeconds: Int? = nil,
                source: HoldSource? = nil, replaces: String? = nil, sell: Bool? = nil) {
        self.reservationId = reservationId
        self.orderId = orderId
        self.channel = channel
        self.lines = lines
        self.fulfilment = fulfilment
        self.holdSeconds = holdSeconds
        self.source = source
        self.replaces = replaces
        self.sell = sell
    }
}

public struct ReleaseReservation: Codable, Sendable, Equatable {
    public var reservationId: String
    public var reason: String?
    public init(reservationId: String, reason: String? = nil) {
        self.reservationId = reservationId
        self.reason = reason
    }
}

/// The goods left with the customer: the reservation becomes a sale.
public struct CommitReservation: Codable, Sendable, Equatable {
    public var reservationId: String
    public init(reservationId: String) { self.reservationId = reservationId }
}

/// Where a line's units are held.
public struct Allocation: Codable, Sendable, Equatable, Hashable {
    public var sku: String
    public var locationId: String
    public var quantity: Int
    public init(sku: String, locationId: String, quantity: Int) {
        self.sku = sku
        self.locationId = locationId
        self.quantity = quantity
    }
}

public struct StockReserved: Codable, Sendable, Equatable {
    public var reservationId: String
    public var orderId: String
    public var channel: String
    public var fulfilment: Fulfilment
    public var allocations: [Allocation]
    public var expiresAt: Date
    /// What the held places may promise now: the reservation's availability rides here
    /// instead of an `AvailabilityChanged` of its own (a reservation only lowers it).
    /// Absent from answers to a retried command and from events before #39.
    public var levels: [StockAvailability]?
    /// True when the units were sold in this step (`ReserveStock.sell`): nothing is held,
    /// nothing is left to commit.
    public var sold: Bool?
    /// A till sale's ledger rows (`order-sale`, one per sku and location), riding here
    /// instead of a `StockMovementRecorded` each. Absent from a retried command's answer.
    public var movements: [StockMovementRecorded]?
    public init(reservationId: String, orderId: String, channel: String, fulfilment: Fulfilment, allocations: [Allocation], expiresAt: Date,
                levels: [StockAvailability]? = nil, sold: Bool? = nil, movements: [StockMovementRecorded]? = nil) {
        self.reservationId = reservationId
        self.orderId = orderId
        self.channel = channel
        self.fulfilment = fulfilment
        self.allocations = allocations
        self.expiresAt = expiresAt
        self.levels = levels
        self.sold = sold
        self.movements = movements
    }
}

/// Not enough stock for at least one line: nothing was reserved.
public struct StockReservationFailed: Codable, Sendable, Equatable {
    public struct Shortfall: Codable, Sendable, Equatable {
        public var sku: String
        public var requested: Int
        public var available: Int
        public init(sku: String, requested: Int, available: Int) {
            self.sku = sku
            self.requested = requested
            self.available = available
        }
    }
    public var reservationId: String
    public var orderId: String
    public var reasonCode: String
    public var message: String
    public var shortfall: [Shortfall]
    public init(reservationId: String, orderId: String, reasonCode: String, message: String, shortfall: [Shortfall]) {
        self.reservationId = reservationId
        self.orderId = orderId
        self.reasonCode = reasonCode
        self.message = message
        self.shortfall = shortfall
    }
}

public struct ReservationReleased: Codable, Sendable, Equatable {
    public var reservationId: String
    public var orderId: String
    /// `requested` (a ReleaseReservation), `expired` (the hold ran out), or the caller's reason.
    public var reason: String
    public var allocations: [Allocation]
    public init(reservationId: String, orderId: String, reason: String, allocations: [Allocation]) {
        self.reservationId = reservationId
        self.orderId = orderId
        self.reason = reason
        self.allocations = allocations
    }
}

public struct ReservationCommitted: Codable, Sendable, Equatable {
    public var reservationId: String
    public var orderId: String
    public var allocations: [Allocation]
    public init(reservationId: String, orderId: String, allocations: [Allocation]) {
        self.reservationId = reservationId
        self.orderId = orderId
        self.allocations = allocations
    }
}

// Steps of the order saga: only orders sends them (`SagaStep`).
extension ReserveStock: SagaStep { public static var owner: ServiceName { .orders } }
extension ReleaseReservation: SagaStep { public static var owner: ServiceName { .orders } }
extension CommitReservation: SagaStep { public static var owner: ServiceName { .orders } }
