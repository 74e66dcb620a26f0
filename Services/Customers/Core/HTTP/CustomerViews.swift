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
        /// The latest movements (earned, redeemed, adjusted), newest first.
        var recentMovements: [LedgerEntry]
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
        /// Purchases from every channel, newest first (orders has each order whole).
        var recentOrders: [RecentOrder]
        /// Carts with lines on any device: under the customer's id or a linked session.
        var openCarts: [OpenCartRecords.OpenCart]
        var recentTimeline: [EngagementRecords.TimelineEntry]
    }

    struct RecentOrder: Codable, Sendable {
        var orderId: String
        var channel: String
        var totalMinor: Int64
        var currency: String
        var fulfilment: String?
        var placedAt: Date
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
        /// Their leads: the forms they filled, how they were scored and routed, the visits.
        var leads: [LeadRecords.LeadView]
        /// Their carts open on any device.
        var openCarts: [OpenCartRecords.OpenCart]
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

    /// Customers whose first and last name hold `name` (case-insensitive), at most 20: what a
    /// telesales agent types when the caller gives no phone, email or card.
    struct NameMatches: Codable, Sendable {
        struct Match: Codable, Sendable {
            var customerId: String
            var firstName: String?
            var lastName: String?
        }
        var customers: [Match]
    }

    func search(name: String) async throws -> NameMatches {
        let pattern = PreparedSQL.containing(name)
        let rows = try await database.query("""
            SELECT customer_id, first_name, last_name FROM customers
            WHERE status = 'active' AND (coalesce(first_name, '') || ' ' || coalesce(last_name, '')) ILIKE \(pattern)
            ORDER BY last_name NULLS LAST, first_name NULLS LAST, customer_id LIMIT 20
            """)
        return NameMatches(customers: try rows.map { row in
            let (id, first, last) = try row.decode((UUID, String?, String?).self)
            return NameMatches.Match(customerId: id.uuidString.lowercased(), firstName: first, lastName: last)
        })
    }

    func view(_ reference: CustomerReference) async throws -> CustomerView {
        try await database.withConnection { connection in
            let id = try await resolve(reference, on: connection)
            let entry = try await connection.run("SELECT entry_channel FROM customers WHERE customer_id = \(id)", logger: logger)
                .decode(String?.self).first { _ in true } ?? nil
            return CustomerView(
                customerId: id.uuidString.lowercased(),
                profile: try await CustomerRecords.profile(id, on: connection, logger: logger),
                entryChannel: entry,
                formerIds: try await CustomerRecords.formerIds(of: id, on: connection, logger: logger).map { $0.uuidString.lowercased() },
                consents: try await EngagementRecords.consents(id, history: false, on: connection, logger: logger),
                preferences: try await EngagementRecords.preferences(id, on: connection, logger: logger),
                loyalty: Loyalty(balance: try await EngagementRecords.balance(id, on: connection, logger: logger),
                                 recentMovements: try await recentMovements(id, on: connection)),
                segments: try await SegmentRecords.memberships(id, on: connection, logger: logger).sorted(),
                recentOrders: try await recentOrders(id, on: connection),
                openCarts: try await OpenCartRecords.carts(of: id, on: connection, logger: logger),
                recentTimeline: try await EngagementRecords.timeline(id, before: nil, limit: 10, on: connection, logger: logger))
        }
    }

    private func recentMovements(_ id: UUID, on connection: PostgresConnection) async throws -> [LedgerEntry] {
        let rows = try await connection.run("""
            SELECT kind, points, reason, reference, recorded_at FROM loyalty_ledger WHERE customer_id = \(id) ORDER BY entry_id DESC LIMIT 10
            """, logger: logger)
        var entries: [LedgerEntry] = []
        for try await (kind, points, reason, reference, at) in rows.decode((String, Int, String, String, Date).self) {
            entries.append(LedgerEntry(kind: kind, points: points, reason: reason, reference: reference, recordedAt: at))
        }
        return entries
    }

    private func recentOrders(_ id: UUID, on connection: PostgresConnection) async throws -> [RecentOrder] {
        let rows = try await connection.run("""
            SELECT order_id, channel, amount_minor, currency, fulfilment, occurred_at FROM purchases
            WHERE customer_id = \(id) AND reference = order_id ORDER BY occurred_at DESC LIMIT 10
            """, logger: logger)
        var orders: [RecentOrder] = []
        for try await (order, channel, amount, currency, fulfilment, at) in rows.decode((String, String, Int64, String, String?, Date).self) {
            orders.append(RecentOrder(orderId: order, channel: channel, totalMinor: amount, currency: currency, fulfilment: fulfilment, placedAt: at))
        }
        return orders
    }

    func timeline(_ reference: CustomerReference, before: Int64?, limit: Int) async throws -> TimelinePage {
        try await database.withConnection { connection in
            let id = try await resolve(reference, on: connection)
            let entries = try await EngagementRecords.timeline(id, before: before, limit: limit, on: connection, logger: logger)
            return TimelinePage(customerId: id.uuidString.lowercased(), entries: entries, nextBefore: entries.count == limit ? entries.last?.entryId : nil)
        }
    }

    func consents(_ reference: CustomerReference, history: Bool) async throws -> [EngagementRecords.ConsentState] {
        try await database.withConnection { connection in
            try await EngagementRecords.consents(try await resolve(reference, on: connection), history: history, on: connection, logger: logger)
        }
    }

    func export(_ reference: CustomerReference) async throws -> Export {
        try await database.withConnection { connection in
            let id = try await resolve(reference, on: connection)
            let rows = try await connection.run("""
                SELECT kind, points, reason, reference, recorded_at FROM loyalty_ledger WHERE customer_id = \(id) ORDER BY entry_id
                """, logger: logger)
            var ledger: [LedgerEntry] = []
            for try await (kind, points, reason, reference, at) in rows.decode((String, Int, String, String, Date).self) {
                ledger.append(LedgerEntry(kind: kind, points: points, reason: reason, reference: reference, recordedAt: at))
            }
            let entry = try await connection.run("SELECT entry_channel FROM customers WHERE customer_id = \(id)", logger: logger)
                .decode(String?.self).first { _ in true } ?? nil
            return Export(
                exportedAt: Date(), customerId: id.uuidString.lowercased(),
                profile: try await CustomerRecords.profile(id, on: connection, logger: logger), entryChannel: entry,
                formerIds: try await CustomerRecords.formerIds(of: id, on: connection, logger: logger).map { $0.uuidString.lowercased() },
                consentHistory: try await EngagementRecords.consents(id, history: true, on: connection, logger: logger),
                preferences: try await EngagementRecords.preferences(id, on: connection, logger: logger),
                loyaltyLedger: ledger,
                timeline: try await EngagementRecords.timeline(id, before: nil, limit: 10_000, on: connection, logger: logger),
                leads: try await LeadRecords.leads(id: nil, assignee: nil, customer: id, limit: 10_000, on: connection, logger: logger),
                openCarts: try await OpenCartRecords.carts(of: id, on: connection, logger: logger))
        }
    }
}
