import Foundation
import PromotionsContracts
import Testing

/// The offers a retailer runs, priced as every channel prices them.
@Suite("Promotions: the pricing engine")
struct PricingEngineTests {
    static let noon = Date(timeIntervalSince1970: 1_790_000_000)

    static func basket(_ lines: [(String, Int, Int64)], channel: String = "web", storeId: String? = nil, shipping: Int64 = 0) -> Basket {
        Basket(channel: channel, storeId: storeId, customerId: "c-1", currency: "EUR",
               lines: lines.enumerated().map { index, line in
                   BasketLine(lineId: "l\(index)", sku: line.0, category: line.0.hasPrefix("SHOE") ? "shoes" : "other", quantity: line.1, unitPriceMinor: line.2)
               },
               shippingMinor: shipping, at: noon)
    }

    @Test("A shared code, any case: 15 % off every line")
    func percentCode() {
        let fb15 = Promotion(promotionId: "fb15", name: "FB15", kind: .percentOff, percent: 15, code: "FB15")
        let pricing = PricingEngine.price(Self.basket([("SHOE-1", 2, 8_000), ("SOCK-1", 1, 1_000)]), promotions: [fb15], codes: [" fb15 "])
        #expect(pricing.lines.map(\.discountMinor) == [2_400, 150])
        #expect(pricing.totalMinor == 17_000 - 2_550)
        #expect(pricing.applied.map(\.code) == ["FB15"])
        #expect(pricing.applied.first?.explanation == "15 % off")
    }

    @Test("Second at −50 %: the cheaper unit of each pair is discounted")
    func secondAtHalfPrice() {
        let second = Promotion(promotionId: "2nd", name: "Second at half price", kind: .nthItemPercentOff, percent: 50, nth: 2, categories: ["shoes"])
        let pricing = PricingEngine.price(Self.basket([("SHOE-1", 1, 10_000), ("SHOE-2", 1, 6_000), ("SOCK-1", 2, 1_000)]), promotions: [second], codes: [])
        #expect(pricing.lines.map(\.discountMinor) == [0, 3_000, 0])
        #expect(pricing.applied.first?.explanation == "every second item at −50 %")
    }

    @Test("−10 € from 50 €: not at 49.99 €, yes at 50 €")
    func threshold() {
        let tenOff = Promotion(promotionId: "10from50", name: "−10 € from 50 €", kind: .thresholdAmountOff, amountMinor: 1_000, thresholdMinor: 5_000)
        let under = PricingEngine.price(Self.basket([("SOCK-1", 1, 4_999)]), promotions: [tenOff], codes: [])
        #expect(under.totalDiscountMinor == 0)
        #expect(under.notApplied.map(\.reasonCode) == ["minimum-not-reached"])
        let at = PricingEngine.price(Self.basket([("SOCK-1", 1, 3_000), ("SOCK-2", 1, 2_000)]), promotions: [tenOff], codes: [])
        #expect(at.totalDiscountMinor == 1_000)
        #expect(at.lines.map(\.discountMinor) == [600, 400])
    }

    @Test("Free shipping waives the fee and nothing else")
    func freeShipping() {
        let free = Promotion(promotionId: "ship", name: "Free shipping", kind: .freeShipping, minimumBasketMinor: 3_000)
        let pricing = PricingEngine.price(Self.basket([("SHOE-1", 1, 8_000)], shipping: 490), promotions: [free], codes: [])
        #expect(pricing.shippingDiscountMinor == 490)
        #expect(pricing.totalMinor == 8_000)
        let small = PricingEngine.price(Self.basket([("SOCK-1", 1, 1_000)], shipping: 490), promotions: [free], codes: [])
        #expect(small.notApplied.map(\.reasonCode) == ["minimum-not-reached"])
        #expect(small.totalMinor == 1_490)
    }

    @Test("Buy 2, get 1 free: the cheapest unit of each three; a half-price gift when the rule says so")
    func buyTwoGetOne() {
        let free = Promotion(promotionId: "3for2", name: "3 for 2", kind: .buyXGetY, buyQuantity: 2, getQuantity: 1, categories: ["shoes"])
        let basket = Self.basket([("SHOE-1", 2, 9_000), ("SHOE-2", 1, 6_000), ("SOCK-1", 1, 500)])
        let pricing = PricingEngine.price(basket, promotions: [free], codes: [])
        #expect(pricing.lines.map(\.discountMinor) == [0, 6_000, 0])
        #expect(pricing.applied.first?.explanation == "buy 2, get 1 free")
        var half = free
        half.percent = 50
        #expect(PricingEngine.price(basket, promotions: [half], codes: []).totalDiscountMinor == 3_000)
        #expect(PricingEngine.price(Self.basket([("SHOE-1", 2, 9_000)]), promotions: [free], codes: []).totalDiscountMinor == 0, "two is not three")
    }

    @Test("A bundle price: one of each for the bundle's price, as many times as the scarcer item allows")
    func bundle() {
        let kit = Promotion(promotionId: "kit", name: "Running kit", kind: .bundlePrice, amountMinor: 10_000, skus: ["SHOE-1", "SOCK-1"])
        let pricing = PricingEngine.price(Self.basket([("SHOE-1", 2, 9_000), ("SOCK-1", 1, 2_000)]), promotions: [kit], codes: [])
        // One bundle: 9,000 + 2,000 for 10,000.
        #expect(pricing.totalDiscountMinor == 1_000)
        #expect(pricing.totalMinor == 19_000)
        #expect(PricingEngine.price(Self.basket([("SHOE-1", 1, 9_000)]), promotions: [kit], codes: []).totalDiscountMinor == 0)
        #expect(Promotion(promotionId: "k", name: "K", kind: .bundlePrice, amountMinor: 1, skus: ["A"]).problems == ["a bundle names at least two skus"])
        #expect(Promotion(promotionId: "b", name: "B", kind: .buyXGetY, buyQuantity: 0, getQuantity: 1).problems == ["buyQuantity must be from 1 to 1000000"])
    }

