import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import Testing

/// J8 on the real customers and notifications processes, a real SMTP server and a real
/// HTTP receiver standing in for the SMS and push providers. Orders' events are published
/// as orders would.
@Suite("Notifications: preferences and pressure (J8), SMS and push webhooks, campaigns", .serialized)
struct PreferencesAndPressureTests {
    struct Log: Decodable {
        var messages: [Entry]
        struct Entry: Decodable { var trigger: String; var template: String; var medium: String; var status: String; var reason: String?; var notBefore: Date }
    }

    let tag = UUID().uuidString.prefix(6).lowercased()

    /// A customer as channels create one, with consents and preferences, once notifications
    /// has read all of it.
    func customer(_ name: String, phone: String, consents: [(ContactMedium, Bool)], preferred: ContactMedium?, quietHours: QuietHours? = nil,
                  on stack: ServiceStack) async throws -> String {
        try await stack.registerCustomer([CustomerIdentifier(.email, "\(name).\(tag)@example.com"), CustomerIdentifier(.phone, phone)],
                                         profile: ProfileFields(firstName: name.capitalized, locale: "fr-FR", timeZone: "UTC"), consents: consents,
                                         preferred: preferred, quietHours: quietHours)
    }

    func campaign(_ id: String, to customers: [String], on stack: ServiceStack) async throws -> CampaignQueued {
        let command = SendNotification(campaignId: "\(id)-\(tag)", template: "seasonal-offer", customerIds: customers,
                                       values: ["headline": "Black Friday", "offer": "−20 % on lamps"])
        return try await stack.perform(NotificationsType.sendNotification, command, key: command.campaignId,
                                       expecting: [NotificationsType.campaignQueued, NotificationsType.commandRejected]).payload(CampaignQueued.self)
    }

    func orderReady(_ orderId: String, for customerId: String, on stack: ServiceStack) async throws {
        let line = OrderLine(lineId: "1", sku: "lamp", name: "Lampe Arc", category: "home", quantity: 1, unitPriceMinor: 4_900)
        let order = OrderSnapshot(orderId: orderId, status: "ready-for-pickup", channel: "web", storeId: nil, customerId: customerId, currency: "EUR",
                                  lines: [line], promoCodes: [], fulfilment: OrderFulfilment(mode: .pickup, storeId: "lille"), contact: nil,
                                  subtotalMinor: 4_900, discountMinor: 0, totalMinor: 4_900, placedAt: Date())
        try await stack.publishEvent(OrdersType.orderReadyForPickup, OrderReadyForPickup(order: order, pickupCode: "482913", qrPayload: "omni://pickup/\(orderId)",
                                                                                          collectBy: Date().addingTimeInterval(3 * 86_400)),
                                     of: .orders, key: orderId)
    }

    func log(_ id: String, on stack: ServiceStack) async throws -> [Log.Entry] {
        try await stack.getJSON("/customers/\(id)/messages", as: Log.self, from: .notifications).messages
    }

