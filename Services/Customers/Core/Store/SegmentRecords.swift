import CustomersContracts
import Foundation
import OmniMessaging
import PostgresNIO

/// Segments, purchase facts and memberships.
enum SegmentRecords {
    static func save(_ segment: DefineSegment, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let definition = String(decoding: try JSONCoding.encoder.encode(segment), as: UTF8.self)
        return try await connection.query("""
            INSERT INTO segments (segment_id, definition, version) VALUES (\(segment.segmentId), \(definition)::jsonb, 1)
            ON CONFLICT (segment_id) DO UPDATE SET definition = excluded.definition, version = segments.version + 1, updated_at = now()
            RETURNING version
            """, logger: logger).decode(Int.self).first { _ in true } ?? 1
    }

    static func all(on connection: PostgresConnection, logger: Logger) async throws -> [DefineSegment] {
        var segments: [DefineSegment] = []
        for try await text in try await connection.query("SELECT definition::text FROM segments ORDER BY segment_id", logger: logger).decode(String.self) {
            segments.append(try JSONCoding.decoder.decode(DefineSegment.self, from: Data(text.utf8)))
        }
        return segments
    }

    /// Records a purchase or a refund once (by reference).
    static func record(_ customer: UUID, reference: String, purchase: SegmentRules.Purchase, fulfilment: String? = nil,
                       on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO purchases (customer_id, reference, order_id, channel, amount_minor, currency, occurred_at, fulfilment)
            VALUES (\(customer), \(reference), \(purchase.orderId), \(purchase.channel), \(purchase.amountMinor), \(purchase.currency), \(purchase.at),
                    \(fulfilment))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    static func facts(_ customer: UUID, on connection: PostgresConnection, logger: Logger) async throws -> SegmentRules.Facts {
        var purchases: [SegmentRules.Purchase] = []
        let rows = try await connection.query("""
            SELECT order_id, channel, amount_minor, currency, occurred_at FROM purchases WHERE customer_id = \(customer) ORDER BY occurred_at
            """, logger: logger)
        for try await (order, channel, amount, currency, at) in rows.decode((String, String, Int64, String, Date).self) {
            purchases.append(SegmentRules.Purchase(orderId: order, channel: channel, amountMinor: amount, currency: currency, at: at))
        }
        let locale = try await connection.query("SELECT locale FROM customers WHERE customer_id = \(customer)", logger: logger)
            .decode(String?.self).first { _ in true } ?? nil
        return SegmentRules.Facts(purchases: purchases, locale: locale)
    }

    static func memberships(_ customer: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var segments: Set<String> = []
        for try await segment in try await connection.query("SELECT segment_id FROM segment_memberships WHERE customer_id = \(customer)", logger: logger)
            .decode(String.self) { segments.insert(segment) }
        return segments
    }

    static func setMember(_ customer: UUID, _ segmentId: String, _ member: Bool, on connection: PostgresConnection, logger: Logger) async throws {
        if member {
            try await connection.query("INSERT INTO segment_memberships (customer_id, segment_id) VALUES (\(customer), \(segmentId)) ON CONFLICT DO NOTHING",
                                       logger: logger)
        } else {
            try await connection.query("DELETE FROM segment_memberships WHERE customer_id = \(customer) AND segment_id = \(segmentId)", logger: logger)
        }
    }

    static func activeCustomers(on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        var ids: [UUID] = []
        for try await id in try await connection.query("SELECT customer_id FROM customers WHERE status = 'active' ORDER BY customer_id", logger: logger)
            .decode(UUID.self) { ids.append(id) }
        return ids
    }
}
