import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime

/// Leads before they are customers: scored and routed by the rule table, visits recorded
/// on the prospect's profile.
enum LeadHandlers {
    @Sendable static func submit(_ lead: SubmitLead, _ context: CommandContext) async throws {
        guard !lead.leadId.isEmpty else { throw Rejection("missing-field", "a lead needs a leadId") }
        guard !lead.need.trimmingCharacters(in: .whitespaces).isEmpty else { throw Rejection("missing-field", "a lead needs the prospect's need") }
        guard !lead.sourceChannel.isEmpty else { throw Rejection("missing-field", "a lead needs its source channel") }
        if let budget = lead.budgetMinor {
            guard budget >= 0 else { throw Rejection("invalid-budget", "a budget cannot be negative") }
            guard budget <= Currency.maxAmountMinor else { throw Rejection("invalid-budget", "a budget is at most \(Currency.maxAmountMinor) minor units") }
            guard let currency = lead.currency, Currency.isKnown(currency) else {
                throw Rejection("unknown-currency", "a budget needs a known ISO 4217 currency, got \(lead.currency ?? "none")")
            }
        }
        guard try await !LeadRecords.exists(lead.leadId, on: context.connection, logger: context.logger) else {
            throw Rejection("lead-exists", "lead \(lead.leadId) was submitted before")
        }
        let nameParts = lead.contactName?.split(separator: " ", maxSplits: 1).map(String.init) ?? []
        let fields = ProfileFields(firstName: nameParts.first, lastName: nameParts.count > 1 ? nameParts[1] : nil)
        let customer = try await ProfileHandlers.resolveOrCreate(lead.identifiers, profile: nameParts.isEmpty ? nil : fields, context)
        let (version, rules) = try await LeadRecords.currentRules(on: context.connection, logger: context.logger)
        let decision = LeadRules.decide(lead, rules: rules)
        try await LeadRecords.insert(lead, customer: customer, decision: decision, rulesVersion: version, on: context.connection, logger: context.logger)
        let subject = customer.uuidString.lowercased()
        try await context.emit(CustomersType.leadRouted, LeadRouted(
            leadId: lead.leadId, customerId: subject, score: decision.score, assignee: decision.assignee, ruleId: decision.ruleId,
            explanation: decision.explanation, sourceChannel: lead.sourceChannel, contactName: lead.contactName, company: lead.company, need: lead.need),
            subject: subject)
        try await ProfileHandlers.timeline(customer, context, kind: "lead",
                                           summary: "lead \(lead.leadId) from \(lead.sourceChannel): \(lead.need) → \(decision.assignee.kind.rawValue) \(decision.assignee.id)")
    }

    @Sendable static func setRules(_ rules: SetLeadRules, _ context: CommandContext) async throws {
        try LeadRules.validate(rules)
        let version = try await LeadRecords.saveRules(rules, on: context.connection, logger: context.logger)
        try await context.emit(CustomersType.leadRulesChanged, LeadRulesChanged(version: version, rules: rules), subject: "lead-rules")
    }

    @Sendable static func recordVisit(_ visit: RecordLeadVisit, _ context: CommandContext) async throws {
        guard !visit.visitedBy.isEmpty else { throw Rejection("missing-field", "a visit names who made it") }
        guard let customer = try await LeadRecords.customer(ofLead: visit.leadId, on: context.connection, logger: context.logger) else {
            throw Rejection("unknown-lead", "no lead \(visit.leadId)")
        }
        let time = visit.visitedAt ?? context.command.time
        try await LeadRecords.addVisit(visit, at: time, on: context.connection, logger: context.logger)
        let subject = customer.uuidString.lowercased()
        try await context.emit(CustomersType.leadVisitRecorded, LeadVisitRecorded(leadId: visit.leadId, customerId: subject, visitedBy: visit.visitedBy, visitedAt: time),
                               subject: subject)
        try await EngagementRecords.addToTimeline(customer, at: time, channel: "field", kind: "visit", summary: "visit by \(visit.visitedBy): \(visit.notes)",
                                                  reference: visit.leadId, messageID: context.command.id, on: context.connection, logger: context.logger)
    }
}
