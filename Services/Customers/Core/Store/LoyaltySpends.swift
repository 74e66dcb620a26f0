import Foundation
import OmniPersistence
import PostgresNIO

/// Points orders spend, by order: held, spent, released or restored (see `LoyaltySpendHandlers`).
enum LoyaltySpends {
    struct Spend: Sendable {
        var orderId: String
        var customer: UUID?
        var points: Int
        var valueMinor: Int64
        var restoredPoints: Int
        var status: String
    }

    static func lock(_ orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> Spend? {
        try await connection.run("""
            SELECT customer_id, points, value_minor, restored_points, status FROM loyalty_spends WHERE order_id = \(orderId) FOR UPDATE
            """, logger: logger).decode((UUID?, Int, Int64, Int, String).self).first { _ in true }
            .map { Spend(orderId: orderId, customer: $0.0, points: $0.1, valueMinor: $0.2, restoredPoints: $0.3, status: $0.4) }
    }

    static func insert(_ orderId: String, customer: UUID?, points: Int, valueMinor: Int64, status: String,
                       on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO loyalty_spends (order_id, customer_id, points, value_minor, status)
            VALUES (\(orderId), \(customer), \(points), \(valueMinor), \(status)) ON CONFLICT (order_id) DO NOTHING
            """, logger: logger)
    }

    static func setStatus(_ orderId: String, _ status: String, where current: [String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            UPDATE loyalty_spends SET status = \(status), updated_at = now() WHERE order_id = \(orderId) AND status = ANY(\(current))
            """, logger: logger)
    }

    static func restore(_ orderId: String, points: Int, status: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            UPDATE loyalty_spends SET restored_points = restored_points + \(points), status = \(status), updated_at = now() WHERE order_id = \(orderId)
            """, logger: logger)
    }

    /// Erasure: the person's spends lose their link to them.
    static func forget(_ customers: [UUID], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("UPDATE loyalty_spends SET customer_id = NULL WHERE customer_id = ANY(\(customers))", logger: logger)
    }
}
