import Foundation

/// A prospect's form from any channel (web form, social lead ad, trade fair tablet...).
public struct SubmitLead: Codable, Sendable, Equatable {
    public var leadId: String
    public var identifiers: [CustomerIdentifier]
    public var contactName: String?
    public var company: String?
    public var need: String
    public var postalCode: String?
    public var country: String?
    public var budgetMinor: Int64?
    public var currency: String?
    /// Where the prospect came from: `social`, `web`, `field`...
    public var sourceChannel: String
    public var campaign: String?
    public init(leadId: String, identifiers: [CustomerIdentifier], contactName: String? = nil, company: String? = nil, need: String,
                postalCode: String? = nil, country: String? = nil, budgetMinor: Int64? = nil, currency: String? = nil,
                sourceChannel: String, campaign: String? = nil) {
        self.leadId = leadId
        self.identifiers = identifiers
        self.contactName = contactName
        self.company = company
        self.need = need
        self.postalCode = postalCode
        self.country = country
        self.budgetMinor = budgetMinor
        self.currency = currency
        self.sourceChannel = sourceChannel
        self.campaign = campaign
    }
}

/// A condition on a lead's fields, as data. `field`: company, need, postalCode, country,
/// budget (minor units), source, campaign, score. `op`: eq, in, prefix, contains, gte,
/// lte, present.
public struct LeadCondition: Codable, Sendable, Equatable {
    public var field: String
    public var op: String
    public var values: [String]
    public init(field: String, op: String, values: [String] = []) {
        self.field = field
        self.op = op
        self.values = values
    }

    private enum CodingKeys: String, CodingKey { case field, op, values }

    /// `values` may be left out: `present` needs none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        field = try container.decode(String.self, forKey: .field)
        op = try container.decode(String.self, forKey: .op)
        values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
    }
}

public struct LeadAssignee: Codable, Sendable, Equatable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case telesales, fieldRep = "field-rep", distributor, agent }
    public var kind: Kind
    public var id: String
    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// Points a lead earns when every condition holds.
public struct ScoringRule: Codable, Sendable, Equatable {
    public var ruleId: String
    public var conditions: [LeadCondition]
    public var points: Int
    public init(ruleId: String, conditions: [LeadCondition], points: Int) {
        self.ruleId = ruleId
        self.conditions = conditions
        self.points = points
    }
}

/// Where a lead goes when every condition holds; the lowest `priority` that matches wins.
/// `slaSeconds`: how long the assignee has to act (contact, qualify or disqualify, or
/// visit) before the lead is re-routed to `escalateTo` (the table's fallback when absent).
public struct RoutingRule: Codable, Sendable, Equatable {
    public var ruleId: String
    public var priority: Int
    public var conditions: [LeadCondition]
    public var assignee: LeadAssignee
    public var slaSeconds: Int?
    public var escalateTo: LeadAssignee?
    public init(ruleId: String, priority: Int, conditions: [LeadCondition], assignee: LeadAssignee, slaSeconds: Int? = nil, escalateTo: LeadAssignee? = nil) {
        self.ruleId = ruleId
        self.priority = priority
        self.conditions = conditions
        self.assignee = assignee
        self.slaSeconds = slaSeconds
        self.escalateTo = escalateTo
    }
}

/// Replaces the scoring and routing rule table (a business change, not a code change).
public struct SetLeadRules: Codable, Sendable, Equatable {
    public var scoring: [ScoringRule]
    public var routing: [RoutingRule]
    /// Who gets a lead no rule matches, and the leads whose assignee did not act in time.
    public var fallback: LeadAssignee
    /// The fallback's own time to act on a lead no rule matched (none when absent).
    public var fallbackSlaSeconds: Int?
    public init(scoring: [ScoringRule], routing: [RoutingRule], fallback: LeadAssignee, fallbackSlaSeconds: Int? = nil) {
        self.scoring = scoring
        self.routing = routing
        self.fallback = fallback
        self.fallbackSlaSeconds = fallbackSlaSeconds
    }
}

/// Where a lead stands: `new` until its assignee acts; `contacted`; `qualified` (a real
/// need, worth a quote); `disqualified` (with a reason; final); `converted` (the person
/// ordered; final).
public enum LeadStatus: String, Codable, Sendable, CaseIterable {
    case new, contacted, qualified, disqualified, converted
}

/// The assignee moves a lead on: contacted, qualified, or disqualified with a reason.
public struct AdvanceLead: Codable, Sendable, Equatable {
    public var leadId: String
    public var status: LeadStatus
    /// Who did it (the assignee's id, a staff member's name).
    public var by: String
    public var reason: String?
    public init(leadId: String, status: LeadStatus, by: String, reason: String? = nil) {
        self.leadId = leadId
        self.status = status
        self.by = by
        self.reason = reason
    }
}

