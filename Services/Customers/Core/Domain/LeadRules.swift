import CustomersContracts
import OmniMessaging

/// Lead scoring and routing, as data: a lead earns the points of every scoring rule whose
/// conditions all hold; it goes to the assignee of the matching routing rule with the
/// lowest priority (conditions may test the score), else to the fallback.
public enum LeadRules {
    public static let fields: Set<String> = ["company", "need", "postalCode", "country", "budget", "source", "campaign", "score"]
    public static let operators: Set<String> = ["eq", "in", "prefix", "contains", "gte", "lte", "present"]

    public struct Decision: Sendable, Equatable {
        public var score: Int
        public var assignee: LeadAssignee
        public var ruleId: String?
        public var explanation: [String]
    }

    public static func decide(_ lead: SubmitLead, rules: SetLeadRules) -> Decision {
        var score = 0
        var explanation: [String] = []
        for rule in rules.scoring where rule.conditions.allSatisfy({ holds($0, lead, score: nil) }) {
            // Saturating: a table stored before `validate` bounded its points must not trap.
            let (sum, overflow) = score.addingReportingOverflow(rule.points)
            score = overflow ? (rule.points > 0 ? .max : .min) : sum
            explanation.append("\(rule.ruleId): \(rule.points >= 0 ? "+" : "")\(rule.points)")
        }
        let routing = rules.routing.sorted { ($0.priority, $0.ruleId) < ($1.priority, $1.ruleId) }
        if let match = routing.first(where: { $0.conditions.allSatisfy { holds($0, lead, score: score) } }) {
            explanation.append("routed by \(match.ruleId) to \(match.assignee.kind.rawValue) \(match.assignee.id)")
            return Decision(score: score, assignee: match.assignee, ruleId: match.ruleId, explanation: explanation)
        }
        explanation.append("no routing rule matched: fallback \(rules.fallback.kind.rawValue) \(rules.fallback.id)")
        return Decision(score: score, assignee: rules.fallback, ruleId: nil, explanation: explanation)
    }

    /// A rule table the engine can run: known fields and operators, numbers where numbers are compared.
    /// Points one scoring rule may give or take, and the most rules a table holds: with
    /// them no score can overflow, whatever the table.
    public static let maxRulePoints = 10_000
    public static let maxRules = 500

    public static func validate(_ rules: SetLeadRules) throws(Rejection) {
        guard rules.scoring.count <= maxRules, rules.routing.count <= maxRules else {
            throw Rejection("invalid-rule", "at most \(maxRules) scoring and \(maxRules) routing rules")
        }
        if let rule = rules.scoring.first(where: { !(-maxRulePoints...maxRulePoints).contains($0.points) }) {
            throw Rejection("invalid-rule", "\(rule.ruleId): points must be from -\(maxRulePoints) to \(maxRulePoints), got \(rule.points)")
        }
        let conditions = rules.scoring.flatMap(\.conditions) + rules.routing.flatMap(\.conditions)
        for condition in conditions {
            guard fields.contains(condition.field) else { throw Rejection("invalid-rule", "unknown field '\(condition.field)'; one of \(fields.sorted().joined(separator: ", "))") }
            guard operators.contains(condition.op) else { throw Rejection("invalid-rule", "unknown operator '\(condition.op)'") }
            if condition.op != "present", condition.values.isEmpty { throw Rejection("invalid-rule", "\(condition.field) \(condition.op) needs a value") }
            if ["gte", "lte"].contains(condition.op), Int64(condition.values[0]) == nil {
                throw Rejection("invalid-rule", "\(condition.field) \(condition.op) compares numbers, got '\(condition.values[0])'")
            }
        }
        if rules.scoring.contains(where: { $0.conditions.contains { $0.field == "score" } }) {
            throw Rejection("invalid-rule", "scoring rules cannot test the score they compute")
        }
        let ids = rules.scoring.map(\.ruleId) + rules.routing.map(\.ruleId)
        guard Set(ids).count == ids.count, !ids.contains("") else { throw Rejection("invalid-rule", "rule ids must be unique and not empty") }
        guard !rules.fallback.id.isEmpty else { throw Rejection("invalid-rule", "the fallback assignee needs an id") }
    }

    static func holds(_ condition: LeadCondition, _ lead: SubmitLead, score: Int?) -> Bool {
        let text: String?
        var number: Int64?
        switch condition.field {
        case "company": text = lead.company
        case "need": text = lead.need
        case "postalCode": text = lead.postalCode
        case "country": text = lead.country
        case "source": text = lead.sourceChannel
        case "campaign": text = lead.campaign
        case "budget": number = lead.budgetMinor; text = lead.budgetMinor.map(String.init)
        case "score": number = score.map(Int64.init); text = score.map(String.init)
        default: return false
        }
        guard let text, !text.isEmpty else { return false }
        let value = text.lowercased(), values = condition.values.map { $0.lowercased() }
        switch condition.op {
        case "present": return true
        case "eq": return value == values.first
        case "in": return values.contains(value)
        case "prefix": return values.contains { value.hasPrefix($0) }
        case "contains": return values.contains { value.contains($0) }
        case "gte": return number.map { $0 >= Int64(values[0]) ?? .max } ?? false
        case "lte": return number.map { $0 <= Int64(values[0]) ?? .min } ?? false
        default: return false
        }
    }
}
