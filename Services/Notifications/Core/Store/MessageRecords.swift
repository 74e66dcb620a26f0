import Foundation
import NotificationsContracts
import PostgresNIO

/// Recipients and stores (read models) and the message log.
enum MessageRecords {
    struct Recipient: Sendable {
        var firstName: String?
        var locale: String?
        var email: String?
        var emailConsent: Bool?
    }

    static func recipient(_ customerId: String?, on connection: PostgresConnection, logger: Logger) async throws -> Recipient? {
        guard let customerId else { return nil }
        return try await connection.query("SELECT first_name, locale, email, email_consent FROM recipients WHERE customer_id = \(customerId)", logger: logger)
            .decode((String?, String?, String?, Bool?).self).first { _ in true }.map { Recipient(firstName: $0.0, locale: $0.1, email: $0.2, emailConsent: $0.3) }
    }

    /// Sets the given fields of a recipient (nil leaves a field as it is).
    static func upsertRecipient(_ customerId: String, firstName: String? = nil, locale: String? = nil, email: String? = nil, emailConsent: Bool? = nil,
                                on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO recipients (customer_id, first_name, locale, email, email_consent) VALUES (\(customerId), \(firstName), \(locale), \(email), \(emailConsent))
            ON CONFLICT (customer_id) DO UPDATE SET first_name = COALESCE(excluded.first_name, recipients.first_name),
                locale = COALESCE(excluded.locale, recipients.locale), email = COALESCE(excluded.email, recipients.email),
                email_consent = COALESCE(excluded.email_consent, recipients.email_consent), updated_at = now()
            """, logger: logger)
    }

    static func storeName(_ id: String?, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        guard let id else { return nil }
        return try await connection.query("SELECT name FROM stores WHERE location_id = \(id)", logger: logger).decode(String.self).first { _ in true }
    }

    struct Pending: Sendable {
        var messageId: UUID
        var event: NotificationEvent
        var address: String
        var subject: String
        var body: String
        var attempts: Int
    }

    /// Inserts the message once per dedupe key; false when it exists already.
    static func insert(_ event: NotificationEvent, dedupeKey: String, address: String?, subject: String?, body: String?, status: String,
                       on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("""
            INSERT INTO messages (message_id, dedupe_key, customer_id, trigger, template, locale, medium, address, subject, body, transactional, status, reason)
            VALUES (\(UUID(uuidString: event.messageId)!), \(dedupeKey), \(event.customerId), \(event.trigger), \(event.template), \(event.locale), \(event.medium),
                    \(address), \(subject), \(body), \(event.transactional), \(status), \(event.reason))
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Messages due for delivery, locked for this replica.
    static func claimDue(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Pending] {
        var due: [Pending] = []
        let rows = try await connection.query("""
            SELECT message_id, customer_id, trigger, template, locale, medium, transactional, address, subject, body, attempts FROM messages
            WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        for try await (id, customer, trigger, template, locale, medium, transactional, address, subject, body, attempts)
            in rows.decode((UUID, String?, String, String, String, String, Bool, String?, String?, String?, Int).self) {
            due.append(Pending(messageId: id, event: NotificationEvent(messageId: id.uuidString.lowercased(), customerId: customer, trigger: trigger, template: template,
                                                                       locale: locale, medium: medium, transactional: transactional),
                               address: address ?? "", subject: subject ?? "", body: body ?? "", attempts: attempts))
        }
        return due
    }

    static func mark(_ id: UUID, status: String, reason: String?, retryIn seconds: Double? = nil, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE messages SET status = \(status), reason = \(reason), attempts = attempts + 1,
                sent_at = CASE WHEN \(status) = 'sent' THEN now() ELSE sent_at END,
                next_attempt_at = now() + make_interval(secs => \(seconds ?? 0))
            WHERE message_id = \(id)
            """, logger: logger)
    }

    /// Forget me: contact data and bodies go; the log keeps what was sent when.
    static func erase(_ ids: [String], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM recipients WHERE customer_id = ANY(\(ids))", logger: logger)
        try await connection.query("UPDATE messages SET address = NULL, subject = NULL, body = NULL WHERE customer_id = ANY(\(ids))", logger: logger)
    }

    struct LogEntry: Codable, Sendable {
        var messageId: String
        var trigger: String
        var template: String
        var locale: String
        var medium: String
        var status: String
        var reason: String?
        var subject: String?
        var createdAt: Date
        var sentAt: Date?
    }

    static func log(_ customerId: String, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [LogEntry] {
        var entries: [LogEntry] = []
        let rows = try await connection.query("""
            SELECT message_id, trigger, template, locale, medium, status, reason, subject, created_at, sent_at FROM messages
            WHERE customer_id = \(customerId) ORDER BY created_at DESC LIMIT \(limit)
            """, logger: logger)
        for try await (id, trigger, template, locale, medium, status, reason, subject, created, sent)
            in rows.decode((UUID, String, String, String, String, String, String?, String?, Date, Date?).self) {
            entries.append(LogEntry(messageId: id.uuidString.lowercased(), trigger: trigger, template: template, locale: locale, medium: medium, status: status,
                                    reason: reason, subject: subject, createdAt: created, sentAt: sent))
        }
        return entries
    }
}
