import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO
import PromotionsContracts
import Synchronization

/// The promotions table and the usage ledger (redemptions).
enum PromotionRecords {
    static func find(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> (Promotion, Int)? {
        let row = try await connection.run("SELECT definition::text, version FROM promotions WHERE promotion_id = \(id)", logger: logger)
            .decode((String, Int).self).first { _ in true }
        guard let (definition, version) = row else { return nil }
        return (try JSONCoding.decoder.decode(Promotion.self, from: Data(definition.utf8)), version)
    }

    static func promotionId(forCode code: String, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.run("SELECT promotion_id FROM promotions WHERE code = \(code)", logger: logger).decode(String.self).first { _ in true }
    }

    static func upsert(_ promotion: Promotion, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let definition = String(decoding: try JSONCoding.encoder.encode(promotion), as: UTF8.self)
        let code = promotion.code.map(Promotion.normalise(code:))
        activeDefinitions.writing()
        return try await connection.run("""
            INSERT INTO promotions (promotion_id, code, definition, active, version)
            VALUES (\(promotion.promotionId), \(code), \(definition)::jsonb, \(promotion.active ?? true), 1)
            ON CONFLICT (promotion_id) DO UPDATE SET code = excluded.code, definition = excluded.definition, active = excluded.active,
                version = promotions.version + 1, updated_at = now()
            RETURNING version
            """, logger: logger).decode(Int.self).first { _ in true } ?? 1
    }

    /// Every active promotion (the engine sorts them out).
    static func active(on connection: PostgresConnection, logger: Logger) async throws -> [Promotion] {
        try await activeDefinitions.value {
            var promotions: [Promotion] = []
            let rows = try await connection.run("SELECT definition::text FROM promotions WHERE active ORDER BY promotion_id", logger: logger)
            for try await definition in rows.decode(String.self) {
                promotions.append(try DecodedDefinitions.shared.promotion(definition))
            }
            return promotions
        }
    }

    /// The active promotions, kept between changes: every basket is priced against them.
    static let activeDefinitions = ReferenceCache<[Promotion]>()

    static func all(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [(Promotion, Int, Int)] {
        var result: [(Promotion, Int, Int)] = []
        let rows = try await connection.run("""
            SELECT p.definition::text, p.version,
                   (SELECT count(*)::int FROM redemptions r WHERE r.promotion_id = p.promotion_id AND r.status <> 'released')
            FROM promotions p ORDER BY p.promotion_id LIMIT \(limit)
            """, logger: logger)
        for try await (definition, version, uses) in rows.decode((String, Int, Int).self) {
            result.append((try JSONCoding.decoder.decode(Promotion.self, from: Data(definition.utf8)), version, uses))
        }
        return result
    }

    /// Locks the rows of `ids` in one global order, so usage counted under the lock holds
    /// across channels and replicas (two uses at the same instant are serialised here).
    static func lock(_ ids: [String], on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.run("SELECT promotion_id FROM promotions WHERE promotion_id = ANY(\(ids.sorted())) ORDER BY promotion_id FOR UPDATE",
                                   logger: logger)
    }

    /// Uses that count (held or committed), in total and by `customerId`.
    static func uses(of id: String, customerId: String?, on connection: PostgresConnection, logger: Logger) async throws -> (total: Int, customer: Int) {
        let row = try await connection.run("""
            SELECT count(*)::int, count(*) FILTER (WHERE customer_id = \(customerId))::int
            FROM redemptions WHERE promotion_id = \(id) AND status <> 'released'
            """, logger: logger).decode((Int, Int).self).first { _ in true }
        return (row?.0 ?? 0, row?.1 ?? 0)
    }
}

/// The answers given to the saga, by order.
enum ApplicationRecords {
    /// The event the saga was answered with, kept as it was sent: asked again, the same
    /// bytes go out again. Stored as `{"type": …, "data": …}`.
    struct Answer: Sendable {
        var type: String
        var data: [UInt8]

        /// `{"type": …, "data": …}`, the data as it is (a ce_type needs no escaping).
        var document: String { #"{"type":""# + type + #"","data":"# + String(decoding: data, as: UTF8.self) + "}" }
    }

    /// The order's application if it was asked before, locked.
    static func find(_ orderId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> (status: String, answer: Answer?, customerId: String?, channel: String?)? {
        try await findWithSegments(orderId, customerId: nil, on: connection, logger: logger).previous
    }

    /// What applying an order's promotions reads first, in one round trip: its application
    /// if it was asked before (locked), and the segments of the basket's customer.
    static func findWithSegments(_ orderId: String, customerId: String?, on connection: PostgresConnection, logger: Logger)
        async throws -> (previous: (status: String, answer: Answer?, customerId: String?, channel: String?)?, segments: [String]) {
        let rows = try await connection.run("""
            WITH application AS MATERIALIZED (
                SELECT status, answer->>'type' AS type, (answer->'data')::text AS data, customer_id, channel FROM applications
                WHERE order_id = \(orderId) FOR UPDATE
            )
            SELECT true, status, type, data, customer_id, channel FROM application
            UNION ALL
            SELECT false, segment_id, NULL, NULL, NULL, NULL FROM segment_members WHERE customer_id = \(customerId)
            """, logger: logger)
        var previous: (status: String, answer: Answer?, customerId: String?, channel: String?)?, segments: [String] = []
        for try await (isApplication, value, type, data, customer, channel) in rows.decode((Bool, String, String?, String?, String?, String?).self) {
            if isApplication {
                previous = (value, type.flatMap { type in data.map { Answer(type: type, data: Array($0.utf8)) } }, customer, channel)
            } else {
                segments.append(value)
            }
        }
        return (previous, segments.sorted())
    }

    /// An order's application and what committing it did.
    struct Commitment {
        var status: String
        var customerId: String?
        var channel: String?
        var committed: [CommittedPromotion]
    }

    /// Locks the order's application and, unless it was released, commits its held uses
    /// and marks an applied one committed, in one statement. Nil: no application.
    /// `status` is the application's status as it was found.
    static func commit(_ orderId: String, on connection: PostgresConnection, logger: Logger) async throws -> Commitment? {
        let rows = try await connection.run("""
            WITH application AS (
                SELECT status, customer_id, channel FROM applications WHERE order_id = \(orderId) FOR UPDATE
            ), committed AS (
                UPDATE redemptions SET status = 'committed'
                WHERE order_id = \(orderId) AND status = 'held' AND EXISTS (SELECT 1 FROM application WHERE status <> 'released')
                RETURNING promotion_id, code, discount_minor
            ), marked AS (
                UPDATE applications SET status = 'committed', updated_at = now() WHERE order_id = \(orderId) AND status = 'applied'
            )
            SELECT a.status, a.customer_id, a.channel, c.promotion_id, COALESCE(c.name, c.promotion_id), c.code, c.discount_minor
            FROM application a
            LEFT JOIN (SELECT u.*, p.definition->>'name' AS name FROM committed u JOIN promotions p USING (promotion_id)) c ON true
            ORDER BY c.promotion_id
            """, logger: logger)
        var commitment: Commitment?
        for try await (status, customerId, channel, id, name, code, discount)
            in rows.decode((String, String?, String?, String?, String?, String?, Int64?).self) {
            if commitment == nil { commitment = Commitment(status: status, customerId: customerId, channel: channel, committed: []) }
            if let id, let name, let discount {
                commitment?.committed.append(CommittedPromotion(promotionId: id, name: name, code: code, discountMinor: discount))
            }
        }
        return commitment
    }

    static func insert(_ orderId: String, status: String, basket: Basket?, answer: Answer?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO applications (order_id, status, customer_id, channel, answer)
            VALUES (\(orderId), \(status), \(basket?.customerId), \(basket?.channel), \(answer?.document)::jsonb)
            """, logger: logger)
    }

    /// An applied answer (`answer`, the `PromotionsApplied` event's data as sent) and the
    /// uses it holds (one `held` redemption per promotion applied), in one statement.
    static func insertApplied(_ applied: PromotionsApplied, answer: Answer, basket: Basket, cause: CloudEvent, on connection: PostgresConnection,
                              logger: Logger) async throws {
        let causeId = cause.id.uuidString.lowercased(), correlationId = cause.correlationID ?? causeId
        let uses = applied.pricing.applied
        // A code is never empty (codes are trimmed and empty ones dropped): '' stands for none.
        try await connection.run("""
            WITH held AS (
                INSERT INTO redemptions (order_id, promotion_id, customer_id, code, channel, status, discount_minor)
                SELECT \(applied.orderId), use.promotion_id, \(basket.customerId), NULLIF(use.code, ''), \(basket.channel), 'held', use.discount_minor
                FROM unnest(\(uses.map(\.promotionId))::text[], \(uses.map { $0.code ?? "" })::text[], \(uses.map(\.discountMinor))::bigint[])
                    AS use (promotion_id, code, discount_minor)
            )
            INSERT INTO applications (order_id, status, customer_id, channel, answer, cause_id, correlation_id)
            VALUES (\(applied.orderId), 'applied', \(basket.customerId), \(basket.channel), \(answer.document)::jsonb, \(causeId), \(correlationId))
            """, logger: logger)
    }

    static func setStatus(_ orderId: String, _ status: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("UPDATE applications SET status = \(status), updated_at = now() WHERE order_id = \(orderId)", logger: logger)
    }
}

/// Every order is priced against every active promotion: their definitions, decoded once
/// per text rather than once per order. Keyed by the stored text itself, so a changed
/// definition is simply a new entry; bounded, since old texts are never asked for again.
final class DecodedDefinitions: Sendable {
    static let shared = DecodedDefinitions()
    private let byText = Mutex<[String: Promotion]>([:])
    private let capacity = 4_096

    func promotion(_ definition: String) throws -> Promotion {
        if let known = byText.withLock({ $0[definition] }) { return known }
        let promotion = try JSONCoding.decoder.decode(Promotion.self, from: Data(definition.utf8))
        byText.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[definition] = promotion
        }
        return promotion
    }
}
