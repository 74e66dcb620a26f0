import Foundation
import CustomersContracts
import CustomersCore
import OmniMessaging
import Testing

@Suite("Customers: lead scoring and routing rules")
struct LeadRulesTests {
    static let rules = SetLeadRules(
        scoring: [
            ScoringRule(ruleId: "big-budget", conditions: [LeadCondition(field: "budget", op: "gte", values: ["500000"])], points: 40),
            ScoringRule(ruleId: "company", conditions: [LeadCondition(field: "company", op: "present")], points: 20),
            ScoringRule(ruleId: "from-social", conditions: [LeadCondition(field: "source", op: "in", values: ["social", "web"])], points: 10),
        ],
        routing: [
            RoutingRule(ruleId: "nord-rep", priority: 10, conditions: [LeadCondition(field: "score", op: "gte", values: ["60"]),
                                                                       LeadCondition(field: "postalCode", op: "prefix", values: ["59", "62"])],
                        assignee: LeadAssignee(kind: .fieldRep, id: "rep-nord")),
            RoutingRule(ruleId: "belgium", priority: 20, conditions: [LeadCondition(field: "country", op: "eq", values: ["BE"])],
                        assignee: LeadAssignee(kind: .distributor, id: "dist-benelux")),
            RoutingRule(ruleId: "install", priority: 30, conditions: [LeadCondition(field: "need", op: "contains", values: ["install"])],
                        assignee: LeadAssignee(kind: .agent, id: "agent-lille")),
        ],
        fallback: LeadAssignee(kind: .telesales, id: "queue"))

    static func lead(budget: Int64? = nil, company: String? = nil, postalCode: String? = nil, country: String? = "FR", need: String = "shelving", source: String = "social") -> SubmitLead {
        SubmitLead(leadId: "L", identifiers: [], company: company, need: need, postalCode: postalCode, country: country, budgetMinor: budget, currency: "EUR", sourceChannel: source)
    }

    @Test("a big company lead in the north goes to the field rep of the territory")
    func fieldRep() {
        let decision = LeadRules.decide(Self.lead(budget: 800_000, company: "Acme", postalCode: "59000"), rules: Self.rules)
        #expect(decision.score == 70)
        #expect(decision.assignee == LeadAssignee(kind: .fieldRep, id: "rep-nord") && decision.ruleId == "nord-rep")
        #expect(decision.explanation.contains("big-budget: +40"))
    }

    @Test("by region, by need, else the fallback")
    func otherRoutes() {
        #expect(LeadRules.decide(Self.lead(budget: 800_000, company: "Acme", postalCode: "75001"), rules: Self.rules).ruleId == nil)
        #expect(LeadRules.decide(Self.lead(country: "be"), rules: Self.rules).assignee.id == "dist-benelux")
        #expect(LeadRules.decide(Self.lead(need: "Installation of racks"), rules: Self.rules).assignee.kind == .agent)
        #expect(LeadRules.decide(Self.lead(source: "field"), rules: Self.rules).score == 0)
    }

    @Test("a rule table with unknown fields, operators or non-numbers is refused")
    func validation() throws {
        try LeadRules.validate(Self.rules)
        var bad = Self.rules
        bad.routing[0].conditions[0] = LeadCondition(field: "mood", op: "eq", values: ["happy"])
        #expect((#expect(throws: Rejection.self) { try LeadRules.validate(bad) })?.code == "invalid-rule")
        bad = Self.rules
        bad.scoring[0].conditions[0] = LeadCondition(field: "budget", op: "gte", values: ["lots"])
        #expect(throws: Rejection.self) { try LeadRules.validate(bad) }
        bad = Self.rules
        bad.scoring.append(ScoringRule(ruleId: "loop", conditions: [LeadCondition(field: "score", op: "gte", values: ["1"])], points: 1))
        #expect(throws: Rejection.self) { try LeadRules.validate(bad) }
    }

    @Test("a `present` condition may leave `values` out on the wire; the others still need one")
    func presentWithoutValues() throws {
        let present = try JSONCoding.decoder.decode(LeadCondition.self, from: Data(#"{"field": "company", "op": "present"}"#.utf8))
        #expect(present == LeadCondition(field: "company", op: "present", values: []))
        var rules = Self.rules
        rules.scoring = [ScoringRule(ruleId: "company", conditions: [present], points: 20)]
        try LeadRules.validate(rules)
        #expect(LeadRules.decide(Self.lead(company: "Acme"), rules: rules).score == 20)
        let eq = try JSONCoding.decoder.decode(LeadCondition.self, from: Data(#"{"field": "country", "op": "eq"}"#.utf8))
        rules.scoring = [ScoringRule(ruleId: "country", conditions: [eq], points: 5)]
        #expect(throws: Rejection.self) { try LeadRules.validate(rules) }
        // Written out, `values` is always there.
        #expect(String(decoding: try JSONCoding.encoder.encode(present), as: UTF8.self) == #"{"field":"company","op":"present","values":[]}"#)
    }

    @Test("extreme points are refused by validate, and a table that has them anyway saturates instead of trapping")
    func extremePoints() {
        var rules = Self.rules
        rules.scoring = [ScoringRule(ruleId: "a", conditions: [], points: Int.max), ScoringRule(ruleId: "b", conditions: [], points: Int.max)]
        #expect((#expect(throws: Rejection.self) { try LeadRules.validate(rules) })?.code == "invalid-rule")
        #expect(LeadRules.decide(Self.lead(), rules: rules).score == Int.max)
        rules.scoring = [ScoringRule(ruleId: "a", conditions: [], points: Int.min), ScoringRule(ruleId: "b", conditions: [], points: -1)]
        #expect(throws: Rejection.self) { try LeadRules.validate(rules) }
        #expect(LeadRules.decide(Self.lead(), rules: rules).score == Int.min)
        rules.scoring = [ScoringRule(ruleId: "a", conditions: [], points: LeadRules.maxRulePoints)]
        #expect(throws: Never.self) { try LeadRules.validate(rules) }
    }
}
