import Foundation
import NotificationsContracts
import OmniPersistence
import PostgresNIO

/// The message log: one row per (trigger, subject, template), the delivery queue
/// (`pending` → `sending` → `sent` / `failed`), stores' names for templates.
enum MessageRecords {
    struct NewMessage: Sendable {
        var event: NotificationEvent
        var dedupeKey: String
        var address: String?
        var subject: String?
        var body: String?
        var status: String
        /// Not before (quiet hours, a reminder's date).
        var sendAt: Date?
        var campaignId: String?
        /// The journey it belongs to (the cause's correlation id).
        var correlation: String?
        /// The event that queued it.
        var causation: String?
        /// The person a message to staff is about (erased with them).
        var aboutCustomerId: String? = nil
    }

    /// Inserts the message once per dedupe key; false when it exists already.
    static func insert(_ message: NewMessage, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let event = message.event
        let rows = try await connection.run("""
            INSERT INTO messages (message_id, dedupe_key, customer_id, trigger, template, locale, medium, address, subject, body, transactional, status,
                                  reason, next_attempt_at, campaign_id, correlation_id, causation_id, about_customer_id)
            VALUES (\(UUID(uuidString: event.messageId)!), \(message.dedupeKey), \(event.customerId), \(event.trigger), \(event.template), \(event.locale),
                    \(event.medium), \(message.address), \(message.subject), \(message.body), \(event.transactional), \(message.status), \(event.reason),
                    COALESCE(\(message.sendAt), now()), \(message.campaignId), \(message.correlation), \(message.causation), \(message.aboutCustomerId))
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Marketing messages sent or queued for `customerId` over the last seven days.
    static func marketingThisWeek(_ customerId: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.run("""
            SELECT count(*)::int FROM messages WHERE customer_id = \(customerId) AND NOT transactional
                AND status IN ('pending', 'sending', 'sent') AND created_at > now() - interval '7 days'
            """, logger: logger).decode(Int.self).first { _ in true } ?? 0
    }

    /// A queued message that should no longer go (the parcel was collected before its
    /// reminder); true when one was cancelled.
    static func cancelPending(dedupeKey: String, reason: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.run("""
            UPDATE messages SET status = 'cancelled', reason = \(reason) WHERE dedupe_key = \(dedupeKey) AND status = 'pending' RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    struct Claimed: Sendable {
        var event: NotificationEvent
        var address: String
        var subject: String
        var body: String
        /// Attempts including this one.
        var attempts: Int
        var correlation: String?
        var causation: String?
    }

    /// Takes up to `limit` due messages for this replica and marks them `sending` (its own
    /// short transaction: nothing stays locked while providers are called).
    static func claimDue(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Claimed] {
        var claimed: [Claimed] = []
        let rows = try await connection.run("""
            UPDATE messages SET status = 'sending', claimed_at = now(), attempts = attempts + 1
            WHERE message_id IN (SELECT message_id FROM messages WHERE status = 'pending' AND next_attempt_at <= now()
                                 ORDER BY next_attempt_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING message_id, customer_id, trigger, template, locale, medium, transactional, address, subject, body, attempts, correlation_id,
                      causation_id
            """, logger: logger)
        for try await (id, customer, trigger, template, locale, medium, transactional, address, subject, body, attempts, correlation, causation)
            in rows.decode((UUID, String?, String, String, String, String, Bool, String?, String?, String?, Int, String?, String?).self) {
            claimed.append(Claimed(event: NotificationEvent(messageId: id.uuidString.lowercased(), customerId: customer, trigger: trigger, template: template,
                                                            locale: locale, medium: medium, transactional: transactional),
                                   address: address ?? "", subject: subject ?? "", body: body ?? "", attempts: attempts, correlation: correlation,
                                   causation: causation))
        }
        return claimed
    }

    /// A send's outcome, to record.
    struct Outcome {
        var messageId: UUID
        /// `sent`, `failed`, or `pending` again (retried in `retryIn` seconds).
        var status: String
        var reason: String?
        var retryIn: Double = 0
    }

    /// Records a batch's outcomes in one statement; the ids still this batch's (a row whose
    /// lease ran out was failed as `outcome-unknown` and is left alone).
    static func finish(_ outcomes: [Outcome], on connection: PostgresConnection, logger: Logger) async throws -> Set<UUID> {
        guard !outcomes.isEmpty else { return [] }
        let rows = try await connection.run("""
            UPDATE messages m SET status = o.status, reason = NULLIF(o.reason, ''),
                sent_at = CASE WHEN o.status = 'sent' THEN now() ELSE m.sent_at END,
                next_attempt_at = now() + make_interval(secs => o.retry_in)
            FROM unnest(\(outcomes.map(\.messageId)), \(outcomes.map(\.status)), \(outcomes.map { $0.reason ?? "" }), \(outcomes.map(\.retryIn)))
                 AS o (message_id, status, reason, retry_in)
            WHERE m.message_id = o.message_id AND m.status = 'sending'
            RETURNING m.message_id
            """, logger: logger)
        var recorded: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { recorded.insert(id) }
        return recorded
    }

    /// `sending` rows older than `lease`: the process died mid-send, so whether the provider
    /// took it is unknown. They fail rather than risk a second copy (at most once).
    static func failAbandoned(lease: Double, on connection: PostgresConnection, logger: Logger) async throws
        -> [(event: NotificationEvent, correlation: String?, causation: String?)] {
        var failed: [(event: NotificationEvent, correlation: String?, causation: String?)] = []
        let rows = try await connection.run("""
            UPDATE messages SET status = 'failed', reason = 'outcome-unknown'
            WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => \(lease))
            RETURNING message_id, customer_id, trigger, template, locale, medium, transactional, correlation_id, causation_id
            """, logger: logger)
        for try await (id, customer, trigger, template, locale, medium, transactional, correlation, causation)
            in rows.decode((UUID, String?, String, String, String, String, Bool, String?, String?).self) {
            failed.append((NotificationEvent(messageId: id.uuidString.lowercased(), customerId: customer, trigger: trigger, template: template, locale: locale,
                                             medium: medium, transactional: transactional, reason: "outcome-unknown"), correlation, causation))
        }
        return failed
    }

    static func storeName(_ id: String?, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await StoreRecords.find(id, on: connection, logger: logger)?.name
    }

    struct LogEntry: Codable, Sendable {
        var messageId: String
        var trigger: String
        var template: String
        var locale: String
        var medium: String
        var transactional: Bool
        var status: String
        var reason: String?
        var subject: String?
        var createdAt: Date
        var notBefore: Date
        var sentAt: Date?
    }

    static func log(_ customerId: String, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [LogEntry] {
        var entries: [LogEntry] = []
        let rows = try await connection.run("""
            SELECT message_id, trigger, template, locale, medium, transactional, status, reason, subject, created_at, next_attempt_at, sent_at FROM messages
            WHERE customer_id = \(customerId) ORDER BY created_at DESC LIMIT \(limit)
            """, logger: logger)
        for try await (id, trigger, template, locale, medium, transactional, status, reason, subject, created, notBefore, sent)
            in rows.decode((UUID, String, String, String, String, Bool, String, String?, String?, Date, Date, Date?).self) {
            entries.append(LogEntry(messageId: id.uuidString.lowercased(), trigger: trigger, template: template, locale: locale, medium: medium,
                                    transactional: transactional, status: status, reason: reason, subject: subject, createdAt: created, notBefore: notBefore,
                                    sentAt: sent))
        }
        return entries
    }
}
