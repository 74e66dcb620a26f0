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

    static func insert(_ lead: SubmitLead, customer: UUID, decision: LeadRules.Decision, rulesVersion: Int,
                       on connection: PostgresConnection, logger: Logger) async throws {
        let submitted = String(decoding: try JSONCoding.encoder.encode(lead), as: UTF8.self)
        let explanation = String(decoding: try JSONCoding.encoder.encode(decision.explanation), as: UTF8.self)
        try await connection.run("""
            INSERT INTO leads (lead_id, customer_id, submitted, score, assignee_kind, assignee_id, rule_id, rules_version, explanation, source_channel)
            VALUES (\(lead.leadId), \(customer), \(submitted)::jsonb, \(decision.score), \(decision.assignee.kind.rawValue), \(decision.assignee.id),
                    \(decision.ruleId), \(rulesVersion), \(explanation)::jsonb, \(lead.sourceChannel))
            """, logger: logger)
    }

    static func customer(ofLead leadId: String, on connection: PostgresConnection, logger: Logger) async throws -> UUID? {
        try await connection.run("SELECT customer_id FROM leads WHERE lead_id = \(leadId)", logger: logger).decode(UUID.self).first { _ in true }
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
        var status: String
        var convertedOrder: String?
        var submittedAt: Date
        var lead: SubmitLead?
        var visits: [Visit]
    }

    static func leads(id: String?, assignee: LeadAssignee?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [LeadView] {
        let rows = try await connection.run("""
            SELECT lead_id, customer_id, score, assignee_kind, assignee_id, rule_id, explanation::text, source_channel, status, converted_order,
                   submitted_at, submitted::text
            FROM leads WHERE (\(id)::text IS NULL OR lead_id = \(id))
              AND (\(assignee?.kind.rawValue)::text IS NULL OR (assignee_kind = \(assignee?.kind.rawValue) AND assignee_id = \(assignee?.id)))
            ORDER BY submitted_at DESC LIMIT \(limit)
            """, logger: logger)
        var views: [LeadView] = []
        for try await (leadId, customer, score, kind, assigneeId, rule, explanation, source, status, order, at, submitted)
            in rows.decode((String, UUID, Int, String, String, String?, String, String, String, String?, Date, String).self) {
            views.append(LeadView(
                leadId: leadId, customerId: customer.uuidString.lowercased(), score: score,
                assignee: LeadAssignee(kind: LeadAssignee.Kind(rawValue: kind) ?? .agent, id: assigneeId), ruleId: rule,
                explanation: (try? JSONCoding.decoder.decode([String].self, from: Data(explanation.utf8))) ?? [],
                sourceChannel: source, status: status, convertedOrder: order, submittedAt: at,
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
