import CustomersContracts
import Foundation
import OmniMessaging
import Testing

@Suite("Customers: leads scored and routed by rules set as data (real process)")
struct LeadsTests {
    @Test("a prospect from social is scored, routed to the field rep of the territory, visited, and found on one profile")
    func leadToFieldRep() async throws {
        let stack = try await ServiceStack(.customers)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let rulesSet = try await stack.perform(CustomersType.setLeadRules, SetLeadRules(
            scoring: [ScoringRule(ruleId: "budget", conditions: [LeadCondition(field: "budget", op: "gte", values: ["1000000"])], points: 60),
                      ScoringRule(ruleId: "social", conditions: [LeadCondition(field: "source", op: "eq", values: ["social"])], points: 10)],
            routing: [RoutingRule(ruleId: "nord", priority: 1, conditions: [LeadCondition(field: "score", op: "gte", values: ["50"]),
                                                                            LeadCondition(field: "postalCode", op: "prefix", values: ["59"])],
                                  assignee: LeadAssignee(kind: .fieldRep, id: "rep-\(tag)"))],
            fallback: LeadAssignee(kind: .telesales, id: "queue-\(tag)")), key: "lead-rules")
        #expect(rulesSet.type == CustomersType.leadRulesChanged)
        let inForce = try await stack.getJSON("/lead-rules", as: LeadRulesChanged.self)
        #expect(inForce.version == (try rulesSet.payload(LeadRulesChanged.self)).version)
        #expect(inForce.rules.routing.map(\.ruleId) == ["nord"] && inForce.rules.fallback == LeadAssignee(kind: .telesales, id: "queue-\(tag)"))

        let email = CustomerIdentifier(.email, "buyer.\(tag)@acme.example")
        let routed = try await stack.perform(CustomersType.submitLead, SubmitLead(
            leadId: "lead-\(tag)", identifiers: [email], contactName: "Paula Martin", company: "Acme", need: "warehouse shelving",
            postalCode: "59160", country: "FR", budgetMinor: 2_500_000, currency: "EUR", sourceChannel: "social", campaign: "fb-spring"),
            key: "lead-\(tag)", channel: "web", expecting: [CustomersType.leadRouted, CustomersType.commandRejected])
        let lead = try routed.payload(LeadRouted.self)
        #expect(lead.assignee == LeadAssignee(kind: .fieldRep, id: "rep-\(tag)") && lead.score == 70 && lead.ruleId == "nord")

        let small = try await stack.perform(CustomersType.submitLead, SubmitLead(
            leadId: "lead-small-\(tag)", identifiers: [CustomerIdentifier(.phone, "+33700000\(Int.random(in: 100...999))")], need: "one chair",
            postalCode: "59000", sourceChannel: "web"), key: "lead-small-\(tag)", expecting: [CustomersType.leadRouted])
        #expect(try small.payload(LeadRouted.self).assignee == LeadAssignee(kind: .telesales, id: "queue-\(tag)"))

        let visit = try await stack.perform(CustomersType.recordLeadVisit, RecordLeadVisit(leadId: "lead-\(tag)", visitedBy: "rep-\(tag)", notes: "needs 40 bays"),
                                            key: "lead-\(tag)", channel: "field")
        #expect(visit.type == CustomersType.leadVisitRecorded)

        struct Lead: Decodable { var leadId: String; var customerId: String; var visits: [Visit]; struct Visit: Decodable { var visitedBy: String; var notes: String } }
        let mine = try await stack.getJSON("/leads?assigneeKind=field-rep&assigneeId=rep-\(tag)", as: [Lead].self)
        #expect(mine.map(\.leadId) == ["lead-\(tag)"])
        #expect(mine.first?.visits.map(\.notes) == ["needs 40 bays"])
        struct View: Decodable { var customerId: String; var profile: CustomerProfile; var recentTimeline: [Entry]; struct Entry: Decodable { var kind: String } }
        let profile = try await stack.getJSON("/customers/lookup?email=\(email.value.replacingOccurrences(of: "@", with: "%40"))", as: View.self)
        #expect(profile.customerId == lead.customerId && profile.profile.firstName == "Paula")
        #expect(Set(profile.recentTimeline.map(\.kind)).isSuperset(of: ["lead", "visit"]))

        let refused = try await stack.perform(CustomersType.setLeadRules, SetLeadRules(
            scoring: [ScoringRule(ruleId: "x", conditions: [LeadCondition(field: "shoe-size", op: "eq", values: ["42"])], points: 1)],
            routing: [], fallback: LeadAssignee(kind: .telesales, id: "q")), key: "lead-rules")
        #expect(try refused.payload(CommandRejected.self).reasonCode == "invalid-rule")
        let again = try await stack.perform(CustomersType.submitLead, SubmitLead(leadId: "lead-\(tag)", identifiers: [email], need: "again", sourceChannel: "web"),
                                            key: "lead-\(tag)", expecting: [CustomersType.leadRouted, CustomersType.commandRejected])
        #expect(try again.payload(CommandRejected.self).reasonCode == "lead-exists")
        await stack.stop()
    }
}
