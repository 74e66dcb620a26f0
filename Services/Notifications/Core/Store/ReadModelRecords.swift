import CatalogContracts
import Foundation
import OmniPersistence
import PostgresNIO

/// Stores: name, address and opening hours for templates (from catalog's events).
enum StoreRecords {
    struct Store: Sendable {
        var name: String
        var address: String?
        var openingHours: String?
    }

    static func upsert(_ location: UpsertLocation, on connection: PostgresConnection, logger: Logger) async throws {
        let address = "\(location.address.street), \(location.address.postalCode) \(location.address.city)"
        let hours = location.openingHours.map { $0.map { "\($0.day) \($0.opens)–\($0.closes)" }.joined(separator: ", ") }
        stores.writing()
        try await connection.run("""
            INSERT INTO stores (location_id, name, address, opening_hours) VALUES (\(location.locationId), \(location.name), \(address), \(hours))
            ON CONFLICT (location_id) DO UPDATE SET name = excluded.name, address = excluded.address, opening_hours = excluded.opening_hours
            """, logger: logger)
    }

    /// Every store by id, kept between changes: an order's messages name its store.
    static let stores = ReferenceCache<[String: Store]>()

    static func find(_ id: String?, on connection: PostgresConnection, logger: Logger) async throws -> Store? {
        guard let id else { return nil }
        return try await stores.value {
            try await connection.run("SELECT location_id, name, address, opening_hours FROM stores", logger: logger)
                .decode((String, String, String?, String?).self)
                .reduce(into: [String: Store]()) { $0[$1.0] = Store(name: $1.1, address: $1.2, openingHours: $1.3) }
        }[id]
    }
}

/// Product names (from catalog's events) and who waits for which sku where.
enum StockSubscriptionRecords {
    static func upsertProduct(sku: String, name: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO products (sku, name) VALUES (\(sku), \(name)) ON CONFLICT (sku) DO UPDATE SET name = excluded.name
            """, logger: logger)
    }

    static func productName(_ sku: String, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.run("SELECT name FROM products WHERE sku = \(sku)", logger: logger).decode(String.self).first { _ in true }
    }

    /// False when the customer already waits for it there.
    static func subscribe(_ customerId: String, sku: String, locationId: String?, channel: String, on connection: PostgresConnection,
                          logger: Logger) async throws -> Bool {
        let rows = try await connection.run("""
            INSERT INTO stock_subscriptions (customer_id, sku, location_id, channel) VALUES (\(customerId), \(sku), \(locationId ?? ""), \(channel))
            ON CONFLICT (customer_id, sku, location_id) DO UPDATE SET notified_at = NULL, subscribed_at = now(), channel = excluded.channel
            WHERE stock_subscriptions.notified_at IS NOT NULL
            RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Takes the customers waiting at any of `places`, marking them told: (customer,
    /// place, since), in one statement for every place.
    static func takeWaiting(at places: [CatalogTriggers.Place], on connection: PostgresConnection, logger: Logger)
        async throws -> [(String, CatalogTriggers.Place, Date)] {
        var waiting: [(String, CatalogTriggers.Place, Date)] = []
        let rows = try await connection.run("""
            UPDATE stock_subscriptions s SET notified_at = now()
            FROM unnest(\(places.map(\.sku))::text[], \(places.map(\.locationId))::text[]) AS p(sku, location_id)
            WHERE s.sku = p.sku AND s.location_id = p.location_id AND s.notified_at IS NULL
            RETURNING s.customer_id, s.sku, s.location_id, s.subscribed_at
            """, logger: logger)
        for try await (customer, sku, location, since) in rows.decode((String, String, String, Date).self) {
            waiting.append((customer, CatalogTriggers.Place(sku: sku, locationId: location), since))
        }
        return waiting.sorted { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }
    }
}

/// The people behind lead assignees.
enum AssigneeRecords {
    struct Assignee: Sendable {
        var name: String
        var email: String?
        var phone: String?
    }

    static func upsert(kind: String, id: String, name: String, email: String?, phone: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO assignees (kind, id, name, email, phone) VALUES (\(kind), \(id), \(name), \(email), \(phone))
            ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone
            """, logger: logger)
    }

    static func find(kind: String, id: String, on connection: PostgresConnection, logger: Logger) async throws -> Assignee? {
        try await connection.run("SELECT name, email, phone FROM assignees WHERE kind = \(kind) AND id = \(id)", logger: logger)
            .decode((String, String?, String?).self).first { _ in true }.map { Assignee(name: $0.0, email: $0.1, phone: $0.2) }
    }
}
