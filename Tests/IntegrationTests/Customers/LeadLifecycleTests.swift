import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import Testing

/// A lead's life after it is routed: its steps, its time to act, the re-routing of an
/// untouched lead and the assignee's queue, on the real customers and notifications
/// processes, the broker, Postgres and a real SMTP server.
@Suite("Customers: the lead lifecycle, its time to act and the assignee's queue (real processes)")
struct LeadLifecycleTests {
    struct Lead: Decodable {
        var leadId: String; var status: String; var statusReason: String?; var assignee: LeadAssignee
        var ageSeconds: Int; var dueAt: Date?; var slaLeftSeconds: Int?; var reassignments: Int
    }

    static func rules(_ tag: String, slaSeconds: Int) -> SetLeadRules {
        SetLeadRules(scoring: [],
                     routing: [RoutingRule(ruleId: "nord", priority: 1, conditions: [LeadCondition(field: "postalCode", op: "prefix", values: ["59"])],
                                           assignee: LeadAssignee(kind: .fieldRep, id: "rep-\(tag)"), slaSeconds: slaSeconds,
                                           escalateTo: LeadAssignee(kind: .telesales, id: "team-\(tag)"))],
                     fallback: LeadAssignee(kind: .telesales, id: "queue-\(tag)"))
    }

    static func lead(_ id: String, _ tag: String) -> SubmitLead {
        SubmitLead(leadId: id, identifiers: [CustomerIdentifier(.email, "\(id)@acme.example")], contactName: "Paula Martin", company: "Acme \(id)",
                   need: "shelving", postalCode: "59160", country: "FR", sourceChannel: "social")
    }

