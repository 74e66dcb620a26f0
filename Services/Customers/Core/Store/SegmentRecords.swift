import CustomersContracts
import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// Segments, purchase facts and memberships.
enum SegmentRecords {
    static func save(_ segment: DefineSegment, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let definition = String(decoding: try JSONCoding.encoder.encode(segment), as: UTF8.self)
        return try await connection.run("""
            INSERT INTO segments (segment_id, definition, version) VALUES (\(segment.segmentId), \(definition)::jsonb, 1)
            ON CONFLICT (segment_id) DO UPDATE SET definition = excluded.definition, version = segments.version + 1, updated_at = now()
            RETURNING version
            """, logger: logger).decode(Int.self).first { _ in true } ?? 1
    }

    static func all(on connection: PostgresConnection, logger: Logger) async throws -> [DefineSegment] {
        var segments: [DefineSegment] = []
        for try await text in try await connection.run("SELECT definition::text FROM segments ORDER BY segment_id", logger: logger).decode(String.self) {
            segments.append(try JSONCoding.decoder.decode(DefineSegment.self, from: Data(text.utf8)))
        }
        return segments
    }

    /// Records a purchase or a refund once (by reference).
    static func record(_ customer: UUID, reference: String, purchase: SegmentRules.Purchase, fulfilment: String? = nil,
                       on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO purchases (customer_id, reference, order_id, channel, amount_minor, currency, occurred_at, fulfilment)
            VALUES (\(customer), \(reference), \(purchase.orderId), \(purchase.channel), \(purchase.amountMinor), \(purchase.currency), \(purchase.at),
                    \(fulfilment))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    static func facts(_ customer: UUID, on connection: PostgresConnection, logger: Logger) async throws -> SegmentRules.Facts {
        var purchases: [SegmentRules.Purchase] = []
        let rows = try await connection.run("""
            SELECT order_id, channel, amount_minor, currency, occurred_at FROM purchases WHERE customer_id = \(customer) ORDER BY occurred_at
            """, logger: logger)
        for try await (order, channel, amount, currency, at) in rows.decode((String, String, Int64, String, Date).self) {
            purchases.append(SegmentRules.Purchase(orderId: order, channel: channel, amountMinor: amount, currency: currency, at: at))
        }
        let locale = try await connection.run("SELECT locale FROM customers WHERE customer_id = \(customer)", logger: logger)
            .decode(String?.self).first { _ in true } ?? nil
        return SegmentRules.Facts(purchases: purchases, locale: locale)
    }

    static func memberships(_ customer: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var segments: Set<String> = []
        for try await segment in try await connection.run("SELECT segment_id FROM segment_memberships WHERE customer_id = \(customer)", logger: logger)
            .decode(String.self) { segments.insert(segment) }
        return segments
    }

    static func setMember(_ customer: UUID, _ segmentId: String, _ member: Bool, on connection: PostgresConnection, logger: Logger) async throws {
        if member {
            try await connection.run("INSERT INTO segment_memberships (customer_id, segment_id) VALUES (\(customer), \(segmentId)) ON CONFLICT DO NOTHING",
                                       logger: logger)
        } else {
            try await connection.run("DELETE FROM segment_memberships WHERE customer_id = \(customer) AND segment_id = \(segmentId)", logger: logger)
        }
    }

    /// Takes the customer's row lock, so the review worker and event handlers never
    /// evaluate one customer at the same time (always locked before `segment_reviews`).
    static func lock(_ customer: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SELECT 1 FROM customers WHERE customer_id = \(customer) FOR NO KEY UPDATE", logger: logger)
    }

    /// When to look at `customer` again (nil: only a new event can change anything).
    static func scheduleReview(_ customer: UUID, at due: Date?, on connection: PostgresConnection, logger: Logger) async throws {
        if let due {
            try await connection.run("""
                INSERT INTO segment_reviews (customer_id, due_at) VALUES (\(customer), \(due))
                ON CONFLICT (customer_id) DO UPDATE SET due_at = excluded.due_at
                """, logger: logger)
        } else {
            try await connection.run("DELETE FROM segment_reviews WHERE customer_id = \(customer)", logger: logger)
        }
    }

    /// Every active customer is due now (a segment was defined or changed); returns how many.
    /// Rows are taken in customer id order, as the worker takes them, so the two never deadlock.
    static func reviewEveryone(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.run("""
            WITH due AS (
                INSERT INTO segment_reviews (customer_id, due_at) SELECT customer_id, now() FROM customers WHERE status = 'active' ORDER BY customer_id
                ON CONFLICT (customer_id) DO UPDATE SET due_at = LEAST(segment_reviews.due_at, excluded.due_at) RETURNING 1
            )
            SELECT count(*)::int FROM due
            """, logger: logger).decode(Int.self).first { _ in true } ?? 0
    }

    /// Up to `limit` customers whose review is due, locked (`SKIP LOCKED`: replicas and
    /// busy handlers are passed over); reviews of merged or erased profiles are dropped.
    static func lockDueReviews(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        try await connection.run("""
            DELETE FROM segment_reviews r USING customers c
            WHERE r.customer_id = c.customer_id AND c.status <> 'active' AND r.due_at <= now()
            """, logger: logger)
        var due: [UUID] = []
        let rows = try await connection.run("""
            SELECT c.customer_id FROM segment_reviews r JOIN customers c USING (customer_id)
            WHERE r.due_at <= now() AND c.status = 'active'
            ORDER BY r.due_at LIMIT \(limit) FOR NO KEY UPDATE OF c SKIP LOCKED
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { due.append(id) }
        return due
    }
}
