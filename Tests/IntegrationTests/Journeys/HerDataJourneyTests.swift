import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import PostgresNIO
import Testing

extension Journeys {
    @Suite("J10b — Her data, from every service, and none of it after erasure")
    struct HerData {
        @Test("J10b: a DPO exports what every service holds on a prospect turned buyer (profile and lead, orders, quote, cart, messages, offers) as one document through the edge; after her erasure no route of any service answers her name, email or phone, and the staff alert about her lead is blanked too")
        func exportThenErase() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag, services = omni.services
            var urls: [String: String] = [:]
            for service in [ServiceName.customers, .catalog, .orders, .promotions, .notifications] {
                urls["OMNI_EDGE_\(service.rawValue.uppercased())_URL"] = "http://127.0.0.1:\(services.http(service).port ?? 0)"
            }
            let edge = try await services.startEdge(environment: urls)
            let keys = try TestStack.credentials()
            let dpo = try await keys.token(as: .dpo, name: "dpo-\(tag)")
            let web = try await keys.token(as: .webShop, name: "web-\(tag)")

            // Zoé fills a form at a fair: a lead for the Nord team, who are alerted by email.
            let team = LeadAssignee(kind: .telesales, id: "team-\(tag)")
            #expect(try await omni.perform(CustomersType.setLeadRules, SetLeadRules(scoring: [], routing: [], fallback: team), key: "lead-rules").type
                    == CustomersType.leadRulesChanged)
            _ = try await omni.perform(NotificationsType.setAssigneeContact, SetAssigneeContact(kind: "telesales", id: team.id, name: "Nord team",
                                                                                                email: "team-\(tag)@omni.example"), key: "telesales/\(team.id)")
            let surname = "Quillard\(tag.uppercased())", email = omni.email("Zoe")
            let phone = "+336" + String(format: "%08d", Int.random(in: 0..<100_000_000))
            let leadId = "lead-\(tag)"
            let routed = try await omni.perform(CustomersType.submitLead, SubmitLead(
                leadId: leadId, identifiers: [CustomerIdentifier(.email, email), CustomerIdentifier(.phone, phone)], contactName: "Zoé \(surname)",
                company: "Club \(surname)", need: "shoes for the club", postalCode: "59000", sourceChannel: "field"), key: leadId,
                expecting: [CustomersType.leadRouted]).payload(LeadRouted.self)
            let zoe = routed.customerId
            let alert = try await omni.smtp.waitForMessage { $0.contains("To: <team-\(tag)@omni.example>") }
            #expect(alert.contains(surname), "the staff alert names her")

            // A quote for her lead, an order delivered home, socks left in her cart.
            let quote = CreateQuote(quoteId: "q-\(tag)", channel: "field", leadId: leadId, lines: [OrderLineRequest(sku: shop.socks, quantity: 10)],
                                    validUntil: Date().addingTimeInterval(86_400), contact: OrderContact(firstName: "Zoé", email: email, phone: phone),
                                    note: "for Zoé \(surname)")
            var issued = try await omni.perform(OrdersType.createQuote, quote, key: quote.quoteId)
            for _ in 0..<50 where issued.type != OrdersType.quoteIssued {
                try await Task.sleep(for: .milliseconds(200))
                issued = try await omni.perform(OrdersType.createQuote, quote, key: quote.quoteId)
            }
            #expect(issued.type == OrdersType.quoteIssued)
            var order = shop.delivery("ord-\(tag)", customerId: zoe, [OrderLineRequest(sku: shop.shoe, quantity: 1)],
                                      contact: OrderContact(firstName: "Zoé", email: email, phone: phone))
            order.fulfilment.address?.name = "Zoé \(surname)"
            let placed = try await omni.confirmed(order)
            #expect(try await omni.perform(OrdersType.addCartItem, AddCartItem(ownerId: zoe, sku: shop.socks, quantity: 1), key: zoe).type == OrdersType.cartUpdated)
            _ = try await omni.messages(zoe) { $0.contains { $0.status == "sent" } }

