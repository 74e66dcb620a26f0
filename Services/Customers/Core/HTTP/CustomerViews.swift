import CustomersContracts
import Foundation
import Hummingbird
import OmniMessaging
import OmniPersistence
import OmniRuntime
import PostgresNIO

/// The read models behind `CustomersRoutes`.
struct CustomerViews: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    struct Loyalty: Codable, Sendable {
        var balance: Int
    }

    /// Everything a telesales agent needs from one lookup (J7).
    struct CustomerView: Codable, Sendable {
        var customerId: String
        var profile: CustomerProfile
        var entryChannel: String?
        var formerIds: [String]
        var consents: [EngagementRecords.ConsentState]
        var preferences: ContactPreferencesChanged
        var loyalty: Loyalty
        var segments: [String]
        var recentTimeline: [EngagementRecords.TimelineEntry]
    }

    struct LedgerEntry: Codable, Sendable {
        var kind: String
        var points: Int
        var reason: String
        var reference: String
        var recordedAt: Date
    }

    /// All data held on a person (GDPR access request).
    struct Export: Codable, Sendable {
        var exportedAt: Date
        var customerId: String
        var profile: CustomerProfile
        var entryChannel: String?
        var formerIds: [String]
        var consentHistory: [EngagementRecords.ConsentState]
        var preferences: ContactPreferencesChanged
        var loyaltyLedger: [LedgerEntry]
        var timeline: [EngagementRecords.TimelineEntry]
    }

    struct TimelinePage: Codable, Sendable {
        var customerId: String
        var entries: [EngagementRecords.TimelineEntry]
        /// Pass as `before` for the next page; absent on the last page.
        var nextBefore: Int64?
    }

    func resolve(_ reference: CustomerReference, on connection: PostgresConnection) async throws -> UUID {
        do {
            return try await CustomerRecords.resolve(reference, on: connection, logger: logger)
        } catch let rejection as Rejection {
            switch rejection.code {
            case "unknown-customer": throw ProblemDetails(status: .notFound, title: "Unknown customer", detail: rejection.message)
            case "customer-erased": throw ProblemDetails(status: .gone, title: "Customer erased", detail: rejection.message)
            default: throw ProblemDetails(status: .badRequest, title: "Invalid identifier", detail: rejection.message, errors: [rejection.code: rejection.message])
            }
        }
    }

    func view(_ reference: CustomerReference) async throws -> CustomerView {
        try await database.client.withConnection { connection in
            let id = try await resolve(reference, on: connection)
            let entry = try await connection.query("SELECT entry_channel FROM customers WHERE customer_id = \(id)", logger: logger)
                .decode(String?.self).first { _ in true } ?? nil
            return CustomerView(
                customerId: id.uuidString.lowercased(),
                profile: try await CustomerRecords.profile(id, on: connection, logger: logger),
                entryChannel: entry,
                formerIds: try await CustomerRecords.formerIds(of: id, on: connection, logger: logger).map { $0.uuidString.lowercased() },
                consents: try await EngagementRecords.consents(id, history: false, on: connection, logger: logger),
                preferences: try await EngagementRecords.preferences(id, on: connection, logger: logger),
                loyalty: Loyalty(balance: try await EngagementRecords.balance(id, on: connection, logger: logger)),
                segments: try await SegmentRecords.memberships(id, on: connection, logger: logger).sorted(),
                recentTimeline: try await EngagementRecords.timeline(id, before: nil, limit: 10, on: connection, logger: logger))
        }
    }

    func timeline(_ reference: CustomerReference, before: Int64?, limit: Int) async throws -> TimelinePage {
        try await database.client.withConnection { connection in
            let id = try await resolve(reference, on: connection)
            let entries = try await EngagementRecords.timeline(id, before: before, limit: limit, on: connection, logger: logger)
            return TimelinePage(customerId: id.uuidString.lowercased(), entries: entries, nextBefore: entries.count == limit ? entries.last?.entryId : nil)
        }
    }

    func consents(_ reference: CustomerReference, history: Bool) async throws -> [EngagementRecords.ConsentState] {
        try await database.client.withConnection { connection in
            try await EngagementRecords.consents(try await resolve(reference, on: connection), history: history, on: connection, logger: logger)
        }
    }

    func export(_ reference: CustomerReference) async throws -> Export {
        try await database.client.withConnection { connection in
            let id = try await resolve(reference, on: connection)
            let rows = try await connection.query("""
                SELECT kind, points, reason, reference, recorded_at FROM loyalty_ledger WHERE customer_id = \(id) ORDER BY entry_id
                """, logger: logger)
            var ledger: [LedgerEntry] = []
            for try await (kind, points, reason, reference, at) in rows.decode((String, Int, String, String, Date).self) {
                ledger.append(LedgerEntry(kind: kind, points: points, reason: reason, reference: reference, recordedAt: at))
            }
            let entry = try await connection.query("SELECT entry_channel FROM customers WHERE customer_id = \(id)", logger: logger)
                .decode(String?.self).first { _ in true } ?? nil
            return Export(
                exportedAt: Date(), customerId: id.uuidString.lowercased(),
                profile: try await CustomerRecords.profile(id, on: connection, logger: logger), entryChannel: entry,
                formerIds: try await CustomerRecords.formerIds(of: id, on: connection, logger: logger).map { $0.uuidString.lowercased() },
                consentHistory: try await EngagementRecords.consents(id, history: true, on: connection, logger: logger),
                preferences: try await EngagementRecords.preferences(id, on: connection, logger: logger),
                loyaltyLedger: ledger,
                timeline: try await EngagementRecords.timeline(id, before: nil, limit: 10_000, on: connection, logger: logger))
        }
    }
}
