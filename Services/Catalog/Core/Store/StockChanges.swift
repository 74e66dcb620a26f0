import CatalogContracts
import Foundation
import OmniMessaging
import OmniRuntime
import OmniPersistence
import PostgresNIO

struct StockKey: Hashable, Comparable, Sendable {
    var sku: String
    var locationId: String
    static func < (a: StockKey, b: StockKey) -> Bool { (a.sku, a.locationId) < (b.sku, b.locationId) }
}

/// The stock rows one transaction works on: locked on load, changed through the pure
/// `StockLevel` rules, then saved with their ledger rows and the events they cause
/// (`StockMovementRecorded`, and one `AvailabilityChanged` for wherever availability moved).
struct StockChanges {
    private(set) var original: [StockKey: StockLevel]
    private(set) var current: [StockKey: StockLevel]
    private var movements: [(key: StockKey, kind: StockMovementRecorded.Kind, quantity: Int, reason: String?, reference: String?)] = []

    /// Locks the rows of `keys` in one global order (sku, location), so concurrent
    /// handlers queue instead of deadlocking. With `creating`, missing rows are inserted
    /// first (the sku and location must exist).
    static func lock(_ keys: Set<StockKey>, creating: Bool, on connection: PostgresConnection, logger: Logger) async throws -> StockChanges {
        let sorted = keys.sorted()
        let skus = sorted.map(\.sku), locations = sorted.map(\.locationId)
        if creating {
            try await connection.run("""
                INSERT INTO stock_levels (sku, location_id) SELECT * FROM unnest(\(skus)::text[], \(locations)::text[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let rows = try await connection.run("""
            SELECT sku, location_id, on_hand, reserved, safety_stock FROM stock_levels
            WHERE (sku, location_id) IN (SELECT * FROM unnest(\(skus)::text[], \(locations)::text[]))
            ORDER BY sku, location_id FOR UPDATE
            """, logger: logger)
        var levels: [StockKey: StockLevel] = [:]
        for try await (sku, location, onHand, reserved, safety) in rows.decode((String, String, Int, Int, Int).self) {
            levels[StockKey(sku: sku, locationId: location)] = StockLevel(onHand: onHand, reserved: reserved, safetyStock: safety)
        }
        return StockChanges(original: levels, current: levels)
    }

    /// Locks every existing row of `skus` at `locations` (reservation candidates).
    static func lock(skus: [String], at locations: [String], on connection: PostgresConnection, logger: Logger) async throws -> StockChanges {
        let rows = try await connection.run("""
            SELECT sku, location_id, on_hand, reserved, safety_stock FROM stock_levels
            WHERE sku = ANY(\(skus)) AND location_id = ANY(\(locations))
            ORDER BY sku, location_id FOR UPDATE
            """, logger: logger)
        var levels: [StockKey: StockLevel] = [:]
        for try await (sku, location, onHand, reserved, safety) in rows.decode((String, String, Int, Int, Int).self) {
            levels[StockKey(sku: sku, locationId: location)] = StockLevel(onHand: onHand, reserved: reserved, safetyStock: safety)
        }
        return StockChanges(original: levels, current: levels)
    }

    subscript(key: StockKey) -> StockLevel { current[key] ?? StockLevel() }

    mutating func set(_ key: StockKey, _ level: StockLevel) { current[key] = level }

    /// A change of on-hand, recorded in the ledger.
    mutating func move(_ key: StockKey, to level: StockLevel, kind: StockMovementRecorded.Kind, reason: String? = nil, reference: String? = nil) {
        let delta = level.onHand - self[key].onHand
        current[key] = level
        if delta != 0 { movements.append((key, kind, delta, reason, reference)) }
    }

    /// What a save wrote that its caller's own answer may carry.
    struct Saved {
        var levels: [StockAvailability]
        var movements: [StockMovementRecorded]
    }

    /// Writes the rows, the ledger and the events. `announcing` keys get `AvailabilityChanged`
    /// even when their availability did not move (the command that set them needs an answer).
    /// Returns the availability levels and the ledger rows; with `announcingAvailability` or
    /// `announcingMovements` false they are not published (the caller's own event carries them).
    @discardableResult
    func save(_ emitter: OutboxEmitter, announcing: Set<StockKey> = [], announcingAvailability: Bool = true,
              announcingMovements: Bool = true) async throws -> Saved {
        let connection = emitter.connection, logger = emitter.logger
        let keys = current.keys.sorted()
        let changed = keys.filter { current[$0] != original[$0] }
        let announced = keys.filter { key in
            (original[key] ?? StockLevel()).available != current[key]!.available || announcing.contains(key)
        }
        var online: [String: Int] = [:]
        if !changed.isEmpty || !announced.isEmpty {
            online = try await Self.write(changed.map { ($0, current[$0]!) }, summingOnline: Array(Set(announced.map(\.sku))).sorted(),
                                          on: connection, logger: logger)
        }
        let recorded = try await record(commandID: emitter.commandID, on: connection, logger: logger)
        if announcingMovements {
            for movement in recorded {
                try await emitter.emit(CatalogType.stockMovementRecorded, movement, subject: movement.sku)
            }
        }
        let levels = announced.map { key in
            let before = original[key] ?? StockLevel(), after = current[key]!
            return StockAvailability(sku: key.sku, locationId: key.locationId, onHand: after.onHand, reserved: after.reserved, safetyStock: after.safetyStock,
                                     available: after.available, previousAvailable: before.available, onlineAvailable: online[key.sku] ?? 0)
        }
        guard announcingAvailability, let first = levels.first else { return Saved(levels: levels, movements: recorded) }
        // One sku: keyed by it, in order with its other changes; several: by what the command was about.
        let subject = levels.allSatisfy { $0.sku == first.sku } ? first.sku : emitter.cause?.subject ?? first.sku
        try await emitter.emit(CatalogType.availabilityChanged, AvailabilityChanged(levels: levels), subject: subject)
        return Saved(levels: levels, movements: recorded)
    }

    /// The ledger rows of this transaction's movements, in one statement: each with the
    /// on-hand it left, numbered in the order they were made.
    private func record(commandID: UUID?, on connection: PostgresConnection, logger: Logger) async throws -> [StockMovementRecorded] {
        guard !movements.isEmpty else { return [] }
        var onHand: [StockKey: Int] = original.mapValues(\.onHand)
        let after = movements.map { movement in
            let level = (onHand[movement.key] ?? 0) + movement.quantity
            onHand[movement.key] = level
            return level
        }
        // Rows are numbered as the ordered SELECT produces them, so the ids come back in the
        // movements' order. '' stands for none (an array bind has no NULLs).
        let ids = try await connection.run("""
            INSERT INTO stock_ledger (sku, location_id, kind, quantity, on_hand_after, reason, reference, command_id)
            SELECT sku, location_id, kind, quantity, on_hand_after, NULLIF(reason, ''), NULLIF(reference, ''), \(commandID)
            FROM unnest(\(movements.map(\.key.sku))::text[], \(movements.map(\.key.locationId))::text[], \(movements.map(\.kind.rawValue))::text[],
                        \(movements.map(\.quantity))::int[], \(after)::int[], \(movements.map { $0.reason ?? "" })::text[],
                        \(movements.map { $0.reference ?? "" })::text[])
                WITH ORDINALITY AS m(sku, location_id, kind, quantity, on_hand_after, reason, reference, n)
            ORDER BY n
            RETURNING movement_id
            """, logger: logger).decode(Int64.self).reduce(into: [Int64]()) { $0.append($1) }.sorted()
        return zip(movements, zip(ids, after)).map { movement, row in
            StockMovementRecorded(movementId: row.0, sku: movement.key.sku, locationId: movement.key.locationId, kind: movement.kind,
                                  quantity: movement.quantity, onHandAfter: row.1, reason: movement.reason, reference: movement.reference)
        }
    }

    /// Writes every changed row and sums, with those new values, what the online channels
    /// may promise for each of `skus`: the sum over warehouses and ship-from-store stores
    /// (a sku they do not stock is absent: 0). One round trip where a reservation took two;
    /// the sum reads the rows the statement did not write as they were when it began.
    private static func write(_ changed: [(key: StockKey, level: StockLevel)], summingOnline skus: [String],
                              on connection: PostgresConnection, logger: Logger) async throws -> [String: Int] {
        let levels = changed.map(\.level)
        var online: [String: Int] = [:]
        for try await (sku, available) in try await connection.run("""
            WITH saved AS (
                INSERT INTO stock_levels (sku, location_id, on_hand, reserved, safety_stock, updated_at)
                SELECT sku, location_id, on_hand, reserved, safety_stock, now()
                FROM unnest(\(changed.map(\.key.sku))::text[], \(changed.map(\.key.locationId))::text[], \(levels.map(\.onHand))::int[],
                            \(levels.map(\.reserved))::int[], \(levels.map(\.safetyStock))::int[]) AS c(sku, location_id, on_hand, reserved, safety_stock)
                ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved,
                    safety_stock = excluded.safety_stock, updated_at = now()
                RETURNING sku, location_id, on_hand, reserved, safety_stock
            ), levels AS (
                SELECT sku, location_id, on_hand, reserved, safety_stock FROM saved
                UNION ALL
                SELECT s.sku, s.location_id, s.on_hand, s.reserved, s.safety_stock FROM stock_levels s
                WHERE s.sku = ANY(\(skus)) AND NOT EXISTS (SELECT 1 FROM saved v WHERE v.sku = s.sku AND v.location_id = s.location_id)
            )
            SELECT v.sku, COALESCE(sum(GREATEST(v.on_hand - v.reserved - v.safety_stock, 0)), 0)::int
            FROM levels v JOIN locations l USING (location_id)
            WHERE v.sku = ANY(\(skus)) AND l.active AND (l.kind = 'warehouse' OR l.ship_from_store)
            GROUP BY v.sku
            """, logger: logger).decode((String, Int).self) {
            online[sku] = available
        }
        return online
    }
}

extension StockChanges {
    /// Rows a statement of the caller's already locked (`ReservationRecords.lookUpAndLock`).
    init(locked levels: [StockKey: StockLevel]) {
        self.init(original: levels, current: levels)
    }
}
