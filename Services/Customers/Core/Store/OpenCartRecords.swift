import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts
import OmniPersistence
import PostgresNIO

/// Orders' carts as customers sees them: who they belong to, what is in them, for the
/// 360 view (J7: "open carts" in one lookup).
enum OpenCartRecords {
    struct OpenCart: Codable, Sendable {
        var ownerId: String
        var lines: [CartLine]
        var lastChannel: String?
        var updatedAt: Date
    }

    /// Keeps `lines` as the cart of `ownerId`; an empty cart is no longer open.
    static func store(ownerId: String, lines: [CartLine], channel: String?, at time: Date, person: UUID?,
                      on connection: PostgresConnection, logger: Logger) async throws {
        guard !lines.isEmpty else {
            try await connection.run("DELETE FROM open_carts WHERE owner_id = \(ownerId)", logger: logger)
            return
        }
        let json = String(decoding: try JSONCoding.encoder.encode(lines), as: UTF8.self)
        try await connection.run("""
            INSERT INTO open_carts (owner_id, customer_id, lines, last_channel, updated_at) VALUES (\(ownerId), \(person), \(json)::jsonb, \(channel), \(time))
            ON CONFLICT (owner_id) DO UPDATE SET customer_id = excluded.customer_id, lines = excluded.lines,
                last_channel = COALESCE(excluded.last_channel, open_carts.last_channel), updated_at = excluded.updated_at
            """, logger: logger)
    }

    static func remove(ownerIds: [String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("DELETE FROM open_carts WHERE owner_id = ANY(\(ownerIds))", logger: logger)
    }

    /// The carts of `customer`: under its id, or under an anonymous session linked to it.
    static func carts(of customer: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [OpenCart] {
        let rows = try await connection.run("""
            SELECT owner_id, lines::text, last_channel, updated_at FROM open_carts
            WHERE customer_id = \(customer)
               OR owner_id IN (SELECT value FROM identifiers WHERE customer_id = \(customer) AND kind = 'anonymous')
            ORDER BY updated_at DESC
            """, logger: logger)
        var carts: [OpenCart] = []
        for try await (owner, lines, channel, at) in rows.decode((String, String, String?, Date).self) {
            carts.append(OpenCart(ownerId: owner, lines: try JSONCoding.decoder.decode([CartLine].self, from: Data(lines.utf8)), lastChannel: channel, updatedAt: at))
        }
        return carts
    }

    /// Carts under `customers`' anonymous sessions (erasure removes them with the rest).
    static func removeAll(of customers: [UUID], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            DELETE FROM open_carts WHERE customer_id = ANY(\(customers))
               OR owner_id IN (SELECT value FROM identifiers WHERE customer_id = ANY(\(customers)) AND kind = 'anonymous')
            """, logger: logger)
    }
}
