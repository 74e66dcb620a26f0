import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import Testing

@Suite("Notifications: order emails by name, in her language, once (real SMTP server, five real services)", .serialized)
struct NotificationsTests {
    @Test("J4: click & collect confirmed then ready: two emails, the pickup one in French with her first name, the store and the code; no address, no email")
    func clickAndCollectEmails() async throws {
        let smtp = try await SMTPServerProcess()
        let stack = try await OrdersFixtures.stack([.orders, .catalog, .promotions, .customers, .notifications], environment: ["OMNI_SMTP_PORT": "\(smtp.port)"])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 3])
        let tag = UUID().uuidString.prefix(6)
        let registered = try await stack.perform(CustomersType.registerCustomer, RegisterCustomer(
            identifiers: [CustomerIdentifier(.email, "ada.\(tag)@example.com")], profile: ProfileFields(firstName: "Ada", locale: "fr-FR")), key: "ada-\(tag)")
        let customerId = try registered.payload(CustomerRegistered.self).profile.customerId

        var order = fixtures.pickupOrder("ord-\(tag)", customerId: customerId)
        order.contact = OrderContact(firstName: "Ada", email: "ada.\(tag)@example.com")
        #expect(try await OrdersFixtures.place(order, on: stack).type == OrdersType.orderConfirmed)
        let ready = try await stack.perform(OrdersType.markReadyForPickup, OrderStep(orderId: order.orderId), key: order.orderId, channel: "tablet")
        let code = try ready.payload(OrderReadyForPickup.self).pickupCode

        let mails = try await smtp.waitForMessages(2)
        #expect(mails.count == 2 && mails.allSatisfy { $0.contains("To: <ada.\(tag)@example.com>") })
        let pickup = try #require(mails.first { $0.contains(code) })
        #expect(pickup.contains("Bonjour Ada") && pickup.contains("Lille Centre") && pickup.contains("code de retrait"), "\(pickup)")
        #expect(mails.contains { $0.contains("Merci ! Votre commande ord-\(tag) est confirmée") })

        let sent = try await stack.watcher.all(NotificationsType.notificationSent, count: 2) { try $0.payload(NotificationEvent.self).customerId == customerId }
        #expect(Set(try sent.map { try $0.payload(NotificationEvent.self).template }) == ["order-confirmed", "ready-for-pickup"])
        struct Log: Decodable {
            var messages: [Entry]
            struct Entry: Decodable { var template: String; var status: String; var locale: String; var reason: String?; var notBefore: Date }
        }
        let log: Log = try await stack.getJSON("/customers/\(customerId)/messages", from: .notifications)
        let sentLog = log.messages.filter { $0.template != "pickup-reminder" }
        #expect(sentLog.count == 2 && sentLog.allSatisfy { $0.status == "sent" && $0.locale == "fr" })
        // A reminder waits for the day before the collect-by date...
        let reminder = try #require(log.messages.first { $0.template == "pickup-reminder" })
        let collectBy = try ready.payload(OrderReadyForPickup.self).collectBy
        #expect(reminder.status == "pending" && abs(reminder.notBefore.timeIntervalSince(collectBy.addingTimeInterval(-86_400))) < 1)
        // ...and is called off once she collects the order.
        let pickedUp = try await stack.perform(OrdersType.confirmPickup, OrderStep(orderId: order.orderId, reference: code), key: order.orderId, channel: "pos")
        #expect(pickedUp.type == OrdersType.orderPickedUp)
        var reminderStatus = reminder.status
        let calledOff = ContinuousClock.now + .seconds(15)
        while reminderStatus == "pending", ContinuousClock.now < calledOff {
            try await Task.sleep(for: .milliseconds(200))
            let now: Log = try await stack.getJSON("/customers/\(customerId)/messages", from: .notifications)
            reminderStatus = now.messages.first { $0.template == "pickup-reminder" }?.status ?? "missing"
        }
        #expect(reminderStatus == "cancelled")
        let (status, body) = try await stack.http(.notifications).get("/customers/\(customerId)/messages?limit=0")
        #expect(status == 400 && body.contains("\"status\":400"), "\(body)")
        // Every team sees what was sent to her: both emails are on her customer timeline.
        struct Timeline: Decodable { var entries: [Entry]; struct Entry: Decodable { var kind: String; var channel: String?; var summary: String } }
        var notes: [Timeline.Entry] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while notes.count < 2, ContinuousClock.now < deadline {
            notes = try await stack.getJSON("/customers/\(customerId)/timeline", as: Timeline.self, from: .customers).entries.filter { $0.kind == "notification" }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(Set(notes.map(\.summary)) == ["email order-confirmed sent", "email ready-for-pickup sent"] && notes.allSatisfy { $0.channel == "email" })

        // A guest with no contact at all: the message is suppressed with the reason, not lost silently.
        var guest = fixtures.pickupOrder("ord-guest-\(tag)", customerId: nil)
        guest.contact = nil
        #expect(try await OrdersFixtures.place(guest, on: stack).type == OrdersType.orderConfirmed)
        let suppressed = try await stack.watcher.first(NotificationsType.notificationSuppressed) { try $0.payload(NotificationEvent.self).reason == "no-address" }
        #expect(try suppressed.payload(NotificationEvent.self).trigger == "order-confirmed")
        // A walk-in's sale at the till, nobody named and no contact: nothing to tell, nothing recorded.
        let walkIn = PlaceOrder(orderId: "ord-till-\(tag)", channel: "pos", storeId: fixtures.store, lines: [OrderLineRequest(sku: fixtures.sku, quantity: 1)],
                                fulfilment: OrderFulfilment(mode: .inStore), paymentReference: "till-\(tag)")
        #expect(try await OrdersFixtures.place(walkIn, on: stack, channel: "pos").type == OrdersType.orderConfirmed)
        try await Task.sleep(for: .seconds(1))
        #expect(smtp.messages.count == 2, "nothing more was sent")
        #expect(stack.watcher.events(NotificationsType.notificationSuppressed).count == 1, "the guest's suppression only")
    }
}
