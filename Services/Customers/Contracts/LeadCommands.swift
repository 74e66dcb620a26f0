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
public struct RoutingRule: Codable, Sendable, Equatable {
    public var ruleId: String
    public var priority: Int
    public var conditions: [LeadCondition]
    public var assignee: LeadAssignee
    public init(ruleId: String, priority: Int, conditions: [LeadCondition], assignee: LeadAssignee) {
        self.ruleId = ruleId
        self.priority = priority
        self.conditions = conditions
        self.assignee = assignee
    }
}

/// Replaces the scoring and routing rule table (a business change, not a code change).
public struct SetLeadRules: Codable, Sendable, Equatable {
    public var scoring: [ScoringRule]
    public var routing: [RoutingRule]
    /// Who gets a lead no rule matches.
    public var fallback: LeadAssignee
    public init(scoring: [ScoringRule], routing: [RoutingRule], fallback: LeadAssignee) {
        self.scoring = scoring
        self.routing = routing
        self.fallback = fallback
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
    public init(leadId: String, customerId: String, score: Int, assignee: LeadAssignee, ruleId: String?, explanation: [String],
                sourceChannel: String, contactName: String?, company: String?, need: String) {
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
