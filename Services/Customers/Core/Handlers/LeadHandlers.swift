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
        let route = LeadLifecycle.route(of: decision, rules: rules)
        let due = LeadLifecycle.due(from: context.command.time, slaSeconds: route.slaSeconds)
        try await LeadRecords.insert(lead, customer: customer, decision: decision, route: route, due: due, rulesVersion: version,
                                     cause: context.command, on: context.connection, logger: context.logger)
        let subject = customer.uuidString.lowercased()
        try await context.emit(CustomersType.leadRouted, LeadRouted(
            leadId: lead.leadId, customerId: subject, score: decision.score, assignee: decision.assignee, ruleId: decision.ruleId,
            explanation: decision.explanation, sourceChannel: lead.sourceChannel, contactName: lead.contactName, company: lead.company, need: lead.need,
            dueAt: due),
            subject: subject)
        try await ProfileHandlers.timeline(customer, context, kind: "lead",
                                           summary: "lead \(lead.leadId) from \(lead.sourceChannel): \(lead.need) → \(decision.assignee.kind.rawValue) \(decision.assignee.id)")
    }

    @Sendable static func setRules(_ rules: SetLeadRules, _ context: CommandContext) async throws {
        try LeadRules.validate(rules)
        try LeadLifecycle.validate(rules)
        let version = try await LeadRecords.saveRules(rules, on: context.connection, logger: context.logger)
        try await context.emit(CustomersType.leadRulesChanged, LeadRulesChanged(version: version, rules: rules), subject: "lead-rules")
    }

    @Sendable static func recordVisit(_ visit: RecordLeadVisit, _ context: CommandContext) async throws {
        guard !visit.visitedBy.isEmpty else { throw Rejection("missing-field", "a visit names who made it") }
        guard let lead = try await LeadRecords.lock(visit.leadId, on: context.connection, logger: context.logger) else {
            throw Rejection("unknown-lead", "no lead \(visit.leadId)")
        }
        let customer = lead.customer
        let time = visit.visitedAt ?? context.command.time
        try await LeadRecords.addVisit(visit, at: time, on: context.connection, logger: context.logger)
        let subject = customer.uuidString.lowercased()
        try await context.emit(CustomersType.leadVisitRecorded, LeadVisitRecorded(leadId: visit.leadId, customerId: subject, visitedBy: visit.visitedBy, visitedAt: time),
                               subject: subject)
        // A visit is the assignee acting: a new lead is now contacted, and its clock stops.
        if lead.status == .new {
            try await moveOn(lead, to: .contacted, by: visit.visitedBy, stored: nil, announced: "visit", at: time, context)
        }
        try await EngagementRecords.addToTimeline(customer, at: time, channel: "field", kind: "visit", summary: "visit by \(visit.visitedBy): \(visit.notes)",
                                                  reference: visit.leadId, messageID: context.command.id, on: context.connection, logger: context.logger)
    }

    /// The assignee moves the lead on (contacted, qualified, disqualified with a reason):
    /// its clock stops, and the step is an event and a line on the prospect's timeline.
    @Sendable static func advance(_ command: AdvanceLead, _ context: CommandContext) async throws {
        guard !command.by.trimmingCharacters(in: .whitespaces).isEmpty else { throw Rejection("missing-field", "a lead's step names who took it (by)") }
        guard let lead = try await LeadRecords.lock(command.leadId, on: context.connection, logger: context.logger) else {
            throw Rejection("unknown-lead", "no lead \(command.leadId)")
        }
        try LeadLifecycle.advance(from: lead.status, to: command.status, reason: command.reason)
        let reason = command.reason.map { String($0.prefix(500)) }
        try await moveOn(lead, to: command.status, by: command.by, stored: reason, announced: reason, at: context.command.time, context)
        try await ProfileHandlers.timeline(lead.customer, context, kind: "lead",
                                           summary: "lead \(lead.leadId) \(command.status.rawValue) by \(command.by)\(reason.map { ": \($0)" } ?? "")")
    }

    /// Writes a lead's step (its clock stops) and announces it: `stored` is the reason kept on
    /// the lead, `announced` the one `LeadAdvanced` gives.
    private static func moveOn(_ lead: LeadRecords.OpenLead, to status: LeadStatus, by: String, stored: String?, announced: String?, at time: Date,
                               _ context: CommandContext) async throws {
        try await LeadRecords.setStatus(lead.leadId, status, reason: stored, on: context.connection, logger: context.logger)
        let subject = lead.customer.uuidString.lowercased()
        try await context.emit(CustomersType.leadAdvanced, LeadAdvanced(leadId: lead.leadId, customerId: subject, from: lead.status, to: status,
                                                                        by: by, reason: announced, at: time), subject: subject)
    }

    /// A manager gives an open lead to someone else, who gets the route's time to act anew.
    @Sendable static func reassign(_ command: ReassignLead, _ context: CommandContext) async throws {
        guard !command.by.trimmingCharacters(in: .whitespaces).isEmpty else { throw Rejection("missing-field", "a reassignment names who made it (by)") }
        guard !command.assignee.id.isEmpty else { throw Rejection("missing-field", "the new assignee needs an id") }
        guard let lead = try await LeadRecords.lock(command.leadId, on: context.connection, logger: context.logger) else {
            throw Rejection("unknown-lead", "no lead \(command.leadId)")
        }
        guard LeadLifecycle.isOpen(lead.status) else {
            throw Rejection("lead-closed", "lead \(lead.leadId) is \(lead.status.rawValue): there is nothing left to do on it")
        }
        guard command.assignee != lead.assignee else { throw Rejection("same-assignee", "lead \(lead.leadId) is already \(command.assignee.id)'s") }
        let due = lead.status == .new ? LeadLifecycle.due(from: context.command.time, slaSeconds: lead.slaSeconds) : nil
        let escalateTo = lead.escalateTo == command.assignee ? nil : lead.escalateTo
        try await LeadRecords.assign(lead.leadId, to: command.assignee, due: due, escalateTo: escalateTo, cause: context.command,
                                     on: context.connection, logger: context.logger)
        try await context.emit(CustomersType.leadReassigned, LeadReassigned(lead, to: command.assignee, reason: "manual", by: command.by,
                                                                            note: command.reason.map { String($0.prefix(500)) }, due: due),
                               subject: lead.customer.uuidString.lowercased())
    }
}

extension LeadReassigned {
    /// `lead` given to `assignee`, with what the new assignee needs to know of it.
    init(_ lead: LeadRecords.OpenLead, to assignee: LeadAssignee, reason: String, by: String?, note: String?, due: Date?) {
        self.init(leadId: lead.leadId, customerId: lead.customer.uuidString.lowercased(), from: lead.assignee, to: assignee, reason: reason, by: by,
                  note: note, dueAt: due, score: lead.score, sourceChannel: lead.sourceChannel, contactName: lead.contactName,
                  company: lead.company, need: lead.need)
    }
}