/// A manager gives a lead to someone else; the new assignee gets the route's time to act.
public struct ReassignLead: Codable, Sendable, Equatable {
    public var leadId: String
    public var assignee: LeadAssignee
    public var by: String
    public var reason: String?
    public init(leadId: String, assignee: LeadAssignee, by: String, reason: String? = nil) {
        self.leadId = leadId
        self.assignee = assignee
        self.by = by
        self.reason = reason
    }
}

public struct LeadAdvanced: Codable, Sendable, Equatable {
    public var leadId: String
    public var customerId: String
    public var from: LeadStatus
    public var to: LeadStatus
    public var by: String
    public var reason: String?
    public var at: Date
    public init(leadId: String, customerId: String, from: LeadStatus, to: LeadStatus, by: String, reason: String?, at: Date) {
        self.leadId = leadId
        self.customerId = customerId
        self.from = from
        self.to = to
        self.by = by
        self.reason = reason
        self.at = at
    }
}

/// The lead changed hands: `sla-missed` (its assignee did not act in time: the timer gave
/// it to the route's escalation) or `manual` (`ReassignLead`). Notifications tell both:
/// the new assignee gets the lead, the previous one is told it went.
public struct LeadReassigned: Codable, Sendable, Equatable {
    public var leadId: String
    public var customerId: String
    public var from: LeadAssignee
    public var to: LeadAssignee
    public var reason: String
    public var by: String?
    public var note: String?
    /// When the new assignee must have acted (nil: no time limit).
    public var dueAt: Date?
    public var score: Int
    public var sourceChannel: String
    public var contactName: String?
    public var company: String?
    public var need: String
    public init(leadId: String, customerId: String, from: LeadAssignee, to: LeadAssignee, reason: String, by: String?, note: String?, dueAt: Date?,
                score: Int, sourceChannel: String, contactName: String?, company: String?, need: String) {
        self.leadId = leadId
        self.customerId = customerId
        self.from = from
        self.to = to
        self.reason = reason
        self.by = by
        self.note = note
        self.dueAt = dueAt
        self.score = score
        self.sourceChannel = sourceChannel
        self.contactName = contactName
        self.company = company
        self.need = need
    }
}

/// A visit or call by the assignee, recorded on the prospect's profile.
public struct RecordLeadVisit: Codable, Sendable, Equatable {
    public var leadId: String
    public var visitedBy: String
    public var notes: String
    public var visitedAt: Date?
    public init(leadId: String, visitedBy: String, notes: String, visitedAt: Date? = nil) {
        self.leadId = leadId
        self.visitedBy = visitedBy
        self.notes = notes
        self.visitedAt = visitedAt
    }
}

public struct LeadRulesChanged: Codable, Sendable, Equatable {
    public var version: Int
    public var rules: SetLeadRules
    public init(version: Int, rules: SetLeadRules) {
        self.version = version
        self.rules = rules
    }
}

/// The lead was scored and given to its follow-up (notifications tell the assignee and
/// acknowledge the prospect).
public struct LeadRouted: Codable, Sendable, Equatable {
    public var leadId: String
    public var customerId: String
    public var score: Int
    public var assignee: LeadAssignee
    /// The routing rule that matched, or nil for the fallback.
    public var ruleId: String?
    /// Why: the scoring rules that added points and the routing rule that matched.
    public var explanation: [String]
    public var sourceChannel: String
    public var contactName: String?
    public var company: String?
    public var need: String
    /// When the assignee must have acted before the lead is re-routed (nil: no time limit).
    public var dueAt: Date?
    public init(leadId: String, customerId: String, score: Int, assignee: LeadAssignee, ruleId: String?, explanation: [String],
                sourceChannel: String, contactName: String?, company: String?, need: String, dueAt: Date? = nil) {
        self.leadId = leadId
        self.customerId = customerId
        self.score = score
        self.assignee = assignee
        self.ruleId = ruleId
        self.explanation = explanation
        self.sourceChannel = sourceChannel
        self.contactName = contactName
        self.company = company
        self.need = need
        self.dueAt = dueAt
    }
}

public struct LeadVisitRecorded: Codable, Sendable, Equatable {
    public var leadId: String
    public var customerId: String
    public var visitedBy: String
    public var visitedAt: Date
    public init(leadId: String, customerId: String, visitedBy: String, visitedAt: Date) {
        self.leadId = leadId
        self.customerId = customerId
        self.visitedBy = visitedBy
        self.visitedAt = visitedAt
    }
}

public struct LeadConverted: Codable, Sendable, Equatable {
    public var leadId: String
    public var customerId: String
    public var orderId: String
    public init(leadId: String, customerId: String, orderId: String) {
        self.leadId = leadId
        self.customerId = customerId
        self.orderId = orderId
    }
}
