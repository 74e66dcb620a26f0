import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO
import PromotionsContracts

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
        var promotions: [Promotion] = []
        let rows = try await connection.run("SELECT definition::text FROM promotions WHERE active ORDER BY promotion_id", logger: logger)
        for try await definition in rows.decode(String.self) {
            promotions.append(try JSONCoding.decoder.decode(Promotion.self, from: Data(definition.utf8)))
        }
        return promotions
    }

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
    enum Answer: Codable, Sendable {
        case applied(PromotionsApplied)
        case rejected(PromotionsRejected)
    }

    static func find(_ orderId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> (status: String, answer: Answer?, customerId: String?, channel: String?)? {
        let row = try await connection.run("SELECT status, answer::text, customer_id, channel FROM applications WHERE order_id = \(orderId) FOR UPDATE",
                                             logger: logger)
            .decode((String, String?, String?, String?).self).first { _ in true }
        guard let (status, answer, customer, channel) = row else { return nil }
        return (status, try answer.map { try JSONCoding.decoder.decode(Answer.self, from: Data($0.utf8)) }, customer, channel)
    }

    /// The same row, locked, without decoding its answer (what a commit needs).
    static func lockStatus(_ orderId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> (status: String, customerId: String?, channel: String?)? {
        let row = try await connection.run("SELECT status, customer_id, channel FROM applications WHERE order_id = \(orderId) FOR UPDATE", logger: logger)
            .decode((String, String?, String?).self).first { _ in true }
        return row.map { (status: $0.0, customerId: $0.1, channel: $0.2) }
    }

    static func insert(_ orderId: String, status: String, basket: Basket?, answer: Answer?, on connection: PostgresConnection, logger: Logger) async throws {
        let text = try answer.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) }
        try await connection.run("""
            INSERT INTO applications (order_id, status, customer_id, channel, answer)
            VALUES (\(orderId), \(status), \(basket?.customerId), \(basket?.channel), \(text)::jsonb)
            """, logger: logger)
    }

    /// An applied answer and the uses it holds (one `held` redemption per promotion applied),
    /// in one statement.
    static func insertApplied(_ answer: PromotionsApplied, basket: Basket, on connection: PostgresConnection, logger: Logger) async throws {
        let uses = answer.pricing.applied
        let text = String(decoding: try JSONCoding.encoder.encode(Answer.applied(answer)), as: UTF8.self)
        // A code is never empty (codes are trimmed and empty ones dropped): '' stands for none.
        try await connection.run("""
            WITH held AS (
                INSERT INTO redemptions (order_id, promotion_id, customer_id, code, channel, status, discount_minor)
                SELECT \(answer.orderId), use.promotion_id, \(basket.customerId), NULLIF(use.code, ''), \(basket.channel), 'held', use.discount_minor
                FROM unnest(\(uses.map(\.promotionId))::text[], \(uses.map { $0.code ?? "" })::text[], \(uses.map(\.discountMinor))::bigint[])
                    AS use (promotion_id, code, discount_minor)
            )
            INSERT INTO applications (order_id, status, customer_id, channel, answer)
            VALUES (\(answer.orderId), 'applied', \(basket.customerId), \(basket.channel), \(text)::jsonb)
            """, logger: logger)
    }

    static func setStatus(_ orderId: String, _ status: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("UPDATE applications SET status = \(status), updated_at = now() WHERE order_id = \(orderId)", logger: logger)
    }
}
