import CustomersContracts
import CustomersCore
import Foundation
import OmniMessaging
import Testing

@Suite("Customers: segment rules")
struct SegmentRulesTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
    func purchase(_ id: String, _ channel: String, _ amount: Int64, daysAgo days: Double) -> SegmentRules.Purchase {
        SegmentRules.Purchase(orderId: id, channel: channel, amountMinor: amount, currency: "EUR", at: daysAgo(days))
    }

    let omnichannel = DefineSegment(segmentId: "omni", name: "Store and online in 90 days",
                                    conditions: [SegmentCondition(kind: .boughtIn, channels: ["store", "online"], withinDays: 90)])
    let big = DefineSegment(segmentId: "big", name: "More than 500 € this year",
                            conditions: [SegmentCondition(kind: .spentAtLeast, amountMinor: 50_000, currency: "EUR", withinDays: 365)])

    @Test("Bought both in store and online in the last 90 days")
    func omnichannelBuyer() {
        let both = SegmentRules.Facts(purchases: [purchase("a", "pos", 1_000, daysAgo: 10), purchase("b", "app", 2_000, daysAgo: 80)], locale: nil)
        #expect(SegmentRules.isMember(omnichannel, both, at: now))
        let storeOnly = SegmentRules.Facts(purchases: [purchase("a", "kiosk", 1_000, daysAgo: 10), purchase("b", "tablet", 1_000, daysAgo: 5)], locale: nil)
        #expect(!SegmentRules.isMember(omnichannel, storeOnly, at: now))
        let tooOld = SegmentRules.Facts(purchases: [purchase("a", "pos", 1_000, daysAgo: 10), purchase("b", "web", 2_000, daysAgo: 91)], locale: nil)
        #expect(!SegmentRules.isMember(omnichannel, tooOld, at: now))
    }

    @Test("Spent more than 500 € this year, net of refunds")
    func bigSpender() {
        var facts = SegmentRules.Facts(purchases: [purchase("a", "web", 30_000, daysAgo: 100), purchase("b", "pos", 25_000, daysAgo: 3)], locale: nil)
        #expect(SegmentRules.isMember(big, facts, at: now))
        facts.purchases.append(purchase("b", "pos", -8_000, daysAgo: 1))
        #expect(!SegmentRules.isMember(big, facts, at: now), "a refund brings the total under the bar")
    }

    @Test("Memberships lapse with time alone: the next instant to look again is when the oldest purchase that counts leaves its window")
    func lapsesWithTime() throws {
        let facts = SegmentRules.Facts(purchases: [purchase("a", "pos", 1_000, daysAgo: 85), purchase("b", "web", 2_000, daysAgo: 10),
                                                   purchase("c", "web", 500, daysAgo: 400)], locale: nil)
        #expect(SegmentRules.isMember(omnichannel, facts, at: now))
        let next = try #require(SegmentRules.nextChange([omnichannel, big], facts, after: now))
        #expect(abs(next.timeIntervalSince(now) - 5 * 86_400) < 1, "the till purchase leaves the 90-day window in 5 days")
        #expect(SegmentRules.isMember(omnichannel, facts, at: next.addingTimeInterval(-1)), "still in a second before")
        #expect(!SegmentRules.isMember(omnichannel, facts, at: next), "out at that instant, with no new event")
        let later = try #require(SegmentRules.nextChange([omnichannel, big], facts, after: next))
        #expect(abs(later.timeIntervalSince(now) - 80 * 86_400) < 1, "then the web purchase leaves its window")
        #expect(SegmentRules.nextChange([omnichannel], facts, after: now.addingTimeInterval(100 * 86_400)) == nil, "nothing left to lapse")
        let byLocale = DefineSegment(segmentId: "fr", name: "French", conditions: [SegmentCondition(kind: .locale, values: ["fr"])])
        #expect(SegmentRules.nextChange([byLocale], facts, after: now) == nil, "a profile condition never lapses by itself")
    }

    @Test("Malformed definitions are refused with a reason")
    func validation() {
        #expect(throws: Rejection.self) { try SegmentRules.validate(DefineSegment(segmentId: "x", name: "X", conditions: [])) }
        #expect(throws: Rejection.self) { try SegmentRules.validate(DefineSegment(segmentId: "x", name: "X", conditions: [SegmentCondition(kind: .boughtIn, channels: ["fax"])])) }
        #expect(throws: Rejection.self) { try SegmentRules.validate(DefineSegment(segmentId: "x", name: "X", conditions: [SegmentCondition(kind: .spentAtLeast)])) }
        #expect(throws: Never.self) { try SegmentRules.validate(omnichannel) }
    }
}
