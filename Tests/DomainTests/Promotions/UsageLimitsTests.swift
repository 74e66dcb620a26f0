import PromotionsContracts
import PromotionsCore
import Testing

@Suite("Promotions: usage limits")
struct UsageLimitsTests {
    let launch = Promotion(promotionId: "launch", name: "Launch", kind: .percentOff, percent: 20, code: "LAUNCH", usageLimit: 100, perCustomerLimit: 1)

    @Test("Within both limits: usable")
    func usable() {
        #expect(UsageLimits.refusal(launch, totalUses: 99, customerUses: 0, customerId: "c-1") == nil)
    }

    @Test("The total limit is held across every channel and customer")
    func totalLimit() {
        #expect(UsageLimits.refusal(launch, totalUses: 100, customerUses: 0, customerId: "c-1")?.reasonCode == "limit-reached")
    }

    @Test("Once per customer; an anonymous basket cannot use a per-customer code")
    func perCustomer() {
        #expect(UsageLimits.refusal(launch, totalUses: 3, customerUses: 1, customerId: "c-1")?.reasonCode == "already-used-by-customer")
        #expect(UsageLimits.refusal(launch, totalUses: 3, customerUses: 0, customerId: nil)?.reasonCode == "customer-required")
    }

    @Test("A refused code refuses the order; a code that lost to a better offer does not")
    func refusingReasons() {
        #expect(UsageLimits.refusingReasons.contains("limit-reached"))
        #expect(!UsageLimits.refusingReasons.contains("not-combinable"))
    }
}

@Suite("Promotions: single-use codes")
struct UniqueCodeTests {
    @Test("Codes read out loud without ambiguity, with the batch's prefix, and do not repeat")
    func format() {
        var generator = SeededGenerator(seed: 7)
        let codes = (0..<5_000).map { _ in UniqueCode.generate(prefix: "welcome", using: &generator) }
        #expect(Set(codes).count == codes.count)
        for code in codes {
            #expect(code.hasPrefix("WELCOME-") && code.count == "WELCOME-".count + UniqueCode.length)
            #expect(code.dropFirst("WELCOME-".count).allSatisfy { UniqueCode.alphabet.contains($0) && !"0O1I".contains($0) })
        }
    }

    @Test("A unique-code promotion is never automatic and never has a shared code too")
    func neverAutomatic() {
        let welcome = Promotion(promotionId: "w", name: "Welcome", kind: .amountOff, amountMinor: 500, uniqueCodes: true)
        let basket = Basket(channel: "web", currency: "EUR", lines: [BasketLine(lineId: "1", sku: "A", quantity: 1, unitPriceMinor: 2_000)])
        #expect(PricingEngine.price(basket, promotions: [welcome], codes: []).totalDiscountMinor == 0)
        var issued = welcome
        issued.code = "WELCOME-ABCDEFGHJK"
        #expect(PricingEngine.price(basket, promotions: [welcome, issued], codes: ["welcome-abcdefghjk"]).totalDiscountMinor == 500)
        #expect(issued.problems == ["a promotion has a shared code or unique codes, not both"])
    }
}