    @Test("J8: she refused SMS so gets email only; marketing is capped per week across email and push; the pickup code still goes; quiet hours hold marketing back, not transactional messages")
    func preferencesAndPressure() async throws {
        let smtp = try await SMTPServerProcess()
        let providers = try await WebhookReceiver(unreachable: ["+33600000000"], flaky: ["+33644444444"])
        defer { providers.stop() }
        let stack = try await ServiceStack([.customers, .notifications], environment: [
            "OMNI_SMTP_PORT": "\(smtp.port)", "OMNI_SMS_WEBHOOK_URL": "\(providers.url)/sms", "OMNI_PUSH_WEBHOOK_URL": "\(providers.url)/push",
            "OMNI_NOTIFICATIONS_WEEKLY_CAP": "2",
        ])
        defer { Task { await stack.stop() } }

        // Zoé prefers SMS but refused it; she agreed to email and push.
        let zoe = try await customer("zoe", phone: "+33611111111", consents: [(.sms, false), (.email, true), (.push, true)], preferred: .sms, on: stack)
        // Ben agreed to SMS; it is night for him (quiet hours around now, in his zone).
        let utc = Calendar(identifier: .gregorian)
        func hhmm(_ date: Date) -> String {
            let parts = utc.dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
            return String(format: "%02d:%02d", parts.hour!, parts.minute!)
        }
        let night = QuietHours(start: hhmm(Date().addingTimeInterval(-3600)), end: hhmm(Date().addingTimeInterval(3600)))
        let ben = try await customer("ben", phone: "+33622222222", consents: [(.sms, true)], preferred: .sms, quietHours: night, on: stack)
        // Carl never said yes to anything.
        let carl = try await customer("carl", phone: "+33633333333", consents: [], preferred: nil, on: stack)

        let first = try await campaign("bf-1", to: [zoe, ben, carl], on: stack)
        #expect(first.queued == 2 && first.deferred == 1 && first.suppressed == ["no-consent": 1], "\(first)")
        // Zoé's comes by email: SMS, her preferred medium, was refused.
        let mails = try await smtp.waitForMessages(1)
        #expect(mails.count == 1 && mails[0].contains("To: <zoe.\(tag)@example.com>") && mails[0].contains("Black Friday"))
        // Ben's waits for the end of his quiet hours.
        let benLog = try await log(ben, on: stack)
        #expect(benLog.count == 1 && benLog[0].status == "pending" && benLog[0].reason == "quiet-hours" && benLog[0].medium == "sms")
        #expect(benLog[0].notBefore > Date().addingTimeInterval(3000), "held until his quiet hours end, an hour from now")

        // Push now: the second marketing message of her week goes there; a third is one too many, whatever the medium.
        try await stack.setContactPreferences(.push, zoe)
        #expect(try await campaign("bf-2", to: [zoe], on: stack).queued == 1)
        let pushed = try await providers.wait { $0.contains { $0.medium == "push" } }.filter { $0.medium == "push" }
        #expect(pushed.count == 1 && pushed[0].to == zoe && pushed[0].title == "Black Friday" && pushed[0].idempotencyKey == pushed[0].messageId)
        let third = try await campaign("bf-3", to: [zoe], on: stack)
        #expect(third.queued == 0 && third.suppressed == ["pressure-cap": 1], "\(third)")
        #expect(try await campaign("bf-2", to: [zoe], on: stack).alreadyRequested == 1, "the same campaign twice sends nothing twice")

        // Transactional: her pickup code goes despite the cap, by email (SMS refused, even when preferred again).
        try await stack.setContactPreferences(.sms, zoe)
        try await orderReady("ord-z-\(tag)", for: zoe, on: stack)
        let withPickup = try await smtp.waitForMessages(2)
        #expect(withPickup.contains { $0.contains("To: <zoe.\(tag)@example.com>") && $0.contains("482913") })
        // ...and Ben's goes by SMS at once, quiet hours or not.
        try await orderReady("ord-b-\(tag)", for: ben, on: stack)
        let sms = try await providers.wait { $0.contains { $0.medium == "sms" } }.filter { $0.medium == "sms" }
        #expect(sms.count == 1 && sms[0].to == "+33622222222" && sms[0].text.contains("482913") && sms[0].text.hasPrefix("Ben,"), "\(sms)")
        #expect(!providers.messages.contains { $0.to == "+33611111111" }, "never an SMS to the customer who refused them")

        // A number the provider cannot reach: NotificationFailed with the provider's reason, nothing retried.
        let dan = try await customer("dan", phone: "+33600000000", consents: [(.sms, true)], preferred: .sms, on: stack)
        try await orderReady("ord-d-\(tag)", for: dan, on: stack)
        let failed = try await stack.watcher.first(NotificationsType.notificationFailed) { try $0.payload(NotificationEvent.self).customerId == dan }
        #expect(try failed.payload(NotificationEvent.self).reason?.contains("422") == true)
        #expect(providers.messages.filter { $0.to == "+33600000000" }.count == 1)

        // A provider that is down for a moment: tried again after a back-off, with the same idempotency key, then sent.
        let eve = try await customer("eve", phone: "+33644444444", consents: [(.sms, true)], preferred: .sms, on: stack)
        try await orderReady("ord-e-\(tag)", for: eve, on: stack)
        _ = try await stack.watcher.first(NotificationsType.notificationSent) { try $0.payload(NotificationEvent.self).customerId == eve }
        let tries = providers.messages.filter { $0.to == "+33644444444" }
        #expect(tries.count == 2 && Set(tries.map(\.idempotencyKey)).count == 1, "\(tries.map(\.idempotencyKey))")
    }

    @Test("A campaign naming an unknown template or locale, or nobody, is refused with the reason")
    func badCampaigns() async throws {
        let stack = try await ServiceStack(.notifications)
        defer { Task { await stack.stop() } }
        let cases: [(SendNotification, String)] = [
            (SendNotification(campaignId: "c1", template: "no-such-template", customerIds: ["x"]), "unknown-template"),
            (SendNotification(campaignId: "c2", template: "seasonal-offer", customerIds: ["x"], locale: "de"), "unknown-locale"),
            (SendNotification(campaignId: "c3", template: "seasonal-offer", customerIds: []), "invalid-audience"),
            (SendNotification(campaignId: "", template: "seasonal-offer", customerIds: ["x"]), "missing-field"),
        ]
        for (command, reason) in cases {
            let outcome = try await stack.perform(NotificationsType.sendNotification, command, key: "bad")
            #expect(try outcome.payload(CommandRejected.self).reasonCode == reason, "\(command)")
        }
        let unknown = try await stack.perform(NotificationsType.subscribeBackInStock, SubscribeBackInStock(customerId: "nobody", sku: "lamp", channel: "web"), key: "x")
        #expect(try unknown.payload(CommandRejected.self).reasonCode == "unknown-customer")
        let noAddress = try await stack.perform(NotificationsType.setAssigneeContact, SetAssigneeContact(kind: "field-rep", id: "rep-1", name: "Rep"), key: "x")
        #expect(try noAddress.payload(CommandRejected.self).reasonCode == "missing-address")
        let (status, body) = try await stack.http.get("/customers/nobody/contact")
        #expect(status == 404 && body.contains("\"status\":404"), "\(body)")
    }
}
