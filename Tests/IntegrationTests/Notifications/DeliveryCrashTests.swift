import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import Testing

/// At most once under `kill -9`: the notifications process is killed inside the trigger's
/// transaction, after a handler's commit, after the relay's publish, after claiming a
/// message and after the SMTP server took it; a real SMTP server counts what arrived.
@Suite("Notifications: one message per trigger even under kill -9 (real process, real SMTP)", .serialized)
struct DeliveryCrashTests {
    static let faults = ["notifications.dispatch@1", "consumer.after-commit@1", "relay.after-publish@1", "notifications.after-claim@1",
                         "notifications.after-send@1"]

    func confirmed(_ orderId: String, email: String) -> OrderEvent {
        let line = OrderLine(lineId: "1", sku: "lamp", name: "Lamp", category: "home", quantity: 1, unitPriceMinor: 4_900)
        return OrderEvent(order: OrderSnapshot(orderId: orderId, status: "confirmed", channel: "web", storeId: nil, customerId: "cust-\(orderId)",
                                               currency: "EUR", lines: [line], promoCodes: [], fulfilment: OrderFulfilment(mode: .delivery),
                                               contact: OrderContact(firstName: "Ada", email: email), subtotalMinor: 4_900, discountMinor: 0,
                                               totalMinor: 4_900, placedAt: Date()))
    }

    @Test("kill -9 at every step: no order confirmation is ever sent twice; those whose fate a crash hid end failed as outcome-unknown, the others sent")
    func killAtEveryStep() async throws {
        let smtp = try await SMTPServerProcess()
        let base = ["OMNI_SMTP_PORT": "\(smtp.port)", "OMNI_NOTIFICATIONS_SENDING_LEASE_SECONDS": "2"]
        let stack = try await ServiceStack([.notifications], environment: base)
        defer { Task { await stack.stop() } }
        let run = UUID().uuidString.prefix(6).lowercased()
        struct Log: Decodable { var messages: [Entry]; struct Entry: Decodable { var template: String; var status: String; var reason: String? } }
        for (index, fault) in Self.faults.enumerated() {
            try await stack.restart(.notifications, environment: base.merging(["OMNI_FAULT_POINTS": fault]) { $1 })
            let orderId = "ord-\(run)-\(index)"
            try await stack.publishEvent(OrdersType.orderConfirmed, confirmed(orderId, email: "\(orderId)@example.com"), of: .orders, key: orderId)
            let process = stack.process(.notifications)
            _ = await process.waitForExit(timeout: .seconds(30))
            #expect(process.wasKilled, "\(fault) was not reached")
            // Back up without the fault: the trigger is settled before the next crash.
            try await stack.restart(.notifications, environment: base)
            var entries: [Log.Entry] = []
            let deadline = ContinuousClock.now + .seconds(40)
            while ContinuousClock.now < deadline {
                entries = try await stack.getJSON("/customers/cust-\(orderId)/messages", as: Log.self).messages
                if entries.count == 1, ["sent", "failed"].contains(entries[0].status) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(entries.count == 1, "\(fault): one message for the trigger")
            try await Task.sleep(for: .milliseconds(500))
            let copies = smtp.messages.filter { $0.contains("To: <\(orderId)@example.com>") }.count
            switch fault {
            case "notifications.after-claim@1":
                #expect(entries.first?.status == "failed" && entries.first?.reason == "outcome-unknown" && copies == 0, "\(fault)")
            case "notifications.after-send@1":
                #expect(entries.first?.status == "failed" && entries.first?.reason == "outcome-unknown" && copies == 1, "\(fault): sent once, never again")
            default:
                #expect(entries.first?.status == "sent" && copies == 1, "\(fault): sent exactly once")
            }
        }
        // Every abandoned send was reported, once per message, for operators to follow up.
        let unknown = try await stack.watcher.all(NotificationsType.notificationFailed, count: 2) { try $0.payload(NotificationEvent.self).reason == "outcome-unknown" }
        #expect(Set(try unknown.map { try $0.payload(NotificationEvent.self).messageId }).count == 2)
    }
}
