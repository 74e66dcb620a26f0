import Foundation
import Logging
import OmniPersistence
import PostgresNIO

/// Wrong pickup codes per order: after `limit` in a row the handover waits `lockSeconds`
/// (a six-digit code is not to be guessed at a desk).
enum PickupAttempts {
    static let limit = 5
    static let lockSeconds = 15 * 60

    /// Seconds the handover stays locked, or nil when it may be tried.
    static func lockedFor(_ orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        let rows = try await connection.run("""
            SELECT ceil(extract(epoch FROM last_wrong + make_interval(secs => \(lockSeconds)) - now()))::int FROM pickup_attempts
            WHERE order_id = \(orderId) AND wrong >= \(limit) AND last_wrong + make_interval(secs => \(lockSeconds)) > now()
            """, logger: logger)
        for try await seconds in rows.decode(Int.self) { return max(1, seconds) }
        return nil
    }

    /// Counts one more wrong code (a lock that ran out starts the count again); returns the count.
    static func recordWrong(_ orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.run("""
            INSERT INTO pickup_attempts (order_id, wrong, last_wrong) VALUES (\(orderId), 1, now())
            ON CONFLICT (order_id) DO UPDATE SET
                wrong = CASE WHEN pickup_attempts.wrong >= \(limit) THEN 1 ELSE pickup_attempts.wrong + 1 END, last_wrong = now()
            RETURNING wrong
            """, logger: logger)
        for try await wrong in rows.decode(Int.self) { return wrong }
        return 1
    }

    static func clear(_ orderId: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("DELETE FROM pickup_attempts WHERE order_id = \(orderId)", logger: logger)
    }
}
