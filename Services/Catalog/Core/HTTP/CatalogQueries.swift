import CatalogContracts
import Foundation
import Hummingbird
import OmniMessaging
import OmniPersistence
import OmniRuntime
import PostgresNIO

enum NearbyOrigin: Sendable {
    case store(String)
    case point(GeoPoint)
}

/// The read models behind `CatalogRoutes`, straight from the catalog's own tables.
struct CatalogQueries: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    struct ProductView: Codable, Sendable {
        var sku, name, description, category: String
        var attributes: [String: String]
        var active: Bool
        var version: Int
    }

    struct PriceView: Codable, Sendable {
        var sku, channel, currency: String
        var storeId: String?
        var amountMinor: Int64
        var validFrom, validTo: Date?
        /// The list the price came from (the channel's or the default one, the store's or not).
        var fromChannel: String
        var fromStoreId: String?
    }

    struct LocationAvailability: Codable, Sendable {
        var locationId, name, kind: String
        var onHand, reserved, safetyStock, available: Int
    }

    struct AvailabilityView: Codable, Sendable {
        var sku, channel: String
        var storeId: String?
        var available: Int
        var locations: [LocationAvailability]
    }

    struct NearbyStore: Codable, Sendable {
        var locationId, name: String
        var distanceKm: Double
        var clickAndCollect: Bool
        var available: Int
    }

    struct NearbyView: Codable, Sendable {
        var sku: String
        var origin: GeoPoint
        var radiusKm: Double
        var stores: [NearbyStore]
    }

    struct Movement: Codable, Sendable {
        var movementId: Int64
        var kind: String
        var quantity, onHandAfter: Int
        var reason, reference: String?
        var recordedAt: Date
    }

    struct StockView: Codable, Sendable {
        var sku, locationId: String
        var onHand, reserved, safetyStock, available: Int
        /// sum(quantity) of the ledger: always equal to `onHand`.
        var ledgerOnHand: Int
        /// Units shipped here and not yet received: at neither end's on-hand, not promised.
        var inTransit: Int
        var incoming: [IncomingTransfer]
        /// What holds the reserved units, by what each hold is for.
        var holds: [Hold]
        var movements: [Movement]
    }

    struct Hold: Codable, Sendable {
        var reservationId: String
        var sourceKind: String
        var sourceId: String
        var quantity: Int
        var expiresAt: Date
    }

    struct IncomingTransfer: Codable, Sendable {
        var reference, fromLocationId: String
        var quantity: Int
        var shippedAt: Date
    }

    struct ReservationView: Codable, Sendable {
        var reservationId, orderId, channel, status: String
        var closeReason: String?
        var fulfilment: Fulfilment
        var allocations: [Allocation]
        var expiresAt, createdAt: Date
    }

    func notFound(_ what: String) -> ProblemDetails { ProblemDetails(status: .notFound, title: "Not found", detail: what) }

    func product(_ sku: String) async throws -> ProductView {
        let row = try await database.query("""
            SELECT sku, name, description, category, attributes::text, active, version FROM products WHERE sku = \(sku)
            """).decode((String, String, String, String, String, Bool, Int).self).first
        guard let (sku, name, description, category, attributes, active, version) = row else { throw notFound("no product with sku \(sku)") }
        return ProductView(sku: sku, name: name, description: description, category: category,
                           attributes: try JSONCoding.decoder.decode([String: String].self, from: Data(attributes.utf8)), active: active, version: version)
    }

    /// `search`: a name holding it (case-insensitive), or exactly its sku or barcode (what an
    /// associate types or scans).
    func products(category: String?, search: String? = nil, limit: Int) async throws -> [ProductView] {
        let pattern = search.map(PreparedSQL.containing)
        let rows = try await database.query("""
            SELECT sku, name, description, category, attributes::text, active, version FROM products
            WHERE (\(category)::text IS NULL OR category = \(category))
              AND (\(search)::text IS NULL OR name ILIKE \(pattern) OR upper(sku) = upper(\(search)) OR attributes->>'barcode' = \(search))
            ORDER BY sku LIMIT \(limit)
            """)
        var products: [ProductView] = []
        for (sku, name, description, category, attributes, active, version) in try rows.decode((String, String, String, String, String, Bool, Int).self) {
            products.append(ProductView(sku: sku, name: name, description: description, category: category,
                                        attributes: try JSONCoding.decoder.decode([String: String].self, from: Data(attributes.utf8)), active: active, version: version))
        }
        return products
    }

    func price(sku: String, channel: String, storeId: String?, at instant: Date) async throws -> PriceView {
        if channel != PriceResolution.defaultChannel { _ = try channelOrBadRequest(channel) }
        _ = try await product(sku)
        let entries = try await database.withConnection { try await CatalogRecords.prices(sku: sku, on: $0, logger: logger) }
        guard let entry = PriceResolution.price(among: entries, channel: channel, storeId: storeId, at: instant) else {
            throw notFound("no price for \(sku) on \(channel)\(storeId.map { " at \($0)" } ?? "") at \(Timestamp.format(instant))")
        }
        return PriceView(sku: sku, channel: channel, currency: entry.currency, storeId: storeId, amountMinor: entry.amountMinor,
                         validFrom: entry.validFrom, validTo: entry.validTo, fromChannel: entry.channel, fromStoreId: entry.storeId)
    }

    func locations() async throws -> [UpsertLocation] {
        let rows = try await database.query("""
            SELECT location_id, kind, name, address::text, opening_hours::text, latitude, longitude, click_and_collect, ship_from_store, active
            FROM locations ORDER BY location_id
            """)
        var result: [UpsertLocation] = []
        for row in try rows.decode((String, String, String, String, String, Double, Double, Bool, Bool, Bool).self) {
            result.append(try locationView(row))
        }
        return result
    }

    func location(_ id: String) async throws -> UpsertLocation {
        guard let location = try await locations().first(where: { $0.locationId == id }) else { throw notFound("no location \(id)") }
        return location
    }

    private func locationView(_ row: (String, String, String, String, String, Double, Double, Bool, Bool, Bool)) throws -> UpsertLocation {
        let (id, kind, name, address, hours, latitude, longitude, collect, ship, active) = row
        return UpsertLocation(
            locationId: id, kind: UpsertLocation.Kind(rawValue: kind) ?? .store, name: name,
            address: try JSONCoding.decoder.decode(UpsertLocation.Address.self, from: Data(address.utf8)),
            openingHours: try JSONCoding.decoder.decode([UpsertLocation.OpeningHours].self, from: Data(hours.utf8)),
            coordinates: GeoPoint(latitude: latitude, longitude: longitude), clickAndCollect: collect, shipFromStore: ship, active: active)
    }

    /// What `channel` may sell of `sku`: the sum over the locations that serve it.
    func availability(sku: String, channel channelText: String, storeId: String?) async throws -> AvailabilityView {
        let channel = try channelOrBadRequest(channelText)
        _ = try await product(sku)
        let all = try await database.withConnection { try await CatalogRecords.locations(ids: nil, on: $0, logger: logger) }
        let serving: [LocationProfile]
        do {
            serving = try ChannelServing.locations(for: channel, storeId: storeId, among: all)
        } catch {
            throw error.code == "unknown-location" ? notFound(error.message) : ProblemDetails(status: .badRequest, title: "Invalid query", detail: error.message)
        }
        let levels = try await self.levels(sku: sku, locationIds: serving.map(\.id))
        return AvailabilityView(sku: sku, channel: channel.rawValue, storeId: storeId, available: levels.reduce(0) { $0 + $1.available }, locations: levels)
    }

    func availability(sku: String, locationId: String) async throws -> LocationAvailability {
        _ = try await product(sku)
        _ = try await location(locationId)
        return try await levels(sku: sku, locationIds: [locationId]).first!
    }

    /// Stores near a store or a point, nearest first, with what each has of `sku`.
    func nearby(sku: String, origin: NearbyOrigin, radiusKm: Double, limit: Int) async throws -> NearbyView {
        _ = try await product(sku)
        let all = try await database.withConnection { try await CatalogRecords.locations(ids: nil, on: $0, logger: logger) }
        let point: GeoPoint
        var exclude: String?
        switch origin {
        case .point(let p): point = p
        case .store(let id):
            guard let store = all.first(where: { $0.id == id }) else { throw notFound("no location \(id)") }
            point = store.coordinates
            exclude = id
        }
        let stores = all.filter { $0.kind == .store && $0.active && $0.id != exclude }
            .map { ($0, $0.coordinates.distanceKilometres(to: point)) }
            .filter { $0.1 <= radiusKm }
            .sorted { $0.1 < $1.1 }
            .prefix(limit)
        let levels = Dictionary(uniqueKeysWithValues: try await self.levels(sku: sku, locationIds: stores.map(\.0.id)).map { ($0.locationId, $0) })
        return NearbyView(sku: sku, origin: point, radiusKm: radiusKm, stores: stores.map { store, distance in
            NearbyStore(locationId: store.id, name: levels[store.id]?.name ?? store.id, distanceKm: (distance * 100).rounded() / 100,
                        clickAndCollect: store.clickAndCollect, available: levels[store.id]?.available ?? 0)
        })
    }

    /// One row per location, zero where the sku was never stocked.
    private func levels(sku: String, locationIds: [String]) async throws -> [LocationAvailability] {
        let rows = try await database.query("""
            SELECT l.location_id, l.name, l.kind, COALESCE(s.on_hand, 0), COALESCE(s.reserved, 0), COALESCE(s.safety_stock, 0)
            FROM locations l LEFT JOIN stock_levels s ON s.location_id = l.location_id AND s.sku = \(sku)
            WHERE l.location_id = ANY(\(locationIds)) ORDER BY l.location_id
            """)
        var result: [LocationAvailability] = []
        for (id, name, kind, onHand, reserved, safety) in try rows.decode((String, String, String, Int, Int, Int).self) {
            let level = StockLevel(onHand: onHand, reserved: reserved, safetyStock: safety)
            result.append(LocationAvailability(locationId: id, name: name, kind: kind, onHand: onHand, reserved: reserved,
                                               safetyStock: safety, available: level.available))
        }
        return result
    }

    func stock(sku: String, locationId: String, movements limit: Int) async throws -> StockView {
        let level = try await availability(sku: sku, locationId: locationId)
        let ledger = try await database.query("""
            SELECT COALESCE(sum(quantity), 0)::int FROM stock_ledger WHERE sku = \(sku) AND location_id = \(locationId)
            """).decode(Int.self).first ?? 0
        let rows = try await database.query("""
            SELECT movement_id, kind, quantity, on_hand_after, reason, reference, recorded_at FROM stock_ledger
            WHERE sku = \(sku) AND location_id = \(locationId) ORDER BY movement_id DESC LIMIT \(limit)
            """)
        var movements: [Movement] = []
        for (id, kind, quantity, after, reason, reference, at) in try rows.decode((Int64, String, Int, Int, String?, String?, Date).self) {
            movements.append(Movement(movementId: id, kind: kind, quantity: quantity, onHandAfter: after, reason: reason, reference: reference, recordedAt: at))
        }
        var incoming: [IncomingTransfer] = []
        for (reference, from, quantity, shippedAt) in try await database.query("""
            SELECT reference, from_location_id, quantity, shipped_at FROM transfers
            WHERE sku = \(sku) AND to_location_id = \(locationId) AND received_at IS NULL ORDER BY shipped_at LIMIT 100
            """).decode((String, String, Int, Date).self) {
            incoming.append(IncomingTransfer(reference: reference, fromLocationId: from, quantity: quantity, shippedAt: shippedAt))
        }
        var holds: [Hold] = []
        for (reservation, kind, source, quantity, expires) in try await database.query("""
            SELECT r.reservation_id, r.source_kind, COALESCE(r.source_id, r.order_id), a.quantity, r.expires_at
            FROM reservation_allocations a JOIN reservations r USING (reservation_id)
            WHERE a.sku = \(sku) AND a.location_id = \(locationId) AND r.status = 'held' ORDER BY r.expires_at LIMIT 200
            """).decode((String, String, String, Int, Date).self) {
            holds.append(Hold(reservationId: reservation, sourceKind: kind, sourceId: source, quantity: quantity, expiresAt: expires))
        }
        return StockView(sku: sku, locationId: locationId, onHand: level.onHand, reserved: level.reserved, safetyStock: level.safetyStock,
                         available: level.available, ledgerOnHand: ledger, inTransit: incoming.reduce(0) { $0 + $1.quantity }, incoming: incoming,
                         holds: holds, movements: movements)
    }

    func reservation(_ id: String) async throws -> ReservationView {
        let row = try await database.query("""
            SELECT order_id, channel, status, close_reason, fulfilment::text, expires_at, created_at FROM reservations WHERE reservation_id = \(id)
            """).decode((String, String, String, String?, String, Date, Date).self).first
        guard let (orderId, channel, status, reason, fulfilment, expiresAt, createdAt) = row else { throw notFound("no reservation \(id)") }
        let allocations = try await database.withConnection { try await ReservationRecords.allocations(id, on: $0, logger: logger) }
        return ReservationView(reservationId: id, orderId: orderId, channel: channel, status: status, closeReason: reason,
                               fulfilment: try JSONCoding.decoder.decode(Fulfilment.self, from: Data(fulfilment.utf8)),
                               allocations: allocations, expiresAt: expiresAt, createdAt: createdAt)
    }

    private func channelOrBadRequest(_ text: String) throws -> SalesChannel {
        do {
            return try ChannelServing.channel(text)
        } catch {
            throw ProblemDetails(status: .badRequest, title: "Unknown channel", detail: error.message, errors: ["channel": error.message])
        }
    }
}
