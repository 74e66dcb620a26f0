import CatalogContracts
import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// The reservations table and its allocations.
enum ReservationRecords {
    struct Found {
        var status: String
        var reserved: StockReserved
    }

    struct Held {
        var reservationId: String
        var orderId: String
        var allocations: [Allocation]
    }

    static func find(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> Found? {
        let row = try await connection.run("""
            SELECT order_id, channel, fulfilment::text, status, expires_at FROM reservations WHERE reservation_id = \(id)
            """, logger: logger).decode((String, String, String, String, Date).self).first { _ in true }
        guard let (orderId, channel, fulfilment, status, expiresAt) = row else { return nil }
        let allocations = try await self.allocations(id, on: connection, logger: logger)
        let decoded = try JSONCoding.decoder.decode(Fulfilment.self, from: Data(fulfilment.utf8))
        return Found(status: status, reserved: StockReserved(reservationId: id, orderId: orderId, channel: channel, fulfilment: decoded,
                                                             allocations: allocations, expiresAt: expiresAt))
    }

    static func allocations(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> [Allocation] {
        let rows = try await connection.run("""
            SELECT sku, location_id, quantity FROM reservation_allocations WHERE reservation_id = \(id) ORDER BY sku, location_id
            """, logger: logger)
        var allocations: [Allocation] = []
        for try await (sku, location, quantity) in rows.decode((String, String, Int).self) {
            allocations.append(Allocation(sku: sku, locationId: location, quantity: quantity))
        }
        return allocations
    }

    static func insert(_ command: ReserveStock, status: String, expiresAt: Date, allocations: [Allocation],
                       on connection: PostgresConnection, logger: Logger) async throws {
        let fulfilment = String(decoding: try JSONCoding.encoder.encode(command.fulfilment), as: UTF8.self)
        let closedAt: Date? = status == "held" ? nil : Date()
        // The reservation and its allocations in one statement.
        try await connection.run("""
            WITH reservation AS (
                INSERT INTO reservations (reservation_id, order_id, channel, fulfilment, status, expires_at, closed_at, close_reason)
                VALUES (\(command.reservationId), \(command.orderId), \(command.channel), \(fulfilment)::jsonb, \(status), \(expiresAt), \(closedAt),
                        \(status == "failed" ? "insufficient-stock" : nil))
                RETURNING reservation_id)
            INSERT INTO reservation_allocations (reservation_id, sku, location_id, quantity)
            SELECT reservation.reservation_id, a.sku, a.location_id, a.quantity
            FROM reservation, unnest(\(allocations.map(\.sku))::text[], \(allocations.map(\.locationId))::text[], \(allocations.map(\.quantity))::int[])
                AS a(sku, location_id, quantity)
            """, logger: logger)
    }

    /// Locks a held reservation; a closed or unknown one is refused (nothing released twice).
    static func lockHeld(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> Held {
        let row = try await connection.run("""
            SELECT order_id, status FROM reservations WHERE reservation_id = \(id) FOR UPDATE
            """, logger: logger).decode((String, String).self).first { _ in true }
        guard let (orderId, status) = row else { throw Rejection("unknown-reservation", "no reservation \(id)") }
        guard status == "held" else { throw Rejection("reservation-closed", "reservation \(id) is already \(status)") }
        return Held(reservationId: id, orderId: orderId, allocations: try await allocations(id, on: connection, logger: logger))
    }

    static func close(_ id: String, status: String, reason: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            UPDATE reservations SET status = \(status), close_reason = \(reason), closed_at = now() WHERE reservation_id = \(id)
            """, logger: logger)
    }

    /// Held reservations whose hold ran out, locked for this poller only.
    static func lockExpired(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Held] {
        let rows = try await connection.run("""
            SELECT reservation_id, order_id FROM reservations WHERE status = 'held' AND expires_at <= now()
            ORDER BY expires_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var held: [Held] = []
        for try await (id, orderId) in rows.decode((String, String).self) {
            held.append(Held(reservationId: id, orderId: orderId, allocations: []))
        }
        for index in held.indices {
            held[index].allocations = try await allocations(held[index].reservationId, on: connection, logger: logger)
        }
        return held
    }
}
