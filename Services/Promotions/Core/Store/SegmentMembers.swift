import CustomersContracts
import Foundation
import OmniPersistence
import PostgresNIO

/// The read model of customers' segments, and what a merge or an erasure changes here.
enum SegmentMembers {
    static func segments(of customerId: String, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var segments: [String] = []
        let rows = try await connection.run("SELECT segment_id FROM segment_members WHERE customer_id = \(customerId) ORDER BY segment_id", logger: logger)
        for try await segment in rows.decode(String.self) { segments.append(segment) }
        return segments
    }

    static func apply(_ change: SegmentMembershipChanged, on connection: PostgresConnection, logger: Logger) async throws {
        if change.member {
            try await connection.run("""
                INSERT INTO segment_members (customer_id, segment_id) VALUES (\(change.customerId), \(change.segmentId)) ON CONFLICT DO NOTHING
                """, logger: logger)
        } else {
            try await connection.run("DELETE FROM segment_members WHERE customer_id = \(change.customerId) AND segment_id = \(change.segmentId)", logger: logger)
        }
    }

    /// Two profiles became one: the survivor carries the merged ones' segments and uses,
    /// so a once-per-customer code stays once for the person.
    static func merge(_ merged: CustomersMerged, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO segment_members (customer_id, segment_id)
            SELECT \(merged.survivorId), segment_id FROM segment_members WHERE customer_id = ANY(\(merged.mergedIds)) ON CONFLICT DO NOTHING
            """, logger: logger)
        try await connection.run("DELETE FROM segment_members WHERE customer_id = ANY(\(merged.mergedIds))", logger: logger)
        try await connection.run("UPDATE redemptions SET customer_id = \(merged.survivorId) WHERE customer_id = ANY(\(merged.mergedIds))", logger: logger)
        try await connection.run("UPDATE applications SET customer_id = \(merged.survivorId) WHERE customer_id = ANY(\(merged.mergedIds))", logger: logger)
    }

    /// Forget me: segments go. Redemptions keep the id, which names no one any more, so
    /// usage limits still add up.
    static func erase(_ erased: CustomerErased, on connection: PostgresConnection, logger: Logger) async throws {
        let ids = [erased.customerId] + erased.formerIds
        try await connection.run("DELETE FROM segment_members WHERE customer_id = ANY(\(ids))", logger: logger)
    }
}
