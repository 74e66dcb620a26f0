import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("J1 — Lead to customer (B2B)")
    struct LeadToCustomer {
        @Test("J1: a prospect from social is scored and routed to the field rep of her territory, who is alerted while she is thanked by name; the visit is recorded; she checks stock and price on the web and orders; the lead converts and the order is on the same profile")
        func leadToCustomer() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag

            // Sales operations set the rules: big budgets and social leads score; the Nord's
            // good leads go to Hugo, its field rep; the South's to a distributor; the rest to telesales.
            let rules = SetLeadRules(
                scoring: [ScoringRule(ruleId: "big-budget", conditions: [LeadCondition(field: "budget", op: "gte", values: ["500000"])], points: 40),
                          ScoringRule(ruleId: "from-social", conditions: [LeadCondition(field: "source", op: "eq", values: ["social"])], points: 10)],
                routing: [RoutingRule(ruleId: "nord-field-rep", priority: 1, conditions: [LeadCondition(field: "postalCode", op: "prefix", values: ["59", "62"]),
                                                                                          LeadCondition(field: "score", op: "gte", values: ["30"])],
                                      assignee: LeadAssignee(kind: .fieldRep, id: "rep-nord")),
                          RoutingRule(ruleId: "sud-distributor", priority: 2, conditions: [LeadCondition(field: "postalCode", op: "prefix", values: ["13", "06"])],
                                      assignee: LeadAssignee(kind: .distributor, id: "dist-sud"))],
                fallback: LeadAssignee(kind: .telesales, id: "queue"))
            #expect(try await omni.perform(CustomersType.setLeadRules, rules, key: "lead-rules").type == CustomersType.leadRulesChanged)
            let hugo = SetAssigneeContact(kind: "field-rep", id: "rep-nord", name: "Hugo", email: "hugo.\(tag)@omni.example")
            #expect(try await omni.perform(NotificationsType.setAssigneeContact, hugo, key: "field-rep/rep-nord").type == NotificationsType.assigneeContactSet)

            // Paula saw the brand on a social network and fills the web form for her running club.
            let leadId = "lead-\(tag)", paula = "paula.\(tag)@acme.example"
            let form = SubmitLead(leadId: leadId, identifiers: [CustomerIdentifier(.email, paula)], contactName: "Paula Martin", company: "Acme Running Club",
                                  need: "trail shoes for the club", postalCode: "59800", country: "FR", budgetMinor: 800_000, currency: "EUR",
                                  sourceChannel: "social", campaign: "spring-trail")
            let routed = try await omni.perform(CustomersType.submitLead, form, key: leadId, expecting: [CustomersType.leadRouted, CustomersType.commandRejected])
                .payload(LeadRouted.self)
            // Scored (budget and source) and routed by the rules to the rep of her territory, with the reasons.
            #expect(routed.score == 50 && routed.assignee == LeadAssignee(kind: .fieldRep, id: "rep-nord") && routed.ruleId == "nord-field-rep", "\(routed)")
            #expect(routed.explanation == ["big-budget: +40", "from-social: +10", "routed by nord-field-rep to field-rep rep-nord"])

            // Hugo is alerted by email; Paula is thanked by her first name, with her need and who will call.
            let alert = try await omni.smtp.waitForMessage { $0.contains("To: <hugo.\(tag)@omni.example>") }
            #expect(alert.contains("Acme Running Club") && alert.contains(leadId) && alert.contains("Paula Martin") && alert.contains("score 50"), "\(alert)")
            let thanks = try await omni.smtp.waitForMessage { $0.contains("To: <\(paula)>") }
            #expect(thanks.contains("Hello Paula") && thanks.contains("trail shoes for the club") && thanks.contains("Hugo will contact you"), "\(thanks)")

            // Hugo visits the club; the visit is recorded on the lead.
            let visit = try await omni.perform(CustomersType.recordLeadVisit, RecordLeadVisit(leadId: leadId, visitedBy: "rep-nord", notes: "12 pairs, sizes 38 to 45"),
                                               key: leadId, channel: "field", expecting: [CustomersType.leadVisitRecorded, CustomersType.commandRejected])
            #expect(try visit.payload(LeadVisitRecorded.self).customerId == routed.customerId)

            // Paula checks the live price and stock on the web site...
            let price = try await omni.get("/prices/\(shop.shoe)?channel=web", as: Read.Price.self, from: .catalog)
            #expect(price.amountMinor == shop.shoePrice && price.currency == "EUR")
            let onTheWeb = try await omni.available(shop.shoe, channel: "web")
            #expect(onTheWeb == 24, "the warehouse's 20 and Lille Gare's 4, which ships from store")

            // ...and orders twelve pairs, delivered: at the price she saw.
            let order = try await omni.confirmed(shop.delivery("ord-\(tag)", customerId: routed.customerId, [OrderLineRequest(sku: shop.shoe, quantity: 12)],
                                                               contact: OrderContact(firstName: "Paula", email: paula)))
            #expect(order.totalMinor == 12 * price.amountMinor && order.currency == price.currency)
            #expect(try await omni.available(shop.shoe, channel: "web") == onTheWeb - 12, "the web shows what is left at once")

            // Her order converts the lead...
            let converted = try await omni.watcher.first(CustomersType.leadConverted) { try $0.payload(LeadConverted.self).leadId == leadId }
            #expect(try converted.payload(LeadConverted.self) == LeadConverted(leadId: leadId, customerId: routed.customerId, orderId: order.orderId))
            let lead = try await omni.poll("/leads/\(leadId)", as: Read.Lead.self, from: .customers) { $0.status == "converted" }
            #expect(lead.status == "converted" && lead.convertedOrder == order.orderId && lead.visits.map(\.visitedBy) == ["rep-nord"])
            // ...and is on the same profile: her timeline and her order history.
            let view = try await omni.view(routed.customerId) { view in view.recentTimeline.contains { $0.kind == "order" && $0.reference == order.orderId } }
            #expect(view.recentTimeline.contains { $0.kind == "order" && $0.reference == order.orderId && $0.channel == "web" })
            #expect(view.profile.identifiers.contains(CustomerIdentifier(.email, paula)) && view.profile.firstName == "Paula")
            let history = try await omni.get("/customers/\(routed.customerId)/orders", as: Read.OrderList.self, from: .orders)
            #expect(history.orders.map(\.orderId) == [order.orderId])
        }
    }
}
