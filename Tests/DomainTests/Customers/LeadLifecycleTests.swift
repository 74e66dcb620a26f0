import CustomersContracts
import CustomersCore
import Foundation
import OmniMessaging
import Testing

@Suite("Customers: a lead's steps and its time to act")
struct LeadLifecycleTests {
    static let rep = LeadAssignee(kind: .fieldRep, id: "rep-nord")
    static let team = LeadAssignee(kind: .telesales, id: "team")
    static let manager = LeadAssignee(kind: .agent, id: "nord-manager")
    static let rules = SetLeadRules(
        scoring: [],
        routing: [
            RoutingRule(ruleId: "nord", priority: 1, conditions: [LeadCondition(field: "postalCode", op: "prefix", values: ["59"])], assignee: rep,
                        slaSeconds: 2 * 86_400, escalateTo: manager),
            RoutingRule(ruleId: "sud", priority: 2, conditions: [LeadCondition(field: "postalCode", op: "prefix", values: ["13"])],
                        assignee: LeadAssignee(kind: .distributor, id: "dist-sud"), slaSeconds: 7_200),
            RoutingRule(ruleId: "slow", priority: 3, conditions: [LeadCondition(field: "postalCode", op: "prefix", values: ["75"])], assignee: team),
        ],
        fallback: team, fallbackSlaSeconds: 3_600)

    static func lead(_ postalCode: String) -> SubmitLead {
        SubmitLead(leadId: "l", identifiers: [], need: "shoes", postalCode: postalCode, sourceChannel: "web")
    }

    @Test("new → contacted → qualified → disqualified; nothing after disqualified or converted; never back to new; converted only by an order")
    func transitions() throws {
        try LeadLifecycle.advance(from: .new, to: .contacted, reason: nil)
        try LeadLifecycle.advance(from: .new, to: .qualified, reason: nil)
        try LeadLifecycle.advance(from: .contacted, to: .qualified, reason: nil)
        try LeadLifecycle.advance(from: .qualified, to: .disqualified, reason: "competitor")
        for (from, to) in [(LeadStatus.qualified, LeadStatus.contacted), (.disqualified, .contacted), (.converted, .qualified), (.contacted, .contacted)] {
            #expect(throws: Rejection.self, "\(from) → \(to)") { try LeadLifecycle.advance(from: from, to: to, reason: "x") }
        }
        #expect(throws: Rejection("invalid-status", "a lead becomes new by itself (submitted, or its person's first order), not by AdvanceLead")) {
            try LeadLifecycle.advance(from: .contacted, to: .new, reason: nil)
        }
        #expect(throws: Rejection.self) { try LeadLifecycle.advance(from: .qualified, to: .converted, reason: nil) }
        #expect(LeadLifecycle.isOpen(.qualified) && !LeadLifecycle.isOpen(.disqualified) && !LeadLifecycle.isOpen(.converted))
    }

    @Test("disqualifying needs a reason")
    func disqualifyingNeedsAReason() {
        for reason in [nil, "", "   "] {
            #expect(throws: Rejection.self) { try LeadLifecycle.advance(from: .contacted, to: .disqualified, reason: reason) }
        }
    }

    @Test("the route's time to act and escalation: the rule's own, the table's fallback when it names none, none for a rule without a time; the fallback's own time for a lead no rule matched")
    func routes() {
        func route(_ postalCode: String) -> LeadLifecycle.Route {
            LeadLifecycle.route(of: LeadRules.decide(Self.lead(postalCode), rules: Self.rules), rules: Self.rules)
        }
        #expect(route("59800") == LeadLifecycle.Route(slaSeconds: 2 * 86_400, escalateTo: Self.manager))
        #expect(route("13001") == LeadLifecycle.Route(slaSeconds: 7_200, escalateTo: Self.team))
        #expect(route("75001") == LeadLifecycle.Route(slaSeconds: nil, escalateTo: nil), "its assignee is the fallback: nowhere else to go")
        #expect(route("29000") == LeadLifecycle.Route(slaSeconds: 3_600, escalateTo: nil))
    }

    @Test("the due date: the time to act from the start, bounded; none without one")
    func due() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(LeadLifecycle.due(from: start, slaSeconds: 7_200) == start.addingTimeInterval(7_200))
        #expect(LeadLifecycle.due(from: start, slaSeconds: nil) == nil)
        #expect(LeadLifecycle.due(from: start, slaSeconds: .max) == start.addingTimeInterval(TimeInterval(LeadLifecycle.maxSlaSeconds)))
    }

    @Test("a table's times to act are 1 second to a year, and an escalation names someone")
    func validation() throws {
        try LeadLifecycle.validate(Self.rules)
        var rules = Self.rules
        rules.fallbackSlaSeconds = 0
        #expect(throws: Rejection.self) { try LeadLifecycle.validate(rules) }
        rules = Self.rules
        rules.routing[0].slaSeconds = LeadLifecycle.maxSlaSeconds + 1
        #expect(throws: Rejection.self) { try LeadLifecycle.validate(rules) }
        rules = Self.rules
        rules.routing[0].escalateTo = LeadAssignee(kind: .agent, id: "")
        #expect(throws: Rejection.self) { try LeadLifecycle.validate(rules) }
    }
}
