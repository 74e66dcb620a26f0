import CustomersContracts
import CustomersCore
import Foundation
import OmniMessaging
import Testing

@Suite("Customers: identifier, merge, contact and loyalty rules")
struct CustomerRulesTests {
    @Test("emails are lowercased and checked", arguments: [
        (" Maria@Example.COM ", "maria@example.com"), ("a.b+tag@shop.co.uk", "a.b+tag@shop.co.uk"),
    ])
    func emails(_ raw: String, _ expected: String) throws {
        #expect(try IdentifierRules.normalised(CustomerIdentifier(.email, raw)).value == expected)
    }

    @Test("not emails", arguments: ["maria", "maria@", "@example.com", "maria@example", "ma ria@example.com", "maria@example..com", "a@b@c.com"])
    func notEmails(_ raw: String) {
        #expect((#expect(throws: Rejection.self) { try IdentifierRules.normalised(CustomerIdentifier(.email, raw)) })?.code == "invalid-email")
    }

    @Test("phones become E.164", arguments: [("+33 6 12 34 56 78", "+33612345678"), ("0033 (6) 12-34-56-78", "+33612345678"), ("+1.415.555.0100", "+14155550100")])
    func phones(_ raw: String, _ expected: String) throws {
        #expect(try IdentifierRules.normalised(CustomerIdentifier(.phone, raw)).value == expected)
    }

    @Test("not phones", arguments: ["0612345678", "+33", "+0612345678", "+33 6 12 34 56 78 90 12 34", "+33abc45678"])
    func notPhones(_ raw: String) {
        #expect((#expect(throws: Rejection.self) { try IdentifierRules.normalised(CustomerIdentifier(.phone, raw)) })?.code == "invalid-phone")
    }

    @Test("cards and social handles are normalised")
    func cardsAndHandles() throws {
        #expect(try IdentifierRules.normalised(CustomerIdentifier(.loyaltyCard, "ab-12 34-56")).value == "AB123456")
        #expect(try IdentifierRules.normalised(CustomerIdentifier(.social, "Instagram:Maria")).value == "instagram:@maria")
        #expect(throws: Rejection.self) { try IdentifierRules.normalised(CustomerIdentifier(.social, "maria")) }
        #expect(throws: Rejection.self) { try IdentifierRules.normalised(CustomerIdentifier(.loyaltyCard, "12")) }
    }

    let old = Date(timeIntervalSince1970: 1_000), young = Date(timeIntervalSince1970: 2_000)

    @Test("an anonymous or card-only profile merges into the identified one")
    func survivor() throws {
        let anonymous = ProfileSummary(customerId: "a", createdAt: old, identifiers: [CustomerIdentifier(.anonymous, "s1")])
        let known = ProfileSummary(customerId: "b", createdAt: young, identifiers: [CustomerIdentifier(.email, "x@y.z")])
        #expect(try MergeRules.plan([anonymous, known]) == .init(survivorId: "b", mergedIds: ["a"]))
        let card = ProfileSummary(customerId: "c", createdAt: old, identifiers: [CustomerIdentifier(.loyaltyCard, "C1")])
        let other = ProfileSummary(customerId: "d", createdAt: young, identifiers: [CustomerIdentifier(.anonymous, "s2")])
        #expect(try MergeRules.plan([other, card]) == .init(survivorId: "c", mergedIds: ["d"]), "neither identified: the oldest")
    }

    @Test("two different emails, or two different phones, are two people")
    func conflicts() {
        let a = ProfileSummary(customerId: "a", createdAt: old, identifiers: [CustomerIdentifier(.email, "a@y.z")])
        let b = ProfileSummary(customerId: "b", createdAt: young, identifiers: [CustomerIdentifier(.email, "b@y.z"), CustomerIdentifier(.phone, "+33600000000")])
        #expect((#expect(throws: Rejection.self) { try MergeRules.plan([a, b]) })?.code == "conflicting-identities")
        let phoneOnly = ProfileSummary(customerId: "c", createdAt: young, identifiers: [CustomerIdentifier(.phone, "+33611111111")])
        #expect(throws: Never.self) { try MergeRules.plan([a, phoneOnly]) }
    }

    @Test("points: one per whole currency unit; never below zero")
    func loyalty() throws {
        #expect(LoyaltyRules.pointsEarned(amountMinor: 12_999, currency: "EUR") == 129)
        #expect(LoyaltyRules.pointsEarned(amountMinor: 1500, currency: "JPY") == 1500)
        #expect(try LoyaltyRules.redeem(30, balance: 100) == 70)
        #expect((#expect(throws: Rejection.self) { try LoyaltyRules.redeem(101, balance: 100) })?.code == "insufficient-points")
        #expect((#expect(throws: Rejection.self) { try LoyaltyRules.adjust(-5, balance: 4) })?.code == "insufficient-points")
    }

    @Test("points: extreme values are refused with a reason, never trap; a balance stays within its Postgres int")
    func loyaltyExtremes() throws {
        for points in [Int.min, Int.min + 1, -1, 0] {
            #expect((#expect(throws: Rejection.self) { try LoyaltyRules.redeem(points, balance: 100) })?.code == "invalid-points")
        }
        #expect((#expect(throws: Rejection.self) { try LoyaltyRules.redeem(Int.max, balance: 100) })?.code == "invalid-points")
        for points in [Int.min, Int.max, LoyaltyRules.maxBalance + 1, -LoyaltyRules.maxBalance - 1] {
            #expect((#expect(throws: Rejection.self) { try LoyaltyRules.adjust(points, balance: 50) })?.code == "invalid-points")
        }
        #expect((#expect(throws: Rejection.self) { try LoyaltyRules.adjust(LoyaltyRules.maxBalance, balance: 1) })?.code == "invalid-points")
        #expect(try LoyaltyRules.adjust(LoyaltyRules.maxBalance - 1, balance: 1) == LoyaltyRules.maxBalance)
        #expect(try LoyaltyRules.adjust(-LoyaltyRules.maxBalance, balance: LoyaltyRules.maxBalance) == 0)
        #expect(LoyaltyRules.earn(10, balance: LoyaltyRules.maxBalance - 4) == (4, LoyaltyRules.maxBalance))
        #expect(LoyaltyRules.earn(LoyaltyRules.pointsEarned(amountMinor: .max, currency: "JPY"), balance: 0) == (LoyaltyRules.maxBalance, LoyaltyRules.maxBalance))
        #expect(LoyaltyRules.earn(7, balance: 3) == (7, 10))
    }

    @Test("quiet hours and time zones are checked")
    func contact() throws {
        try ContactRules.validate(QuietHours(start: "22:00", end: "08:00"))
        #expect(throws: Rejection.self) { try ContactRules.validate(QuietHours(start: "22:00", end: "22:00")) }
        #expect(throws: Rejection.self) { try ContactRules.validate(QuietHours(start: "25:00", end: "08:00")) }
        #expect(throws: Rejection.self) { try ContactRules.validateTimeZone("Mars/Olympus") }
        try ContactRules.validateTimeZone("Europe/Paris")
    }
}