            // The DPO's export: one document, every service's part.
            let (status, body) = try await edge.get("/exports/customers/\(zoe)", as: .bearer(dpo))
            #expect(status == 200, "\(body)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let parts = try #require(document["parts"] as? [String: [String: Any]])
            #expect(document["complete"] as? Bool == true && Set(parts.keys) == ["customers", "orders", "notifications", "promotions"], "\(document["missing"] ?? "")")
            func list(_ service: String, _ key: String) -> [[String: Any]] { parts[service]?[key] as? [[String: Any]] ?? [] }
            let leadIds = list("customers", "leads").compactMap { $0["leadId"] as? String }
            let orderIds = list("orders", "orders").compactMap { $0["orderId"] as? String }
            let quoteIds = list("orders", "quotes").compactMap { $0["quoteId"] as? String }
            let bodies = list("notifications", "messages").compactMap { $0["body"] as? String }.filter { !$0.isEmpty }
            let addresses = parts["notifications"]?["addresses"] as? [String: String] ?? [:]
            #expect(leadIds == [leadId] && orderIds.contains(placed.orderId) && quoteIds == [quote.quoteId])
            #expect(!list("orders", "cart").isEmpty && !bodies.isEmpty && addresses["email"] == email)
            #expect(body.contains(phone) && body.contains(surname))
            #expect(try await edge.get("/exports/customers/\(zoe)", as: .bearer(web)).0 == 403, "a channel does not export people")
            #expect(try await edge.get("/exports/customers/\(UUID().uuidString.lowercased())", as: .bearer(dpo)).0 == 404, "nobody by that id")
            #expect(try await edge.get("/exports/customers/not-an-id", as: .bearer(dpo)).0 == 404)

            // She asks to be forgotten: no route of any service answers her name, email or phone.
            #expect(try await omni.perform(CustomersType.eraseCustomer, EraseCustomer(customer: .id(zoe), reason: "customer request"), key: zoe,
                                           expecting: [CustomersType.customerErased]).type == CustomersType.customerErased)
            let routes: [(ServiceName, String)] = [
                (.customers, "/customers/\(zoe)"), (.customers, "/customers/\(zoe)/export"), (.customers, "/customers/\(zoe)/timeline"),
                (.customers, "/customers/lookup?email=\(email.replacingOccurrences(of: "@", with: "%40"))"), (.customers, "/customers/search?name=\(surname)"),
                (.customers, "/leads/\(leadId)"), (.customers, "/leads?assigneeKind=telesales&assigneeId=\(team.id)"), (.customers, "/lead-queues/telesales/\(team.id)"),
                (.orders, "/orders/\(placed.orderId)"), (.orders, "/customers/\(zoe)/orders"), (.orders, "/customers/\(zoe)/quotes"),
                (.orders, "/quotes/\(quote.quoteId)"), (.orders, "/carts/\(zoe)"), (.orders, "/customers/\(zoe)/export"),
                (.notifications, "/customers/\(zoe)/messages"), (.notifications, "/customers/\(zoe)/contact"), (.notifications, "/customers/\(zoe)/export"),
                (.promotions, "/customers/\(zoe)/export"),
            ]
            let traces = [surname, email, phone, String(phone.dropFirst(3))]
            let asked = ContinuousClock.now
            for (service, path) in routes {
                var answer = try await services.http(service).get(path)
                while traces.contains(where: answer.1.contains), ContinuousClock.now - asked < .seconds(15) {
                    try await Task.sleep(for: .milliseconds(100))
                    answer = try await services.http(service).get(path)
                }
                #expect(!traces.contains(where: answer.1.contains), "\(service.rawValue) \(path) still answers her: \(answer.1.prefix(400))")
            }
            #expect(try await edge.get("/exports/customers/\(zoe)", as: .bearer(dpo)).0 == 410)
            // The alert the team got about her lead is blanked in notifications too.
            let notifications = try #require(services.schemas[.notifications])
            let left = try await TestStack.withAdmin { admin in
                try await admin.query(PostgresQuery(unsafeSQL: """
                    SELECT count(*)::int FROM \(notifications).messages WHERE about_customer_id = '\(zoe)' AND (body IS NOT NULL OR subject IS NOT NULL)
                    """)).decode(Int.self).first { _ in true } ?? -1
            }
            #expect(left == 0, "staff alerts about her still hold her details")
        }
    }
}
