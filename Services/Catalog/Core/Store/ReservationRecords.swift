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
        /// Sold in the step that made it (`ReserveStock.sell`).
        var sold: Bool { reserved.sold == true }
    }

    /// The close reason of a reservation sold in the step that made it.
    static let soldAtOnce = "sold"

    struct Held {
        var reservationId: String
        var orderId: String
        var allocations: [Allocation]
        /// Sold in the step that made it: releasing it puts the units back on the shelf.
        var sold = false
        /// The ReserveStock command that made it, and its journey.
        var causeId: String? = nil
        var correlationId: String? = nil
    }

    /// What a `ReserveStock` asks first, in one round trip: the reservation if it exists
    /// already (a retried command), whether each of `skus` is sold (absent: unknown), and
    /// the stock rows of `skus` at `locations`, locked in the global order (sku, location)
    /// like `StockChanges.lock`.
    static func lookUpAndLock(_ id: String, skus: [String], at locations: [String], on connection: PostgresConnection, logger: Logger) async throws
        -> (existing: Found?, active: [String: Bool], stock: StockChanges) {
        let rows = try await connection.run("""
            WITH locked AS MATERIALIZED (
                SELECT sku, location_id, on_hand, reserved, safety_stock FROM stock_levels
                WHERE sku = ANY(\(skus)) AND location_id = ANY(\(locations))
                ORDER BY sku, location_id FOR UPDATE
            )
            SELECT q.sku, p.active, r.order_id, r.channel, r.fulfilment::text, r.status, r.expires_at, r.close_reason,
                   l.location_id, l.on_hand, l.reserved, l.safety_stock
            FROM unnest(\(skus)::text[]) AS q(sku) LEFT JOIN products p ON p.sku = q.sku
            LEFT JOIN reservations r ON r.reservation_id = \(id)
            LEFT JOIN locked l ON l.sku = q.sku
            """, logger: logger)
        var active: [String: Bool] = [:], levels: [StockKey: StockLevel] = [:]
        var existing: (orderId: String, channel: String, fulfilment: String, status: String, expiresAt: Date, sold: Bool)?
        for try await (sku, isActive, orderId, channel, fulfilment, status, expiresAt, reason, location, onHand, reserved, safety)
            in rows.decode((String, Bool?, String?, String?, String?, String?, Date?, String?, String?, Int?, Int?, Int?).self) {
            active[sku] = isActive
            if let orderId, let channel, let fulfilment, let status, let expiresAt {
                existing = (orderId, channel, fulfilment, status, expiresAt, status == "committed" && reason == soldAtOnce)
            }
            if let location, let onHand, let reserved, let safety {
                levels[StockKey(sku: sku, locationId: location)] = StockLevel(onHand: onHand, reserved: reserved, safetyStock: safety)
            }
        }
        let stock = StockChanges(locked: levels)
        guard let existing else { return (nil, active, stock) }
        let allocations = try await self.allocations(id, on: connection, logger: logger)
        let decoded = try JSONCoding.decoder.decode(Fulfilment.self, from: Data(existing.fulfilment.utf8))
        let reserved = StockReserved(reservationId: id, orderId: existing.orderId, channel: existing.channel, fulfilment: decoded,
                                     allocations: allocations, expiresAt: existing.expiresAt, sold: existing.sold ? true : nil)
        return (Found(status: existing.status, reserved: reserved), active, stock)
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

    static func insert(_ command: ReserveStock, status: String, expiresAt: Date, allocations: [Allocation], cause: CloudEvent,
                       on connection: PostgresConnection, logger: Logger) async throws {
        let causeId = cause.id.uuidString.lowercased(), correlationId = cause.correlationID ?? causeId
        let fulfilment = String(decoding: try JSONCoding.encoder.encode(command.fulfilment), as: UTF8.self)
        let closedAt: Date? = status == "held" ? nil : Date()
        let closeReason: String? = switch status {
        case "failed": "insufficient-stock"
        case "committed": soldAtOnce
        default: nil
        }
        // The reservation and its allocations in one statement.
        try await connection.run("""
            WITH reservation AS (
                INSERT INTO reservations (reservation_id, order_id, channel, fulfilment, status, expires_at, closed_at, close_reason, cause_id, correlation_id,
                                          source_kind, source_id)
                VALUES (\(command.reservationId), \(command.orderId), \(command.channel), \(fulfilment)::jsonb, \(status), \(expiresAt), \(closedAt),
                        \(closeReason), \(causeId), \(correlationId),
                        \((command.source?.kind ?? .order).rawValue), \(command.source?.id ?? command.orderId))
                RETURNING reservation_id)
            INSERT INTO reservation_allocations (reservation_id, sku, location_id, quantity)
            SELECT reservation.reservation_id, a.sku, a.location_id, a.quantity
            FROM reservation, unnest(\(allocations.map(\.sku))::text[], \(allocations.map(\.locationId))::text[], \(allocations.map(\.quantity))::int[])
                AS a(sku, location_id, quantity)
            """, logger: logger)
    }

    /// Locks a held reservation; a closed or unknown one is refused (nothing released twice).
    /// With `orSold`, one sold in the step that made it too (a release undoes the sale).
    static func lockHeld(_ id: String, orSold: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> Held {
        let row = try await connection.run("""
            SELECT order_id, status, close_reason FROM reservations WHERE reservation_id = \(id) FOR UPDATE
            """, logger: logger).decode((String, String, String?).self).first { _ in true }
        guard let (orderId, status, reason) = row else { throw Rejection("unknown-reservation", "no reservation \(id)") }
        let sold = orSold && status == "committed" && reason == soldAtOnce
        guard status == "held" || sold else { throw Rejection("reservation-closed", "reservation \(id) is already \(status)") }
        return Held(reservationId: id, orderId: orderId, allocations: try await allocations(id, on: connection, logger: logger), sold: sold)
    }

    static func close(_ id: String, status: String, reason: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            UPDATE reservations SET status = \(status), close_reason = \(reason), closed_at = now() WHERE reservation_id = \(id)
            """, logger: logger)
    }

    /// Held reservations whose hold ran out, locked for this poller only.
    /// The held reservation `id`, locked; nil when there is none or it is closed.
    static func lockHeldIfAny(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> Held? {
        let row = try await connection.run("""
            SELECT order_id FROM reservations WHERE reservation_id = \(id) AND status = 'held' FOR UPDATE
            """, logger: logger).decode(String.self).first { _ in true }
        guard let orderId = row else { return nil }
        return Held(reservationId: id, orderId: orderId, allocations: try await allocations(id, on: connection, logger: logger))
    }

    static func lockExpired(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Held] {
        let rows = try await connection.run("""
            SELECT reservation_id, order_id, cause_id, correlation_id FROM reservations WHERE status = 'held' AND expires_at <= now()
            ORDER BY expires_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var held: [Held] = []
        for try await (id, orderId, cause, correlation) in rows.decode((String, String, String?, String?).self) {
            held.append(Held(reservationId: id, orderId: orderId, allocations: [], causeId: cause, correlationId: correlation))
        }
        for index in held.indices {
            held[index].allocations = try await allocations(held[index].reservationId, on: connection, logger: logger)
        }
        return held
    }
}
