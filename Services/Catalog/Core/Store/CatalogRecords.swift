import CatalogContracts
import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// Reads and writes of products, locations and prices (the stock lives in `StockChanges`).
enum CatalogRecords {
    /// Refuses lines whose sku is unknown or no longer sold.
    static func requireSellable(_ skus: [String], on connection: PostgresConnection, logger: Logger) async throws {
        let unique = Array(Set(skus)).sorted()
        let rows = try await connection.run("SELECT sku, active FROM products WHERE sku = ANY(\(unique))", logger: logger)
        var found: [String: Bool] = [:]
        for try await (sku, active) in rows.decode((String, Bool).self) { found[sku] = active }
        try requireSellable(unique, active: found)
    }

    /// Refuses a sku that is not in `active` (unknown) or is there as false (no longer sold).
    static func requireSellable(_ skus: [String], active: [String: Bool]) throws {
        for sku in skus {
            guard let isActive = active[sku] else { throw Rejection("unknown-sku", "no product with sku \(sku)") }
            guard isActive else { throw Rejection("inactive-sku", "product \(sku) is no longer sold") }
        }
    }

    static func requireProduct(_ sku: String, on connection: PostgresConnection, logger: Logger) async throws {
        let exists = try await connection.run("SELECT 1 FROM products WHERE sku = \(sku)", logger: logger).decode(Int.self).first { _ in true }
        guard exists != nil else { throw Rejection("unknown-sku", "no product with sku \(sku)") }
    }

    static func location(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> LocationProfile {
        try location(id, among: try await locations(ids: [id], on: connection, logger: logger))
    }

    /// Location `id` among `locations`; an unknown one is refused.
    static func location(_ id: String, among locations: [LocationProfile]) throws -> LocationProfile {
        guard let location = locations.first(where: { $0.id == id }) else { throw Rejection("unknown-location", "no location \(id)") }
        return location
    }

    /// Every location's profile, kept between changes: each reservation reads them.
    static let profiles = ReferenceCache<[LocationProfile]>()

    /// Profiles of `ids`, or of every location when `ids` is nil.
    static func locations(ids: [String]?, on connection: PostgresConnection, logger: Logger) async throws -> [LocationProfile] {
        let all = try await profiles.value { try await allLocations(on: connection, logger: logger) }
        guard let ids else { return all }
        let wanted = Set(ids)
        return all.filter { wanted.contains($0.id) }
    }

    private static func allLocations(on connection: PostgresConnection, logger: Logger) async throws -> [LocationProfile] {
        let rows = try await connection.run("""
            SELECT location_id, kind, latitude, longitude, click_and_collect, ship_from_store, active FROM locations ORDER BY location_id
            """, logger: logger)
        var result: [LocationProfile] = []
        for try await (id, kind, latitude, longitude, collect, ship, active) in rows.decode((String, String, Double, Double, Bool, Bool, Bool).self) {
            result.append(LocationProfile(id: id, kind: UpsertLocation.Kind(rawValue: kind) ?? .store,
                                          coordinates: GeoPoint(latitude: latitude, longitude: longitude),
                                          clickAndCollect: collect, shipFromStore: ship, active: active))
        }
        return result
    }

    static func upsertProduct(_ command: UpsertProduct, on connection: PostgresConnection, logger: Logger) async throws -> ProductUpserted {
        let attributes = String(decoding: try JSONCoding.encoder.encode(command.attributes ?? [:]), as: UTF8.self)
        let description = command.description ?? ""
        let active = command.active ?? true
        let version = try await connection.run("""
            INSERT INTO products (sku, name, description, category, attributes, active)
            VALUES (\(command.sku), \(command.name), \(description), \(command.category), \(attributes)::jsonb, \(active))
            ON CONFLICT (sku) DO UPDATE SET name = excluded.name, description = excluded.description, category = excluded.category,
                attributes = excluded.attributes, active = excluded.active, version = products.version + 1, updated_at = now()
            RETURNING version
            """, logger: logger).decode(Int.self).first { _ in true } ?? 1
        return ProductUpserted(sku: command.sku, name: command.name, description: description, category: command.category,
                               attributes: command.attributes ?? [:], active: active, version: version)
    }

    static func upsertLocation(_ location: UpsertLocation, on connection: PostgresConnection, logger: Logger) async throws {
        let address = String(decoding: try JSONCoding.encoder.encode(location.address), as: UTF8.self)
        let hours = String(decoding: try JSONCoding.encoder.encode(location.openingHours ?? []), as: UTF8.self)
        profiles.writing()
        try await connection.run("""
            INSERT INTO locations (location_id, kind, name, address, opening_hours, latitude, longitude, click_and_collect, ship_from_store, active)
            VALUES (\(location.locationId), \(location.kind.rawValue), \(location.name), \(address)::jsonb, \(hours)::jsonb,
                    \(location.coordinates.latitude), \(location.coordinates.longitude), \(location.clickAndCollect ?? false),
                    \(location.shipFromStore ?? false), \(location.active ?? true))
            ON CONFLICT (location_id) DO UPDATE SET kind = excluded.kind, name = excluded.name, address = excluded.address,
                opening_hours = excluded.opening_hours, latitude = excluded.latitude, longitude = excluded.longitude,
                click_and_collect = excluded.click_and_collect, ship_from_store = excluded.ship_from_store, active = excluded.active,
                updated_at = now()
            """, logger: logger)
    }

    /// Writes one price-list entry; returns the amount it replaced.
    static func setPrice(_ price: SetPrice, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        let store = price.storeId ?? ""
        // No bound is an open window: -infinity / infinity.
        let previous = try await connection.run("""
            SELECT amount_minor FROM prices WHERE sku = \(price.sku) AND channel = \(price.channel) AND store_id = \(store)
              AND valid_from = COALESCE(\(price.validFrom), '-infinity'::timestamptz)
            FOR UPDATE
            """, logger: logger).decode(Int64.self).first { _ in true }
        try await connection.run("""
            INSERT INTO prices (sku, channel, store_id, valid_from, valid_to, currency, amount_minor)
            VALUES (\(price.sku), \(price.channel), \(store), COALESCE(\(price.validFrom), '-infinity'::timestamptz),
                    COALESCE(\(price.validTo), 'infinity'::timestamptz), \(price.currency), \(price.amountMinor))
            ON CONFLICT (sku, channel, store_id, valid_from) DO UPDATE SET valid_to = excluded.valid_to, currency = excluded.currency,
                amount_minor = excluded.amount_minor, updated_at = now()
            """, logger: logger)
        return previous
    }

    /// Every price-list entry of a sku.
    static func prices(sku: String, on connection: PostgresConnection, logger: Logger) async throws -> [PriceEntry] {
        let rows = try await connection.run("""
            SELECT channel, store_id, currency, amount_minor,
                   CASE WHEN valid_from = '-infinity' THEN NULL ELSE valid_from END,
                   CASE WHEN valid_to = 'infinity' THEN NULL ELSE valid_to END
            FROM prices WHERE sku = \(sku)
            """, logger: logger)
        var entries: [PriceEntry] = []
        for try await (channel, store, currency, amount, from, to) in rows.decode((String, String, String, Int64, Date?, Date?).self) {
            entries.append(PriceEntry(channel: channel, storeId: store.isEmpty ? nil : store, currency: currency, amountMinor: amount, validFrom: from, validTo: to))
        }
        return entries
    }
}
