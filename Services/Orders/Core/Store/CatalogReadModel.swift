import CatalogContracts
import Foundation
import OmniPersistence
import PostgresNIO

/// The orders service's copy of what it needs from the catalog (products, prices,
/// locations), kept from `catalog.events`, so placing an order asks no other service.
enum CatalogReadModel {
    static func upsert(_ product: ProductUpserted, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO products (sku, name, category, active, version) VALUES (\(product.sku), \(product.name), \(product.category), \(product.active), \(product.version))
            ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category, active = excluded.active, version = excluded.version
            WHERE products.version <= excluded.version
            """, logger: logger)
    }

    static func upsert(_ price: PriceChanged, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO prices (sku, channel, store_id, valid_from, valid_to, currency, amount_minor)
            VALUES (\(price.sku), \(price.channel), \(price.storeId ?? ""), COALESCE(\(price.validFrom), '-infinity'::timestamptz),
                    COALESCE(\(price.validTo), 'infinity'::timestamptz), \(price.currency), \(price.amountMinor))
            ON CONFLICT (sku, channel, store_id, valid_from) DO UPDATE SET valid_to = excluded.valid_to, currency = excluded.currency,
                amount_minor = excluded.amount_minor
            """, logger: logger)
    }

    static func upsert(_ location: LocationUpserted, on connection: PostgresConnection, logger: Logger) async throws {
        let loc = location.location
        locations.writing()
        try await connection.run("""
            INSERT INTO locations (location_id, kind, name, click_and_collect, active)
            VALUES (\(loc.locationId), \(loc.kind.rawValue), \(loc.name), \(loc.clickAndCollect ?? false), \(loc.active ?? true))
            ON CONFLICT (location_id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                click_and_collect = excluded.click_and_collect, active = excluded.active
            """, logger: logger)
    }

    struct Location: Sendable {
        var id: String
        var kind: String
        var name: String
        var clickAndCollect: Bool
        var active: Bool
    }

    /// Every location by id, kept between changes: placing an order checks its store.
    static let locations = ReferenceCache<[String: Location]>()

    static func location(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> Location? {
        try await locations.value {
            try await connection.run("SELECT location_id, kind, name, click_and_collect, active FROM locations", logger: logger)
                .decode((String, String, String, Bool, Bool).self)
                .reduce(into: [String: Location]()) { $0[$1.0] = Location(id: $1.0, kind: $1.1, name: $1.2, clickAndCollect: $1.3, active: $1.4) }
        }[id]
    }

    /// What placing order `orderId` reads, in one round trip: whether the order exists
    /// already (a retried `PlaceOrder`), and the products of `skus` with every price entry
    /// they have (one row per price, or one with no price).
    static func placing(_ orderId: String?, skus: [String], on connection: PostgresConnection,
                        logger: Logger) async throws -> (placedAlready: Bool, products: [String: ProductInfo]) {
        var products: [String: ProductInfo] = [:], placedAlready = false
        let rows = try await connection.run("""
            SELECT EXISTS (SELECT 1 FROM orders WHERE order_id = \(orderId)), p.sku, p.name, p.category, p.active, pr.channel, pr.store_id, pr.currency,
                   pr.amount_minor, CASE WHEN pr.valid_from = '-infinity' THEN NULL ELSE pr.valid_from END,
                   CASE WHEN pr.valid_to = 'infinity' THEN NULL ELSE pr.valid_to END
            FROM (VALUES (1)) AS always (one) LEFT JOIN (products p LEFT JOIN prices pr USING (sku)) ON p.sku = ANY(\(skus))
            """, logger: logger)
        for try await (exists, sku, name, category, active, channel, store, currency, amount, from, to)
            in rows.decode((Bool, String?, String?, String?, Bool?, String?, String?, String?, Int64?, Date?, Date?).self) {
            placedAlready = exists
            guard let sku, let name, let category, let active else { continue }
            if products[sku] == nil { products[sku] = ProductInfo(sku: sku, name: name, category: category, active: active, prices: []) }
            guard let channel, let store, let currency, let amount else { continue }
            products[sku]?.prices.append(PriceEntry(channel: channel, storeId: store.isEmpty ? nil : store, currency: currency,
                                                    amountMinor: amount, validFrom: from, validTo: to))
        }
        return (placedAlready, products)
    }

    /// The products of `skus` with every price entry they have.
    static func products(_ skus: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: ProductInfo] {
        try await placing(nil, skus: skus, on: connection, logger: logger).products
    }
}
