import Foundation
import OmniMessaging
import OrdersContracts
import OmniPersistence
import PostgresNIO
import PromotionsContracts

/// The quotes table, and the promotions read model that prices quotes.
enum QuoteRecords {
    static func lock(_ quoteId: String, on connection: PostgresConnection, logger: Logger) async throws -> QuoteSnapshot? {
        try await one("SELECT snapshot::text FROM quotes WHERE quote_id = \(quoteId) FOR UPDATE", on: connection, logger: logger)
    }

    static func find(_ quoteId: String, on connection: PostgresConnection, logger: Logger) async throws -> QuoteSnapshot? {
        try await one("SELECT snapshot::text FROM quotes WHERE quote_id = \(quoteId)", on: connection, logger: logger)
    }

    /// What issued the quote, and its journey.
    static func cause(of quoteId: String, on connection: PostgresConnection, logger: Logger) async throws -> (id: String?, correlation: String?) {
        try await connection.run("SELECT cause_id, correlation_id FROM quotes WHERE quote_id = \(quoteId)", logger: logger)
            .decode((String?, String?).self).first { _ in true } ?? (nil, nil)
    }

    /// Whose the lead is (customers' `LeadRouted`), if orders heard of it.
    static func customer(ofLead leadId: String, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.run("SELECT customer_id FROM lead_customers WHERE lead_id = \(leadId)", logger: logger)
            .decode(String.self).first { _ in true }
    }

    /// Writes the quote; `cause` (the command that issued it) is kept from its first write.
    static func save(_ quote: QuoteSnapshot, cause: CloudEvent? = nil, on connection: PostgresConnection, logger: Logger) async throws {
        let snapshot = String(decoding: try JSONCoding.encoder.encode(quote), as: UTF8.self)
        let causeId = cause?.id.uuidString.lowercased(), correlationId = cause.map { $0.correlationID ?? $0.id.uuidString.lowercased() }
        try await connection.run("""
            INSERT INTO quotes (quote_id, status, customer_id, lead_id, valid_until, snapshot, order_id, cause_id, correlation_id)
            VALUES (\(quote.quoteId), \(quote.status), \(quote.customerId), \(quote.leadId), \(quote.validUntil), \(snapshot)::jsonb, \(quote.orderId),
                    \(causeId), \(correlationId))
            ON CONFLICT (quote_id) DO UPDATE SET status = excluded.status, snapshot = excluded.snapshot, order_id = excluded.order_id
            """, logger: logger)
    }

    /// A customer's quotes, newest first.
    static func of(customer customerId: String, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [QuoteSnapshot] {
        var quotes: [QuoteSnapshot] = []
        let rows = try await connection.run("""
            SELECT snapshot::text FROM quotes WHERE customer_id = \(customerId) ORDER BY created_at DESC, quote_id LIMIT \(limit)
            """, logger: logger)
        for try await text in rows.decode(String.self) { quotes.append(try JSONCoding.decoder.decode(QuoteSnapshot.self, from: Data(text.utf8))) }
        return quotes
    }

    /// Open quotes past their date, locked for this replica.
    static func lockExpired(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [QuoteSnapshot] {
        var quotes: [QuoteSnapshot] = []
        let rows = try await connection.run("""
            SELECT snapshot::text FROM quotes WHERE status = 'open' AND valid_until <= now() ORDER BY valid_until LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        for try await text in rows.decode(String.self) { quotes.append(try JSONCoding.decoder.decode(QuoteSnapshot.self, from: Data(text.utf8))) }
        return quotes
    }

    private static func one(_ sql: PreparedSQL, on connection: PostgresConnection, logger: Logger) async throws -> QuoteSnapshot? {
        try await connection.run(sql, logger: logger).decode(String.self).first { _ in true }
            .map { try JSONCoding.decoder.decode(QuoteSnapshot.self, from: Data($0.utf8)) }
    }

    // MARK: Promotions read model

    static func upsert(_ upserted: PromotionUpserted, on connection: PostgresConnection, logger: Logger) async throws {
        let definition = String(decoding: try JSONCoding.encoder.encode(upserted.promotion), as: UTF8.self)
        try await connection.run("""
            INSERT INTO promotions (promotion_id, definition, version) VALUES (\(upserted.promotion.promotionId), \(definition)::jsonb, \(upserted.version))
            ON CONFLICT (promotion_id) DO UPDATE SET definition = excluded.definition, version = excluded.version
            WHERE promotions.version < excluded.version
            """, logger: logger)
    }

    static func promotions(on connection: PostgresConnection, logger: Logger) async throws -> [Promotion] {
        var promotions: [Promotion] = []
        let rows = try await connection.run("SELECT definition::text FROM promotions ORDER BY promotion_id", logger: logger)
        for try await text in rows.decode(String.self) { promotions.append(try JSONCoding.decoder.decode(Promotion.self, from: Data(text.utf8))) }
        return promotions
    }
}
