import CustomersContracts
import Foundation
import Logging
import OmniMessaging
import OmniPersistence
import OmniRuntime
import ServiceLifecycle

/// Re-routes leads nobody acted on in time: every `interval` it locks the `new` leads past
/// their due date that have an escalation (`SKIP LOCKED`, so replicas share the work) and
/// gives each to it, with `LeadReassigned` (`sla-missed`) in the same transaction; the new
/// assignee has no time limit (it escalates once).
final class LeadDeadlines: Service, Sendable {
    private let database: Database
    private let logger: Logger
    private let interval: Duration

    init(database: Database, logger: Logger, interval: Duration) {
        self.database = database
        self.logger = logger
        self.interval = interval
    }

    /// `OMNI_CUSTOMERS_LEAD_SLA_CHECK_SECONDS` (30 by default): how often late leads are looked for.
    static func interval(_ environment: [String: String]) -> Duration {
        .seconds(environment["OMNI_CUSTOMERS_LEAD_SLA_CHECK_SECONDS"].flatMap(Int.init).map { min(max($0, 1), 3_600) } ?? 30)
    }

    func run() async throws {
        await repeatUntilShutdown(every: interval, logger: logger, what: "lead deadlines") {
            while try await self.escalateOverdue(limit: 100) == 100 {}
        }
    }

    /// Re-routes up to `limit` late leads; returns how many.
    func escalateOverdue(limit: Int) async throws -> Int {
        let logger = self.logger
        return try await database.withTransaction { connection in
            let late = try await LeadRecords.lockOverdue(limit: limit, on: connection, logger: logger)
            for lead in late {
                guard let target = lead.escalateTo else { continue }
                try await LeadRecords.assign(lead.leadId, to: target, due: nil, escalateTo: nil, cause: nil, on: connection, logger: logger)
                let emitter = OutboxEmitter(connection: connection, logger: logger, service: .customers, correlation: lead.correlationId ?? lead.leadId,
                                            causation: lead.causeId)
                try await emitter.emit(CustomersType.leadReassigned, LeadReassigned(lead, to: target, reason: "sla-missed", by: nil, note: nil, due: nil),
                                       subject: lead.customer.uuidString.lowercased())
            }
            if !late.isEmpty { logger.info("late leads re-routed", metadata: ["count": "\(late.count)"]) }
            return late.count
        }
    }
}
