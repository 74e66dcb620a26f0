import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("J8 — Preferences and pressure")
    struct Preferences {
        @Test("J8: who refused SMS gets email only; marketing is capped per week across email and push; her order-ready message still goes; quiet hours hold marketing back but not his order-ready SMS")
        func preferencesAndPressure() async throws {
            // Two marketing messages per customer per week, whatever the medium.
            let omni = try await JourneyStack(environment: ["OMNI_NOTIFICATIONS_WEEKLY_CAP": "2"])
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag
            func campaign(_ name: String, to customers: [String]) async throws -> CampaignQueued {
                let command = SendNotification(campaignId: "\(name)-\(tag)", template: "seasonal-offer", customerIds: customers,
                                               values: ["headline": "Spring trail days \(name)", "offer": "-20 % on trail shoes"])
                return try await omni.perform(NotificationsType.sendNotification, command, key: command.campaignId,
                                              expecting: [NotificationsType.campaignQueued, NotificationsType.commandRejected]).payload(CampaignQueued.self)
            }

            // Zoé prefers SMS but refused it; she agreed to email and push.
            let zoe = try await omni.customer("Zoe", phone: "+33611111111", consents: [(.sms, false), (.email, true), (.push, true)], preferred: .sms)
            // Ben agreed to SMS; it is night where he lives (his quiet hours are now).
            let utc = Calendar(identifier: .gregorian)
            func hhmm(_ date: Date) -> String {
                let parts = utc.dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
                return String(format: "%02d:%02d", parts.hour!, parts.minute!)
            }
            let night = QuietHours(start: hhmm(Date().addingTimeInterval(-3600)), end: hhmm(Date().addingTimeInterval(3600)))
            let ben = try await omni.customer("Ben", phone: "+33622222222", consents: [(.sms, true)], preferred: .sms, quietHours: night)

            // The first spring campaign: Zoé's comes by email, as SMS is refused; Ben's waits for the end of his night.
            let first = try await campaign("one", to: [zoe, ben])
            #expect(first.queued == 2 && first.deferred == 1 && first.suppressed.isEmpty, "\(first)")
            let offer = try await omni.smtp.waitForMessage { $0.contains("To: <\(omni.email("Zoe"))>") && $0.contains("Spring trail days one") }
            #expect(!offer.isEmpty)
            let held = try await omni.messages(ben)
            #expect(held.map(\.status) == ["pending"] && held.first?.reason == "quiet-hours" && held.first?.medium == "sms", "\(held)")

            // Zoé now prefers push: the second campaign of her week comes there...
            try await omni.services.setContactPreferences(.push, zoe)
            #expect(try await campaign("two", to: [zoe]).queued == 1)
            let pushed = try await omni.providers.wait { $0.contains { $0.medium == "push" } }.filter { $0.medium == "push" }
            #expect(pushed.count == 1 && pushed.first?.to == zoe && pushed.first?.title == "Spring trail days two", "\(pushed)")
            // ...and a third is one too many, whatever the medium.
            let third = try await campaign("three", to: [zoe])
            #expect(third.queued == 0 && third.suppressed == ["pressure-cap": 1], "\(third)")

            // Her click & collect order is ready: transactional, so it goes despite the cap, by email, even with SMS preferred again.
            try await omni.services.setContactPreferences(.sms, zoe)
            let hers = try await omni.confirmed(shop.pickup("ord-zoe-\(tag)", customerId: zoe, [OrderLineRequest(sku: shop.shoe, quantity: 1)]))
            let ready = try await omni.perform(OrdersType.markReadyForPickup, OrderStep(orderId: hers.orderId), key: hers.orderId, channel: "tablet")
                .payload(OrderReadyForPickup.self)
            let pickupMail = try await omni.smtp.waitForMessage { $0.contains("To: <\(omni.email("Zoe"))>") && $0.contains(ready.pickupCode) }
            #expect(pickupMail.contains("Hello Zoe"))

            // Ben's order is ready in the middle of his night: the SMS goes at once.
            let his = try await omni.confirmed(shop.pickup("ord-ben-\(tag)", customerId: ben, [OrderLineRequest(sku: shop.socks, quantity: 1)]))
            let benReady = try await omni.perform(OrdersType.markReadyForPickup, OrderStep(orderId: his.orderId), key: his.orderId, channel: "tablet")
                .payload(OrderReadyForPickup.self)
            let sms = try await omni.providers.wait { $0.contains { $0.text.contains(benReady.pickupCode) } }.filter { $0.text.contains(benReady.pickupCode) }
            #expect(sms.count == 1 && sms.first?.medium == "sms" && sms.first?.to == "+33622222222" && sms.first?.text.hasPrefix("Ben,") == true, "\(sms)")
            // His campaign message is still waiting for the morning; nothing ever went to Zoé by SMS.
            #expect(try await omni.messages(ben).first { $0.template == "seasonal-offer" }?.status == "pending")
            #expect(!omni.providers.messages.contains { $0.to == "+33611111111" })
        }
    }
}
