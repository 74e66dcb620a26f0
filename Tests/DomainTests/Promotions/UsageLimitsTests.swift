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
