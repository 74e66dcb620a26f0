import CustomersContracts
import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// Leads and the versioned rule table.
enum LeadRecords {
    /// Until the business sets rules, every lead goes to the telesales queue.
    static let defaultRules = SetLeadRules(scoring: [], routing: [], fallback: LeadAssignee(kind: .telesales, id: "queue"))

    static func currentRules(on connection: PostgresConnection, logger: Logger) async throws -> (version: Int, rules: SetLeadRules) {
        let row = try await connection.run("SELECT version, rules::text FROM lead_rules ORDER BY version DESC LIMIT 1", logger: logger)
            .decode((Int, String).self).first { _ in true }
        guard let (version, text) = row else { return (0, defaultRules) }
        return (version, try JSONCoding.decoder.decode(SetLeadRules.self, from: Data(text.utf8)))
    }

    static func saveRules(_ rules: SetLeadRules, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let text = String(decoding: try JSONCoding.encoder.encode(rules), as: UTF8.self)
        try await connection.run("LOCK TABLE lead_rules IN EXCLUSIVE MODE", logger: logger)
        return try await connection.run("""
            INSERT INTO lead_rules (version, rules) SELECT COALESCE(max(version), 0) + 1, \(text)::jsonb FROM lead_rules RETURNING version
            """, logger: logger).decode(Int.self).first { _ in true } ?? 1
    }

    static func exists(_ leadId: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.run("SELECT 1 FROM leads WHERE lead_id = \(leadId)", logger: logger).decode(Int.self).first { _ in true } != nil
    }

    static func insert(_ lead: SubmitLead, customer: UUID, decision: LeadRules.Decision, route: LeadLifecycle.Route, due: Date?, rulesVersion: Int,
                       cause: CloudEvent, on connection: PostgresConnection, logger: Logger) async throws {
        let causeId = cause.id.uuidString.lowercased(), correlationId = cause.correlationID ?? causeId
        let submitted = String(decoding: try JSONCoding.encoder.encode(lead), as: UTF8.self)
        let explanation = String(decoding: try JSONCoding.encoder.encode(decision.explanation), as: UTF8.self)
        try await connection.run("""
            INSERT INTO leads (lead_id, customer_id, submitted, score, assignee_kind, assignee_id, rule_id, rules_version, explanation, source_channel,
                               sla_seconds, due_at, escalate_kind, escalate_id, cause_id, correlation_id)
            VALUES (\(lead.leadId), \(customer), \(submitted)::jsonb, \(decision.score), \(decision.assignee.kind.rawValue), \(decision.assignee.id),
                    \(decision.ruleId), \(rulesVersion), \(explanation)::jsonb, \(lead.sourceChannel), \(route.slaSeconds), \(due),
                    \(route.escalateTo?.kind.rawValue), \(route.escalateTo?.id), \(causeId), \(correlationId))
            """, logger: logger)
    }

    /// A lead as its steps need it, locked for the transaction.
    struct OpenLead: Sendable {
        var leadId: String
        var customer: UUID
        var status: LeadStatus
        var assignee: LeadAssignee
        var score: Int
        var sourceChannel: String
        var slaSeconds: Int?
        var escalateTo: LeadAssignee?
        var contactName: String?
        var company: String?
        var need: String
        /// The message that last gave it to its assignee, and its journey.
        var causeId: String?
        var correlationId: String?
    }

    private static let openLeadColumns = """
        lead_id, customer_id, status, assignee_kind, assignee_id, score, source_channel, sla_seconds, escalate_kind, escalate_id,
        submitted->>'contactName', submitted->>'company', COALESCE(submitted->>'need', ''), cause_id, correlation_id
        """

    private static func openLeads(_ rows: PostgresRows) async throws -> [OpenLead] {
        var leads: [OpenLead] = []
        for try await (id, customer, status, kind, assigneeId, score, source, sla, escalateKind, escalateId, name, company, need, cause, correlation)
            in rows.decode((String, UUID, String, String, String, Int, String, Int?, String?, String?, String?, String?, String, String?, String?).self) {
            leads.append(OpenLead(
                leadId: id, customer: customer, status: LeadStatus(rawValue: status) ?? .new,
                assignee: LeadAssignee(kind: LeadAssignee.Kind(rawValue: kind) ?? .agent, id: assigneeId), score: score, sourceChannel: source, slaSeconds: sla,
                escalateTo: escalateKind.flatMap(LeadAssignee.Kind.init(rawValue:)).flatMap { kind in escalateId.map { LeadAssignee(kind: kind, id: $0) } },
                contactName: name, company: company, need: need, causeId: cause, correlationId: correlation))
        }
        return leads
    }

    static func lock(_ leadId: String, on connection: PostgresConnection, logger: Logger) async throws -> OpenLead? {
        try await openLeads(connection.run("SELECT \(unescaped: openLeadColumns) FROM leads WHERE lead_id = \(leadId) FOR UPDATE", logger: logger)).first
    }