    @Test("Stackable offers add up, each on what the one before left; an exclusive one wins only when it is better")
    func stacking() {
        let tenPercent = Promotion(promotionId: "a", name: "10 %", kind: .percentOff, percent: 10, priority: 2)
        let fiveEuros = Promotion(promotionId: "b", name: "5 €", kind: .amountOff, amountMinor: 500, priority: 1)
        let exclusive = Promotion(promotionId: "x", name: "25 % alone", kind: .percentOff, percent: 25, stacking: .exclusive)
        let basket = Self.basket([("SHOE-1", 1, 10_000)])
        let stacked = PricingEngine.price(basket, promotions: [fiveEuros, tenPercent], codes: [])
        #expect(stacked.totalDiscountMinor == 1_000 + 500)
        #expect(stacked.applied.map(\.promotionId) == ["a", "b"])
        let best = PricingEngine.price(basket, promotions: [fiveEuros, tenPercent, exclusive], codes: [])
        #expect(best.totalDiscountMinor == 2_500)
        #expect(best.applied.map(\.promotionId) == ["x"])
        #expect(Set(best.notApplied.filter { $0.reasonCode == "not-combinable" }.compactMap(\.promotionId)) == ["a", "b"])
    }

    @Test("Every code that does not apply says why: unknown, expired, not yet, wrong channel, wrong store")
    func reasons() {
        let hour: TimeInterval = 3_600
        let promotions = [
            Promotion(promotionId: "old", name: "Old", kind: .percentOff, percent: 10, code: "OLD", validTo: Self.noon - hour),
            Promotion(promotionId: "soon", name: "Soon", kind: .percentOff, percent: 10, code: "SOON", validFrom: Self.noon + hour),
            Promotion(promotionId: "app", name: "App only", kind: .percentOff, percent: 10, code: "APP", channels: ["app"]),
            Promotion(promotionId: "lille", name: "Lille", kind: .percentOff, percent: 10, code: "LILLE", storeIds: ["st-lille"]),
            Promotion(promotionId: "off", name: "Off", kind: .percentOff, percent: 10, code: "OFF", active: false),
        ]
        let pricing = PricingEngine.price(Self.basket([("SHOE-1", 1, 5_000)], channel: "pos", storeId: "st-paris"), promotions: promotions,
                                          codes: ["OLD", "SOON", "APP", "LILLE", "OFF", "NOPE"])
        let reasons = Dictionary(pricing.notApplied.map { ($0.code ?? "", $0.reasonCode) }, uniquingKeysWith: { first, _ in first })
        #expect(reasons == ["OLD": "expired-code", "SOON": "not-yet-valid", "APP": "not-valid-on-channel", "LILLE": "not-valid-in-store",
                            "OFF": "unknown-code", "NOPE": "unknown-code"])
        #expect(pricing.notApplied.allSatisfy { !$0.explanation.isEmpty })
        #expect(pricing.totalDiscountMinor == 0)
    }

    @Test("Malformed rules are refused with what is wrong")
    func malformed() {
        #expect(Promotion(promotionId: "p", name: "P", kind: .percentOff, percent: 150).problems == ["percent must be from 1 to 100"])
        #expect(Promotion(promotionId: "p", name: "P", kind: .amountOff).problems == ["amountMinor must be above 0"])
        #expect(Promotion(promotionId: "p", name: "P", kind: .nthItemPercentOff, percent: 50, nth: 1).problems == ["nth must be from 2 to 1000000"])
        #expect(Promotion(promotionId: "p", name: "P", kind: .freeShipping, validFrom: Self.noon, validTo: Self.noon).problems
            == ["the validity window is empty (validFrom must be before validTo)"])
        #expect(Promotion(promotionId: "p", name: "P", kind: .freeShipping, code: "  ").problems == ["code cannot be blank"])
        #expect(Promotion(promotionId: "p", name: "P", kind: .percentOff, percent: 100, channels: ["web"]).problems.isEmpty)
    }

    @Test("Extreme numbers in a definition are refused, whatever its kind; one stored before the bounds prices without trapping")
    func extremes() throws {
        for promotion in [Promotion(promotionId: "b", name: "B", kind: .buyXGetY, buyQuantity: .max, getQuantity: .max),
                          Promotion(promotionId: "n", name: "N", kind: .nthItemPercentOff, percent: 50, nth: .max),
                          Promotion(promotionId: "a", name: "A", kind: .amountOff, amountMinor: .max),
                          Promotion(promotionId: "t", name: "T", kind: .thresholdAmountOff, amountMinor: 500, thresholdMinor: .max),
                          Promotion(promotionId: "m", name: "M", kind: .percentOff, percent: 10, minimumBasketMinor: .min),
                          Promotion(promotionId: "u", name: "U", kind: .percentOff, percent: 10, usageLimit: .max),
                          Promotion(promotionId: "f", name: "F", kind: .freeShipping, percent: .min, nth: 0)] {
            #expect(!promotion.problems.isEmpty, "\(promotion.promotionId)")
        }
        let stored = Promotion(promotionId: "b", name: "B", kind: .buyXGetY, buyQuantity: .max, getQuantity: .max)
        let basket = Basket(channel: "web", currency: "EUR", lines: [BasketLine(lineId: "1", sku: "A", quantity: 3, unitPriceMinor: 1_000)])
        #expect(PricingEngine.price(basket, promotions: [stored], codes: []).totalMinor == 3_000)
    }
}
