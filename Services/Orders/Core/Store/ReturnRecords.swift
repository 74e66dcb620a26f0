import Foundation
import OmniMessaging
import OrdersContracts
import OmniPersistence
import PostgresNIO

/// The returns table: what came back of each order, and the answer each return got.
enum ReturnRecords {
    /// The answer an earlier command with this return id got.
    static func find(_ returnId: String, on connection: PostgresConnection, logger: Logger) async throws -> (orderId: String, event: ItemsReturned)? {
        let row = try await connection.run("SELECT order_id, lines::text FROM returns WHERE return_id = \(returnId)", logger: logger)
            .decode((String, String).self).first { _ in true }
        guard let (orderId, stored) = row else { return nil }
        return (orderId, try JSONCoding.decoder.decode(ItemsReturned.self, from: Data(stored.utf8)))
    }

    /// Units of each line (by line id) that came back so far.
    static func returnedUnits(of orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> [String: Int] {
        var units: [String: Int] = [:]
        let rows = try await connection.run("SELECT lines::text FROM returns WHERE order_id = \(orderId)", logger: logger)
        for try await stored in rows.decode(String.self) {
            for line in try JSONCoding.decoder.decode(ItemsReturned.self, from: Data(stored.utf8)).lines { units[line.lineId, default: 0] += line.quantity }
        }
        return units
    }

    static func all(of orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> [ItemsReturned] {
        var returns: [ItemsReturned] = []
        let rows = try await connection.run("SELECT lines::text FROM returns WHERE order_id = \(orderId) ORDER BY created_at, return_id", logger: logger)
        for try await stored in rows.decode(String.self) { returns.append(try JSONCoding.decoder.decode(ItemsReturned.self, from: Data(stored.utf8))) }
        return returns
    }

    /// Keeps the whole `ItemsReturned` (lines and refund) so a retry answers the same.
    static func insert(_ returned: ItemsReturned, reason: String?, on connection: PostgresConnection, logger: Logger) async throws {
        let stored = String(decoding: try JSONCoding.encoder.encode(returned), as: UTF8.self)
        try await connection.run("""
            INSERT INTO returns (return_id, order_id, location_id, channel, reason, lines, refund_minor)
            VALUES (\(returned.returnId), \(returned.orderId), \(returned.locationId), \(returned.channel), \(reason), \(stored)::jsonb, \(returned.refundMinor))
            """, logger: logger)
    }
}
