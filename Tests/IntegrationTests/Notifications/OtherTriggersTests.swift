import CatalogContracts
import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import Testing

/// The triggers beyond order emails, on the real customers and notifications processes and
/// a real SMTP server; catalog's and orders' events are published as those services would.
@Suite("Notifications: leads, back in stock, refunds, abandoned carts (real processes, real SMTP)")
struct OtherTriggersTests {
    @Test("J1's messages: the prospect is thanked by name, the assignee is alerted; back in stock is told once; a refund is confirmed; an abandoned cart respects consent")
    func otherTriggers() async throws {
        let smtp = try await SMTPServerProcess()
        let stack = try await ServiceStack([.customers, .notifications], environment: ["OMNI_SMTP_PORT": "\(smtp.port)"])
        defer { Task { await stack.stop() } }
        let tag = UUID().uuidString.prefix(6).lowercased()

        // J1: a lead from social, routed to the telesales queue (the default rules).
        let set = try await stack.perform(NotificationsType.setAssigneeContact, SetAssigneeContact(kind: "telesales", id: "queue", name: "Inès",
                                                                                                 email: "telesales.\(tag)@omni.example"), key: "telesales/queue")
        #expect(set.type == NotificationsType.assigneeContactSet)
        let lead = SubmitLead(leadId: "lead-\(tag)", identifiers: [CustomerIdentifier(.email, "paul.\(tag)@acme.example")], contactName: "Paul Martin",
                              company: "Acme", need: "20 standing desks", sourceChannel: "social")
        #expect(try await stack.perform(CustomersType.submitLead, lead, key: lead.leadId, expecting: [CustomersType.leadRouted]).type == CustomersType.leadRouted)
        let leadMails = try await smtp.waitForMessages(2)
        let thanks = try #require(leadMails.first { $0.contains("To: <paul.\(tag)@acme.example>") })
        #expect(thanks.contains("Hello Paul") && thanks.contains("20 standing desks") && thanks.contains("Inès will contact you"), "\(thanks)")
        let alert = try #require(leadMails.first { $0.contains("To: <telesales.\(tag)@omni.example>") })
        #expect(alert.contains("Acme") && alert.contains("lead-\(tag)") && alert.contains("Paul Martin"), "\(alert)")

        // Back in stock at a store, and online: each told once, however often availability
        // changes after (the changes come together and are handled as one batch).
        func register(_ name: String) async throws -> String {
            let registered = try await stack.perform(CustomersType.registerCustomer, RegisterCustomer(
                identifiers: [CustomerIdentifier(.email, "\(name).\(tag)@example.com")], profile: ProfileFields(firstName: name.capitalized, locale: "en-GB")),
                key: "\(name)-\(tag)")
            let event: CustomerRegistered = try registered.decode(CustomerRegistered.self)
            return event.profile.customerId
        }
        func subscribe(_ customerId: String, at storeId: String?) async throws {
            let command = SubscribeBackInStock(customerId: customerId, sku: "lamp-\(tag)", storeId: storeId, channel: "app")
            var subscribed = try await stack.perform(NotificationsType.subscribeBackInStock, command, key: customerId, channel: "app")
            for _ in 0..<50 where subscribed.type == NotificationsType.commandRejected {  // the profile reaches notifications first
                try await Task.sleep(for: .milliseconds(100))
                subscribed = try await stack.perform(NotificationsType.subscribeBackInStock, command, key: customerId, channel: "app")
            }
            #expect(subscribed.type == NotificationsType.backInStockSubscribed)
        }
        let mia = try await register("mia"), leo = try await register("leo")
        try await subscribe(mia, at: "lille")
        try await subscribe(leo, at: nil)
        func level(_ available: Int, _ previous: Int, _ online: Int) -> StockAvailability {
            StockAvailability(sku: "lamp-\(tag)", locationId: "lille", onHand: available, reserved: 0, safetyStock: 0, available: available,
                              previousAvailable: previous, onlineAvailable: online)
        }
        // Two as catalog published them before v2 (one level each), then two levels in one v2 event.
        for old in [level(0, 0, 0), level(3, 0, 0)] {
            try await stack.publishEvent(CatalogType.availabilityChangedV1, old, of: .catalog, key: "lamp-\(tag)")
        }
        try await stack.publishEvent(CatalogType.availabilityChanged, AvailabilityChanged(levels: [level(5, 3, 2), level(5, 5, 4)]),
                                     of: .catalog, key: "lamp-\(tag)")
        let withStock = try await smtp.waitForMessages(4)
        let back = try #require(withStock.first { $0.contains("To: <mia.\(tag)@example.com>") })
        #expect(back.contains("lamp-\(tag) is available again at lille"), "\(back)")
        let backOnline = try #require(withStock.first { $0.contains("To: <leo.\(tag)@example.com>") })
        #expect(backOnline.contains("lamp-\(tag) is available again online"), "\(backOnline)")

        // A refund is confirmed with the amount.
        let refund = ItemsReturned(returnId: "ret-\(tag)", orderId: "ord-\(tag)", customerId: mia, channel: "pos", locationId: "lille",
                                   lines: [ReturnedLine(lineId: "1", sku: "lamp-\(tag)", quantity: 1, refundMinor: 1_200)], refundMinor: 1_200,
                                   currency: "EUR", fullyReturned: true)
        try await stack.publishEvent(OrdersType.itemsReturned, refund, of: .orders, key: "ord-\(tag)")
        let withRefund = try await smtp.waitForMessages(5)
        #expect(withRefund.contains { $0.contains("To: <mia.\(tag)@example.com>") && $0.contains("refunded 12.00 EUR") })

        // An abandoned cart is marketing: she never agreed to it, so nothing goes, and the log says why.
        try await stack.publishEvent(OrdersType.cartAbandoned, CartAbandoned(ownerId: mia, lines: [CartLine(sku: "lamp-\(tag)", quantity: 1)],
                                                                            lastChannel: "app", idleSince: Date()), of: .orders, key: mia)
        let suppressed = try await stack.watcher.first(NotificationsType.notificationSuppressed) {
            try $0.payload(NotificationEvent.self).customerId == mia
        }
        #expect(try suppressed.payload(NotificationEvent.self).reason == "no-consent" && suppressed.payload(NotificationEvent.self).trigger == "cart-abandoned")
        try await Task.sleep(for: .seconds(1))
        #expect(smtp.messages.count == 5, "one message per trigger, nothing more")

        // J10: forget her. Her contact data and the bodies go; the log keeps what was sent when.
        _ = try await stack.perform(CustomersType.eraseCustomer, EraseCustomer(customer: .id(mia), reason: "customer request"), key: mia)
        struct Log: Decodable { var messages: [Entry]; struct Entry: Decodable { var template: String; var status: String; var subject: String? } }
        var log: [Log.Entry] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await stack.http(.notifications).get("/customers/\(mia)/contact").0 == 404 {
                log = try await stack.getJSON("/customers/\(mia)/messages", as: Log.self, from: .notifications).messages
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(log.count == 3 && log.allSatisfy { $0.subject == nil }, "\(log.map { "\($0.template) \($0.status) \($0.subject ?? "-")" })")
    }

    @Test("a B2B quote reaches the lead's contact by email with its lines, discount, total and date, once however often it is issued")
    func quoteIssued() async throws {
        let smtp = try await SMTPServerProcess()
        let stack = try await ServiceStack([.notifications], environment: ["OMNI_SMTP_PORT": "\(smtp.port)"])
        defer { Task { await stack.stop() } }
        let tag = UUID().uuidString.prefix(6).lowercased()
        let quote = QuoteSnapshot(
            quoteId: "q-\(tag)", status: "open", channel: "telesales", customerId: nil, leadId: "lead-\(tag)", currency: "EUR",
            lines: [OrderLine(lineId: "1", sku: "desk", name: "Standing desk", category: "office", quantity: 20, unitPriceMinor: 45_000, discountMinor: 90_000)],
            promoCodes: ["B2B10"], subtotalMinor: 900_000, discountMinor: 90_000, totalMinor: 810_000,
            validUntil: Date(timeIntervalSince1970: 1_893_456_000), contact: OrderContact(firstName: "Paul", email: "paul.\(tag)@acme.example"),
            note: "Delivery to the Lille office included.", orderId: nil)
        // Issued, then asked for again (CreateQuote of the same id answers QuoteIssued again).
        for _ in 0..<2 { try await stack.publishEvent(OrdersType.quoteIssued, QuoteEvent(quote: quote), of: .orders, key: quote.quoteId) }
        let mails = try await smtp.waitForMessages(1)
        let mail = try #require(mails.first)
        #expect(mail.contains("To: <paul.\(tag)@acme.example>") && mail.contains("Your quote q-\(tag)"), "\(mail)")
        #expect(mail.contains("Hello Paul") && mail.contains("20 × Standing desk") && mail.contains("Discount: 900.00 EUR")
                && mail.contains("Total: 8100.00 EUR") && mail.contains("valid until 2030-01-01") && mail.contains("Lille office"), "\(mail)")
        try await Task.sleep(for: .seconds(1))
        #expect(smtp.messages.count == 1, "one email per quote")
    }
}
