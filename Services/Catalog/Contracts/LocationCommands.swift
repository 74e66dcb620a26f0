/// A warehouse or a store, as the back office describes it.
public struct UpsertLocation: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case warehouse, store }

    public struct Address: Codable, Sendable, Equatable {
        public var street: String
        public var city: String
        public var postalCode: String
        public var country: String
        public init(street: String, city: String, postalCode: String, country: String) {
            self.street = street
            self.city = city
            self.postalCode = postalCode
            self.country = country
        }
    }

    /// `day` is `mon`...`sun`; times are local `HH:MM`.
    public struct OpeningHours: Codable, Sendable, Equatable {
        public var day: String
        public var opens: String
        public var closes: String
        public init(day: String, opens: String, closes: String) {
            self.day = day
            self.opens = opens
            self.closes = closes
        }
    }

    public var locationId: String
    public var kind: Kind
    public var name: String
    public var address: Address
    public var openingHours: [OpeningHours]?
    public var coordinates: GeoPoint
    /// Customers can collect web orders here.
    public var clickAndCollect: Bool?
    /// The store's stock also serves deliveries for the online channels.
    public var shipFromStore: Bool?
    public var active: Bool?

    public init(locationId: String, kind: Kind, name: String, address: Address, openingHours: [OpeningHours]? = nil, coordinates: GeoPoint,
                clickAndCollect: Bool? = nil, shipFromStore: Bool? = nil, active: Bool? = nil) {
        self.locationId = locationId
        self.kind = kind
        self.name = name
        self.address = address
        self.openingHours = openingHours
        self.coordinates = coordinates
        self.clickAndCollect = clickAndCollect
        self.shipFromStore = shipFromStore
        self.active = active
    }
}

/// The location as stored, with the flags resolved.
public struct LocationUpserted: Codable, Sendable, Equatable {
    public var location: UpsertLocation
    public init(location: UpsertLocation) { self.location = location }
}
