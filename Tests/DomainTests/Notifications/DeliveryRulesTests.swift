import Foundation
import NotificationsCore
import Testing

@Suite("Notifications: delivery rules (J8)")
struct DeliveryRulesTests {
    typealias Rules = DeliveryRules
    // Saturday 2026-11-28 10:00 UTC: 11:00 in Paris, 05:00 in New York.
    let now = Date(timeIntervalSince1970: 1_795_860_000)
    let marketing = Rules.Intent(transactional: false, media: [.email, .sms, .push])
    let transactional = Rules.Intent(transactional: true, media: [.email, .sms])
    var contact: Rules.Contact {
        Rules.Contact(addresses: [.email: "ada@example.com", .sms: "+33612345678", .push: "c-1"], consents: [.email: true, .sms: false],
                      preferred: .sms, quietHours: nil, timeZone: "Europe/Paris")
    }

    @Test("A customer who refused SMS gets email only, even when SMS is her preferred medium")
    func refusedMediumIsSkipped() {
        #expect(Rules.decide(transactional, for: contact, marketingThisWeek: 0, weeklyCap: 3, now: now) == .send(.email, address: "ada@example.com", at: now))
        #expect(Rules.decide(marketing, for: contact, marketingThisWeek: 0, weeklyCap: 3, now: now) == .send(.email, address: "ada@example.com", at: now))
    }

    @Test("The preferred medium comes first when it is allowed")
    func preferredFirst() {
        var agreed = contact
        agreed.consents[.sms] = true
        #expect(Rules.decide(marketing, for: agreed, marketingThisWeek: 0, weeklyCap: 3, now: now) == .send(.sms, address: "+33612345678", at: now))
    }

    @Test("Marketing needs consent given; transactional only that it was not refused")
    func consent() {
        let neverAsked = Rules.Contact(addresses: [.email: "guest@example.com"])
        #expect(Rules.decide(transactional, for: neverAsked, marketingThisWeek: 0, weeklyCap: 3, now: now) == .send(.email, address: "guest@example.com", at: now))
        #expect(Rules.decide(marketing, for: neverAsked, marketingThisWeek: 0, weeklyCap: 3, now: now) == .suppress("no-consent"))
        #expect(Rules.decide(marketing, for: Rules.Contact(), marketingThisWeek: 0, weeklyCap: 3, now: now) == .suppress("no-address"))
        #expect(Rules.decide(Rules.Intent(transactional: true, media: []), for: contact, marketingThisWeek: 0, weeklyCap: 3, now: now) == .suppress("no-template"))
        let pushOnly = Rules.Intent(transactional: false, media: [.push])
        #expect(Rules.decide(pushOnly, for: contact, marketingThisWeek: 0, weeklyCap: 3, now: now) == .suppress("no-consent"), "push was never agreed to")
    }

    @Test("Marketing is capped per rolling week across media; transactional messages always go")
    func pressureCap() {
        #expect(Rules.decide(marketing, for: contact, marketingThisWeek: 2, weeklyCap: 3, now: now) != .suppress("pressure-cap"))
        #expect(Rules.decide(marketing, for: contact, marketingThisWeek: 3, weeklyCap: 3, now: now) == .suppress("pressure-cap"))
        #expect(Rules.decide(transactional, for: contact, marketingThisWeek: 30, weeklyCap: 3, now: now) == .send(.email, address: "ada@example.com", at: now))
    }

    @Test("Quiet hours in her time zone defer marketing to their end; transactional goes at once")
    func quietHours() throws {
        var sleeping = contact
        sleeping.quietHours = Rules.QuietHours(start: "10:30", end: "12:15")  // 11:00 in Paris is inside
        let end = try #require(Rules.quietHoursEnd(sleeping.quietHours, timeZone: "Europe/Paris", now: now))
        #expect(end == now.addingTimeInterval(75 * 60), "12:15 Paris time")
        #expect(Rules.decide(marketing, for: sleeping, marketingThisWeek: 0, weeklyCap: 3, now: now) == .send(.email, address: "ada@example.com", at: end))
        #expect(Rules.decide(transactional, for: sleeping, marketingThisWeek: 0, weeklyCap: 3, now: now) == .send(.email, address: "ada@example.com", at: now))
        // Overnight period that wraps midnight: 21:30–08:00 Paris, at 06:00 UTC = 07:00 Paris.
        let early = now.addingTimeInterval(-4 * 3600)
        let overnight = Rules.QuietHours(start: "21:30", end: "08:00")
        #expect(Rules.quietHoursEnd(overnight, timeZone: "Europe/Paris", now: early) == early.addingTimeInterval(3600))
        #expect(Rules.quietHoursEnd(overnight, timeZone: "Europe/Paris", now: now) == nil, "11:00 is outside")
        #expect(Rules.quietHoursEnd(overnight, timeZone: "America/New_York", now: now) == now.addingTimeInterval(3 * 3600), "05:00 in New York: until 08:00")
        #expect(Rules.QuietHours(start: "25:00", end: "08:00") == nil && Rules.QuietHours(start: "08:00", end: "08:00") == nil)
    }
}
