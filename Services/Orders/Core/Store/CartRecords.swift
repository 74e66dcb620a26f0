import Foundation
import OmniMessaging
import OrdersContracts
import OmniPersistence
import PostgresNIO

/// The carts table: one live cart per owner.
enum CartRecords {
    struct Stored: Sendable {
        var ownerId: String
        var cart: Cart
        var lastChannel: String?
        var updatedAt: Date
    }

    /// The owner's cart, locked; created empty when it doesn't exist (or was checked out).
    static func lock(_ ownerId: String, on connection: PostgresConnection, logger: Logger) async throws -> Stored {
        try await connection.run("""
            INSERT INTO carts (owner_id) VALUES (\(ownerId)) ON CONFLICT (owner_id) DO NOTHING
            """, logger: logger)
        let row = try await connection.run("""
            SELECT lines::text, last_channel, updated_at FROM carts WHERE owner_id = \(ownerId) FOR UPDATE
            """, logger: logger).decode((String, String?, Date).self).first { _ in true }
        guard let (lines, channel, updatedAt) = row else { throw CartStoreError.vanished(ownerId) }
        return Stored(ownerId: ownerId, cart: Cart(lines: try JSONCoding.decoder.decode([CartLine].self, from: Data(lines.utf8))),
                      lastChannel: channel, updatedAt: updatedAt)
    }

    static func find(_ ownerId: String, on connection: PostgresConnection, logger: Logger) async throws -> Stored? {
        let row = try await connection.run("""
            SELECT lines::text, last_channel, updated_at FROM carts WHERE owner_id = \(ownerId)
            """, logger: logger).decode((String, String?, Date).self).first { _ in true }
        guard let (lines, channel, updatedAt) = row else { return nil }
        return Stored(ownerId: ownerId, cart: Cart(lines: try JSONCoding.decoder.decode([CartLine].self, from: Data(lines.utf8))),
                      lastChannel: channel, updatedAt: updatedAt)
    }

    static func save(_ ownerId: String, _ cart: Cart, channel: String?, on connection: PostgresConnection, logger: Logger) async throws {
        let lines = String(decoding: try JSONCoding.encoder.encode(cart.lines), as: UTF8.self)
        try await connection.run("""
            UPDATE carts SET lines = \(lines)::jsonb, last_channel = COALESCE(\(channel), last_channel), updated_at = now(), merged_into = NULL,
                abandoned_at = NULL
            WHERE owner_id = \(ownerId)
            """, logger: logger)
    }

    /// Empties `ownerId`'s cart and notes where it went (merged into another, checked out).
    static func close(_ ownerId: String, mergedInto: String?, checkedOutOrder: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            UPDATE carts SET lines = '[]'::jsonb, updated_at = now(), merged_into = \(mergedInto), checked_out_order = \(checkedOutOrder)
            WHERE owner_id = \(ownerId)
            """, logger: logger)
    }
}

extension CartRecords {
    /// Carts with lines, untouched since `idleSince` and not yet announced, locked for
    /// this replica (`SKIP LOCKED`: replicas share the work); each is marked announced.
    static func claimAbandoned(idleSince: Date, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Stored] {
        var carts: [Stored] = []
        let rows = try await connection.run("""
            UPDATE carts SET abandoned_at = now()
            WHERE owner_id IN (SELECT owner_id FROM carts WHERE abandoned_at IS NULL AND lines <> '[]'::jsonb AND updated_at < \(idleSince)
                               ORDER BY updated_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING owner_id, lines::text, last_channel, updated_at
            """, logger: logger)
        for try await (owner, lines, channel, updatedAt) in rows.decode((String, String, String?, Date).self) {
            carts.append(Stored(ownerId: owner, cart: Cart(lines: try JSONCoding.decoder.decode([CartLine].self, from: Data(lines.utf8))),
                                lastChannel: channel, updatedAt: updatedAt))
        }
        return carts
    }
}

enum CartStoreError: Error, CustomStringConvertible {
    case vanished(String)
    var description: String {
        switch self { case .vanished(let owner): "cart \(owner) vanished under its lock" }
    }
}
