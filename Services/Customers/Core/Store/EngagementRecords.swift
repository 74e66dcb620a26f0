import CustomersContracts
import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// Consents, contact preferences, the loyalty ledger and the timeline.
enum EngagementRecords {
    static func addConsent(_ id: UUID, _ consent: RecordConsent, at time: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO consents (customer_id, medium, granted, channel, wording_version, recorded_at)
            VALUES (\(id), \(consent.medium.rawValue), \(consent.granted), \(consent.channel), \(consent.wordingVersion), \(time))
            """, logger: logger)
    }

    struct ConsentState: Codable, Sendable {
        var medium: String
        var granted: Bool
        var channel: String
        var wordingVersion: String
        var recordedAt: Date
    }

    /// The consent that applies per medium (the latest), or the whole history.
    static func consents(_ id: UUID, history: Bool, on connection: PostgresConnection, logger: Logger) async throws -> [ConsentState] {
        let rows = try await connection.run(history ? """
            SELECT medium, granted, channel, wording_version, recorded_at FROM consents WHERE customer_id = \(id) ORDER BY recorded_at, consent_id
            """ : """
            SELECT DISTINCT ON (medium) medium, granted, channel, wording_version, recorded_at FROM consents WHERE customer_id = \(id)
            ORDER BY medium, recorded_at DESC, consent_id DESC
            """, logger: logger)
        var result: [ConsentState] = []
        for try await (medium, granted, channel, wording, at) in rows.decode((String, Bool, String, String, Date).self) {
            result.append(ConsentState(medium: medium, granted: granted, channel: channel, wordingVersion: wording, recordedAt: at))
        }
        return result
    }

    static func setPreferences(_ id: UUID, medium: ContactMedium?, quietHours: QuietHours?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            UPDATE customers SET preferred_medium = COALESCE(\(medium?.rawValue), preferred_medium),
                quiet_start = COALESCE(\(quietHours?.start), quiet_start), quiet_end = COALESCE(\(quietHours?.end), quiet_end), updated_at = now()
            WHERE customer_id = \(id)
            """, logger: logger)
    }

    static func preferences(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ContactPreferencesChanged {
        let row = try await connection.run("""
            SELECT preferred_medium, quiet_start, quiet_end, time_zone FROM customers WHERE customer_id = \(id)
            """, logger: logger).decode((String?, String?, String?, String?).self).first { _ in true }
        let quiet: QuietHours? = if let start = row?.1, let end = row?.2 { QuietHours(start: start, end: end) } else { nil }
        return ContactPreferencesChanged(customerId: id.uuidString.lowercased(), preferredMedium: row?.0.flatMap(ContactMedium.init(rawValue:)),
                                         quietHours: quiet, timeZone: row?.3)
    }

    static func balance(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.run("SELECT COALESCE(sum(points), 0)::int FROM loyalty_ledger WHERE customer_id = \(id)", logger: logger)
            .decode(Int.self).first { _ in true } ?? 0
    }

    /// Adds a ledger entry; false when this (customer, kind, reference) was booked before.
    static func book(_ id: UUID, kind: LoyaltyChanged.Kind, points: Int, reason: String, reference: String,
                     on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.run("""
            INSERT INTO loyalty_ledger (customer_id, kind, points, reason, reference) VALUES (\(id), \(kind.rawValue), \(points), \(reason), \(reference))
            ON CONFLICT (customer_id, kind, reference) DO NOTHING RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Serialises point changes of one customer (balance checks would race otherwise).
    static func lockCustomer(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SELECT 1 FROM customers WHERE customer_id = \(id) FOR UPDATE", logger: logger)
    }

    static func addToTimeline(_ id: UUID, at time: Date, channel: String?, kind: String, summary: String, reference: String?, messageID: UUID?,
                              on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO timeline (customer_id, occurred_at, channel, kind, summary, reference, message_id)
            VALUES (\(id), \(time), \(channel), \(kind), \(summary), \(reference), \(messageID))
            """, logger: logger)
    }

    struct TimelineEntry: Codable, Sendable {
        var entryId: Int64
        var occurredAt: Date
        var channel: String?
        var kind: String
        var summary: String
        var reference: String?
    }

    /// Newest first; `before` is the `entryId` where the previous page ended.
    static func timeline(_ id: UUID, before: Int64?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [TimelineEntry] {
        let rows = try await connection.run("""
            SELECT entry_id, occurred_at, channel, kind, summary, reference FROM timeline
            WHERE customer_id = \(id) AND (\(before)::bigint IS NULL
                OR (occurred_at, entry_id) < (SELECT occurred_at, entry_id FROM timeline WHERE entry_id = \(before)))
            ORDER BY occurred_at DESC, entry_id DESC LIMIT \(limit)
            """, logger: logger)
        var entries: [TimelineEntry] = []
        for try await (entry, at, channel, kind, summary, reference) in rows.decode((Int64, Date, String?, String, String, String?).self) {
            entries.append(TimelineEntry(entryId: entry, occurredAt: at, channel: channel, kind: kind, summary: summary, reference: reference))
        }
        return entries
    }
}
