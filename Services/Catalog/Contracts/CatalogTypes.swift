import OmniMessaging

/// The `ce_type` of every command the catalog accepts on `catalog.commands` and every
/// event it publishes on `catalog.events`. Consumers match on these strings only.
public enum CatalogType {
    // Commands.
    public static let upsertProduct = "omni.catalog.UpsertProduct.v1"
    public static let setPrice = "omni.catalog.SetPrice.v1"
    public static let upsertLocation = "omni.catalog.UpsertLocation.v1"
    public static let receiveStock = "omni.catalog.ReceiveStock.v1"
    public static let adjustStock = "omni.catalog.AdjustStock.v1"
    public static let transferStock = "omni.catalog.TransferStock.v1"
    public static let receiveTransfer = "omni.catalog.ReceiveTransfer.v1"
    public static let recordPosSale = "omni.catalog.RecordPosSale.v1"
    public static let restockReturn = "omni.catalog.RestockReturn.v1"
    public static let setSafetyStock = "omni.catalog.SetSafetyStock.v1"
    public static let reserveStock = "omni.catalog.ReserveStock.v1"
    public static let releaseReservation = "omni.catalog.ReleaseReservation.v1"
    public static let commitReservation = "omni.catalog.CommitReservation.v1"

    // Events.
    public static let productUpserted = "omni.catalog.ProductUpserted.v1"
    public static let priceChanged = "omni.catalog.PriceChanged.v1"
    public static let locationUpserted = "omni.catalog.LocationUpserted.v1"
    public static let stockMovementRecorded = "omni.catalog.StockMovementRecorded.v1"
    public static let availabilityChanged = "omni.catalog.AvailabilityChanged.v2"
    /// One sku at one location per event: no longer published, still read by notifications
    /// (what a topic held when catalog moved to v2).
    public static let availabilityChangedV1 = "omni.catalog.AvailabilityChanged.v1"
    public static let stockReserved = "omni.catalog.StockReserved.v1"
    public static let stockReservationFailed = "omni.catalog.StockReservationFailed.v1"
    public static let reservationReleased = "omni.catalog.ReservationReleased.v1"
    public static let reservationCommitted = "omni.catalog.ReservationCommitted.v1"
    public static let commandRejected = "omni.catalog.CommandRejected.v1"
}

/// One sku and a quantity: a line of a sale, a return or a reservation.
public struct SkuQuantity: Codable, Sendable, Equatable, Hashable {
    public var sku: String
    public var quantity: Int
    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// Degrees, WGS 84.
public struct GeoPoint: Codable, Sendable, Equatable, Hashable {
    public var latitude: Double
    public var longitude: Double
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}