    /// Untouched leads past their time that have somewhere to go, oldest first; replicas
    /// share the work (`SKIP LOCKED`).
    static func lockOverdue(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [OpenLead] {
        try await openLeads(connection.run("""
            SELECT \(unescaped: openLeadColumns) FROM leads
            WHERE status = 'new' AND due_at <= now() AND escalate_id IS NOT NULL
            ORDER BY due_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger))
    }

    static func setStatus(_ leadId: String, _ status: LeadStatus, reason: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            UPDATE leads SET status = \(status.rawValue), status_reason = \(reason), status_changed_at = now(), due_at = NULL WHERE lead_id = \(leadId)
            """, logger: logger)
    }

    /// Gives the lead to `assignee`, who must act by `due`; `escalateTo` is where it goes if not.
    static func assign(_ leadId: String, to assignee: LeadAssignee, due: Date?, escalateTo: LeadAssignee?, cause: CloudEvent?,
                       on connection: PostgresConnection, logger: Logger) async throws {
        let causeId = cause?.id.uuidString.lowercased(), correlationId = cause.map { $0.correlationID ?? $0.id.uuidString.lowercased() }
        try await connection.run("""
            UPDATE leads SET assignee_kind = \(assignee.kind.rawValue), assignee_id = \(assignee.id), assigned_at = now(), due_at = \(due),
                escalate_kind = \(escalateTo?.kind.rawValue), escalate_id = \(escalateTo?.id), reassignments = reassignments + 1,
                cause_id = COALESCE(\(causeId), cause_id), correlation_id = COALESCE(\(correlationId), correlation_id)
            WHERE lead_id = \(leadId)
            """, logger: logger)
    }

    static func addVisit(_ visit: RecordLeadVisit, at time: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO lead_visits (lead_id, visited_by, notes, visited_at) VALUES (\(visit.leadId), \(visit.visitedBy), \(visit.notes), \(time))
            """, logger: logger)
    }

    struct LeadView: Codable, Sendable {
        struct Visit: Codable, Sendable { var visitedBy: String; var notes: String; var visitedAt: Date }
        var leadId: String
        var customerId: String
        var score: Int
        var assignee: LeadAssignee
        var ruleId: String?
        var explanation: [String]
        var sourceChannel: String
        var status: LeadStatus
        var statusReason: String?
        var convertedOrder: String?
        var submittedAt: Date
        var assignedAt: Date
        /// Seconds since it was submitted.
        var ageSeconds: Int
        /// When the assignee must have acted (a `new` lead with a time to act), and the
        /// seconds left (negative: late).
        var dueAt: Date?
        var slaLeftSeconds: Int?
        var reassignments: Int
        var lead: SubmitLead?
        var visits: [Visit]
    }

    /// Leads by id or assignee, newest first; `queue`: only the assignee's open ones, the
    /// most urgent first (due soonest, then oldest), as their work list.
    static func leads(id: String?, assignee: LeadAssignee?, queue: Bool = false, customer: UUID? = nil, limit: Int, on connection: PostgresConnection,
                      logger: Logger) async throws -> [LeadView] {
        let order = queue ? "due_at ASC NULLS LAST, submitted_at ASC" : "submitted_at DESC"
        let rows = try await connection.run("""
            SELECT lead_id, customer_id, score, assignee_kind, assignee_id, rule_id, explanation::text, source_channel, status, status_reason,
                   converted_order, submitted_at, assigned_at, due_at, reassignments, submitted::text,
                   GREATEST(extract(epoch FROM now() - submitted_at), 0)::bigint
            FROM leads WHERE (\(id)::text IS NULL OR lead_id = \(id))
              AND (\(assignee?.kind.rawValue)::text IS NULL OR (assignee_kind = \(assignee?.kind.rawValue) AND assignee_id = \(assignee?.id)))
              AND (NOT \(queue) OR status IN ('new', 'contacted', 'qualified'))
              AND (\(customer)::uuid IS NULL OR customer_id = \(customer))
            ORDER BY \(unescaped: order) LIMIT \(limit)
            """, logger: logger)
        var views: [LeadView] = []
        let now = Date()
        for try await (leadId, customer, score, kind, assigneeId, rule, explanation, source, status, reason, order, at, assignedAt, due, reassignments, submitted, age)
            in rows.decode((String, UUID, Int, String, String, String?, String, String, String, String?, String?, Date, Date, Date?, Int, String, Int64).self) {
            views.append(LeadView(
                leadId: leadId, customerId: customer.uuidString.lowercased(), score: score,
                assignee: LeadAssignee(kind: LeadAssignee.Kind(rawValue: kind) ?? .agent, id: assigneeId), ruleId: rule,
                explanation: (try? JSONCoding.decoder.decode([String].self, from: Data(explanation.utf8))) ?? [],
                sourceChannel: source, status: LeadStatus(rawValue: status) ?? .new, statusReason: reason, convertedOrder: order, submittedAt: at, assignedAt: assignedAt,
                ageSeconds: Int(age), dueAt: due, slaLeftSeconds: due.map { Int($0.timeIntervalSince(now).rounded(.down)) }, reassignments: reassignments,
                lead: try? JSONCoding.decoder.decode(SubmitLead.self, from: Data(submitted.utf8)), visits: []))
        }
        for index in views.indices {
            let visits = try await connection.run("""
                SELECT visited_by, notes, visited_at FROM lead_visits WHERE lead_id = \(views[index].leadId) ORDER BY visited_at
                """, logger: logger)
            for try await (by, notes, at) in visits.decode((String, String, Date).self) {
                views[index].visits.append(.init(visitedBy: by, notes: notes, visitedAt: at))
            }
        }
        return views
    }
}