    @Test("a lead is contacted, qualified, then disqualified with its reason; steps out of order are refused; the queue lists the open ones, most urgent first, with their age and time left; a manager reassigns, a visit counts as contact")
    func stepsAndQueue() async throws {
        let stack = try await ServiceStack(.customers)
        let tag = String(UUID().uuidString.prefix(8).lowercased())
        let expecting: Set<String> = [CustomersType.leadRouted, CustomersType.leadAdvanced, CustomersType.leadReassigned, CustomersType.leadVisitRecorded,
                                      CustomersType.commandRejected, CustomersType.leadRulesChanged]
        func send<C: Encodable & Sendable>(_ type: String, _ command: C, key: String) async throws -> CloudEvent {
            try await stack.perform(type, command, key: key, expecting: expecting)
        }
        func refusal(_ outcome: CloudEvent) throws -> String? {
            outcome.type == CustomersType.commandRejected ? try outcome.payload(CommandRejected.self).reasonCode : nil
        }
        #expect(try await send(CustomersType.setLeadRules, Self.rules(tag, slaSeconds: 7_200), key: "lead-rules").type == CustomersType.leadRulesChanged)
        let first = "lead-a-\(tag)", second = "lead-b-\(tag)"
        let routed = try await send(CustomersType.submitLead, Self.lead(first, tag), key: first).payload(LeadRouted.self)
        let dueIn = try #require(routed.dueAt).timeIntervalSinceNow
        #expect((7_100...7_200).contains(dueIn), "due two hours after it was routed: \(dueIn)")
        _ = try await send(CustomersType.submitLead, Self.lead(second, tag), key: second)

        var queue = try await stack.getJSON("/lead-queues/field-rep/rep-\(tag)", as: [Lead].self)
        #expect(queue.map(\.leadId) == [first, second], "the one due first, first")
        #expect(queue.allSatisfy { $0.status == "new" && $0.ageSeconds >= 0 && (7_000...7_200).contains($0.slaLeftSeconds ?? 0) })

        let contacted = try await send(CustomersType.advanceLead, AdvanceLead(leadId: first, status: .contacted, by: "rep-\(tag)"), key: first)
        #expect(try contacted.payload(LeadAdvanced.self).from == .new && contacted.payload(LeadAdvanced.self).to == .contacted)
        #expect(try await send(CustomersType.advanceLead, AdvanceLead(leadId: first, status: .qualified, by: "rep-\(tag)"), key: first).type
                == CustomersType.leadAdvanced)
        #expect(try refusal(await send(CustomersType.advanceLead, AdvanceLead(leadId: first, status: .contacted, by: "rep-\(tag)"), key: first))
                == "invalid-transition")
        #expect(try refusal(await send(CustomersType.advanceLead, AdvanceLead(leadId: first, status: .disqualified, by: "rep-\(tag)"), key: first))
                == "reason-required")
        #expect(try refusal(await send(CustomersType.advanceLead, AdvanceLead(leadId: "nope-\(tag)", status: .contacted, by: "x"), key: "nope"))
                == "unknown-lead")
        let lead = try await stack.getJSON("/leads/\(first)", as: Lead.self)
        #expect(lead.status == "qualified" && lead.dueAt == nil && lead.slaLeftSeconds == nil, "acted on: its clock stopped")
        let dropped = try await send(CustomersType.advanceLead, AdvanceLead(leadId: first, status: .disqualified, by: "rep-\(tag)", reason: "chose a competitor"),
                                     key: first)
        #expect(try dropped.payload(LeadAdvanced.self).reason == "chose a competitor")
        #expect(try await stack.getJSON("/leads/\(first)", as: Lead.self).statusReason == "chose a competitor")
        #expect(try refusal(await send(CustomersType.reassignLead, ReassignLead(leadId: first, assignee: LeadAssignee(kind: .agent, id: "x"), by: "boss"),
                                       key: first)) == "lead-closed")
        queue = try await stack.getJSON("/lead-queues/field-rep/rep-\(tag)", as: [Lead].self)
        #expect(queue.map(\.leadId) == [second], "a closed lead leaves the queue")

        // The manager gives the second lead to an agent, who gets two hours of their own.
        let agent = LeadAssignee(kind: .agent, id: "agent-\(tag)")
        let moved = try await send(CustomersType.reassignLead, ReassignLead(leadId: second, assignee: agent, by: "boss", reason: "holidays"), key: second)
            .payload(LeadReassigned.self)
        #expect(moved.from == LeadAssignee(kind: .fieldRep, id: "rep-\(tag)") && moved.to == agent && moved.reason == "manual" && moved.note == "holidays")
        #expect((7_100...7_200).contains(try #require(moved.dueAt).timeIntervalSinceNow))
        #expect(try await stack.getJSON("/lead-queues/field-rep/rep-\(tag)", as: [Lead].self).isEmpty)
        let theirs = try await stack.getJSON("/lead-queues/agent/agent-\(tag)", as: [Lead].self)
        #expect(theirs.map(\.leadId) == [second] && theirs.first?.reassignments == 1)
        #expect(try refusal(await send(CustomersType.reassignLead, ReassignLead(leadId: second, assignee: agent, by: "boss"), key: second)) == "same-assignee")

        // A visit is acting on it: contacted, clock stopped.
        _ = try await send(CustomersType.recordLeadVisit, RecordLeadVisit(leadId: second, visitedBy: "agent-\(tag)", notes: "called"), key: second)
        let visited = try await stack.watcher.first(CustomersType.leadAdvanced) { try $0.payload(LeadAdvanced.self).leadId == second }
        #expect(try visited.payload(LeadAdvanced.self).to == .contacted)
        #expect(try await stack.getJSON("/leads/\(second)", as: Lead.self).dueAt == nil)
        #expect(try await stack.http.get("/lead-queues/nobody/x").0 == 404)
        await stack.stop()
    }

    @Test("an untouched lead is re-routed to the route's escalation when its time runs out, and both assignees are told by email; a lead acted on in time stays")
    func slaMissed() async throws {
        let smtp = try await SMTPServerProcess()
        let stack = try await ServiceStack([.customers, .notifications], environment: [
            "OMNI_SMTP_PORT": "\(smtp.port)", "OMNI_CUSTOMERS_LEAD_SLA_CHECK_SECONDS": "1",
        ])
        let tag = String(UUID().uuidString.prefix(8).lowercased())
        for (kind, id, name) in [("field-rep", "rep-\(tag)", "Hugo"), ("telesales", "team-\(tag)", "Nord team")] {
            let contact = SetAssigneeContact(kind: kind, id: id, name: name, email: "\(id)@omni.example")
            #expect(try await stack.perform(NotificationsType.setAssigneeContact, contact, key: "\(kind)/\(id)").type == NotificationsType.assigneeContactSet)
        }
        #expect(try await stack.perform(CustomersType.setLeadRules, Self.rules(tag, slaSeconds: 3), key: "lead-rules").type == CustomersType.leadRulesChanged)
        let late = "lead-late-\(tag)", handled = "lead-handled-\(tag)"
        let routedLate = try await stack.perform(CustomersType.submitLead, Self.lead(late, tag), key: late, expecting: [CustomersType.leadRouted])
        _ = try await stack.perform(CustomersType.submitLead, Self.lead(handled, tag), key: handled, expecting: [CustomersType.leadRouted])
        #expect(try await stack.perform(CustomersType.advanceLead, AdvanceLead(leadId: handled, status: .contacted, by: "rep-\(tag)"), key: handled).type
                == CustomersType.leadAdvanced)

        let reassignedEvent = try await stack.watcher.first(CustomersType.leadReassigned, timeout: .seconds(30)) {
            try $0.payload(LeadReassigned.self).leadId == late
        }
        let reassigned = try reassignedEvent.payload(LeadReassigned.self)
        // Re-routed by the timer, yet in the journey: caused by the SubmitLead that gave it to the rep.
        #expect(reassignedEvent.causationID == routedLate.causationID && reassignedEvent.correlationID == routedLate.correlationID
                && reassignedEvent.causationID != nil)
        #expect(reassigned.reason == "sla-missed" && reassigned.from.id == "rep-\(tag)" && reassigned.to == LeadAssignee(kind: .telesales, id: "team-\(tag)"))
        #expect(reassigned.dueAt == nil && reassigned.by == nil)
        let now = try await stack.getJSON("/leads/\(late)", as: Lead.self)
        #expect(now.assignee.id == "team-\(tag)" && now.status == "new" && now.reassignments == 1 && now.dueAt == nil)

        let toTeam = try await smtp.waitForMessage { $0.contains("To: <team-\(tag)@omni.example>") && $0.contains(late) }
        #expect(toTeam.contains("handed to you") && toTeam.contains("did not act on it in time") && toTeam.contains("Hugo"), "\(toTeam)")
        let toRep = try await smtp.waitForMessage { $0.contains("To: <rep-\(tag)@omni.example>") && $0.contains("went to") }
        #expect(toRep.contains(late) && toRep.contains("Nord team") && toRep.contains("not acted on within its time"), "\(toRep)")
        // The delivery worker's NotificationSent keeps the chain: caused by the LeadReassigned that queued it.
        let sent = try await stack.watcher.first(NotificationsType.notificationSent) {
            try $0.payload(NotificationEvent.self).template == "lead-withdrawn" && $0.causationID == reassignedEvent.id.uuidString.lowercased()
        }
        #expect(sent.correlationID == routedLate.correlationID)

        try await Task.sleep(for: .seconds(2))
        #expect(try await stack.getJSON("/leads/\(handled)", as: Lead.self).assignee.id == "rep-\(tag)", "acted on in time: it stays")
        #expect(try stack.watcher.events(CustomersType.leadReassigned).filter { try $0.payload(LeadReassigned.self).leadId == late }.count == 1,
                "re-routed once")
        await stack.stop()
        smtp.stop()
    }
}
