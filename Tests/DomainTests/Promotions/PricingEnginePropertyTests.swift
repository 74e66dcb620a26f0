import Foundation
import OmniMessaging
import PromotionsContracts
import Testing

/// Properties that hold for any basket and any set of rules: thousands of random cases
/// from a seeded generator, so a failure names its seed and replays.
@Suite("Promotions: pricing properties")
struct PricingEnginePropertyTests {
    static let seeds: [UInt64] = Array(1...400)

    @Test("The total is never negative and adds up; no discount exceeds its line or the fee", arguments: seeds)
    func boundsAndSums(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let (basket, promotions, codes) = Self.randomCase(&random)
        let pricing = PricingEngine.price(basket, promotions: promotions, codes: codes)
        #expect(pricing.totalMinor >= 0, "seed \(seed)")
        #expect(pricing.totalMinor == pricing.subtotalMinor + pricing.shippingMinor - pricing.totalDiscountMinor, "seed \(seed)")
        for (line, discount) in zip(basket.lines, pricing.lines) {
            #expect(discount.lineId == line.lineId)
            #expect((0...line.amountMinor).contains(discount.discountMinor), "seed \(seed): line \(line) got \(discount.discountMinor) off")
        }
        #expect((0...basket.shippingMinor).contains(pricing.shippingDiscountMinor), "seed \(seed)")
        #expect(pricing.applied.reduce(0) { $0 + $1.discountMinor } == pricing.totalDiscountMinor, "seed \(seed): every saving is explained")
        #expect(pricing.applied.allSatisfy { $0.discountMinor > 0 && !$0.explanation.isEmpty })
        #expect(pricing.notApplied.allSatisfy { !$0.explanation.isEmpty })
    }

    @Test("Rules that name no channel price a basket the same on every channel", arguments: seeds)
    func sameOnEveryChannel(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var (basket, promotions, codes) = Self.randomCase(&random)
        promotions = promotions.map { var promotion = $0; promotion.channels = nil; return promotion }
        basket.channel = SalesChannel.web.rawValue
        let onTheWeb = PricingEngine.price(basket, promotions: promotions, codes: codes)
        for channel in SalesChannel.allCases {
            basket.channel = channel.rawValue
            #expect(PricingEngine.price(basket, promotions: promotions, codes: codes) == onTheWeb, "seed \(seed) on \(channel)")
        }
    }

    @Test("The order of the lines, of the rules and of the codes changes nothing", arguments: seeds)
    func orderIrrelevant(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let (basket, promotions, codes) = Self.randomCase(&random)
        let reference = PricingEngine.price(basket, promotions: promotions, codes: codes)
        var shuffled = basket
        shuffled.lines.shuffle(using: &random)
        let again = PricingEngine.price(shuffled, promotions: promotions.shuffled(using: &random), codes: codes.shuffled(using: &random))
        let byLine = Dictionary(uniqueKeysWithValues: again.lines.map { ($0.lineId, $0) })
        #expect(reference.lines.map { byLine[$0.lineId] } == reference.lines.map { $0 }, "seed \(seed)")
        #expect(again.totalMinor == reference.totalMinor, "seed \(seed)")
        #expect(again.applied == reference.applied, "seed \(seed)")
        #expect(Set(again.notApplied.map { "\($0.promotionId ?? "")/\($0.code ?? "")/\($0.reasonCode)" })
            == Set(reference.notApplied.map { "\($0.promotionId ?? "")/\($0.code ?? "")/\($0.reasonCode)" }), "seed \(seed)")
    }

    @Test("Adding a promotion never makes the customer pay more", arguments: seeds)
    func moreOffersNeverCostMore(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let (basket, promotions, codes) = Self.randomCase(&random)
        let extra = Self.randomPromotion(&random, id: "extra")
        let before = PricingEngine.price(basket, promotions: promotions, codes: codes)
        let after = PricingEngine.price(basket, promotions: promotions + [extra], codes: codes + (extra.code.map { [$0] } ?? []))
        // Stackable discounts compound on what is left, so the sum can only grow.
        #expect(after.totalMinor <= before.totalMinor, "seed \(seed)")
    }

    // MARK: Generators

    static let skus = ["SHOE-1", "SHOE-2", "SOCK-1", "BAG-1", "HAT-1"]

    static func randomCase(_ random: inout SeededGenerator) -> (Basket, [Promotion], [String]) {
        let lines = (0..<Int.random(in: 1...5, using: &random)).map { index in
            let sku = skus.randomElement(using: &random)!
            return BasketLine(lineId: "l\(index)", sku: sku, category: sku.hasPrefix("SHOE") ? "shoes" : "accessories",
                              quantity: Int.random(in: 1...4, using: &random), unitPriceMinor: Int64.random(in: 0...20_000, using: &random))
        }
        let channel = SalesChannel.allCases.randomElement(using: &random)!.rawValue
        let basket = Basket(channel: channel, storeId: Bool.random(using: &random) ? "st-lille" : nil, customerId: "c-1", currency: "EUR",
                            lines: lines, shippingMinor: Bool.random(using: &random) ? 490 : 0, at: PricingEngineTests.noon)
        let promotions = (0..<Int.random(in: 0...6, using: &random)).map { randomPromotion(&random, id: "p\($0)") }
        let codes = promotions.compactMap(\.code).filter { _ in Int.random(in: 0..<4, using: &random) > 0 } + (Bool.random(using: &random) ? ["NOPE"] : [])
        return (basket, promotions, codes)
    }

    static func randomPromotion(_ random: inout SeededGenerator, id: String) -> Promotion {
        let kind = Promotion.Kind.allCases.randomElement(using: &random)!
        var promotion = Promotion(promotionId: id, name: "Promotion \(id)", kind: kind)
        promotion.percent = Int.random(in: 1...100, using: &random)
        promotion.amountMinor = Int64.random(in: 1...30_000, using: &random)
        promotion.nth = Int.random(in: 2...4, using: &random)
        promotion.thresholdMinor = Int64.random(in: 1...40_000, using: &random)
        promotion.buyQuantity = Int.random(in: 1...3, using: &random)
        promotion.getQuantity = Int.random(in: 1...2, using: &random)
        if Bool.random(using: &random) { promotion.code = "CODE-\(id)" }
        switch Int.random(in: 0..<4, using: &random) {
        case 0: promotion.skus = [skus.randomElement(using: &random)!]
        case 1: promotion.categories = ["shoes"]
        default: break
        }
        if kind == .bundlePrice { promotion.skus = Array(skus.shuffled(using: &random).prefix(2)) }
        if Int.random(in: 0..<4, using: &random) == 0 { promotion.channels = [SalesChannel.allCases.randomElement(using: &random)!.rawValue] }
        if Int.random(in: 0..<5, using: &random) == 0 { promotion.minimumBasketMinor = Int64.random(in: 1...50_000, using: &random) }
        if Int.random(in: 0..<4, using: &random) == 0 { promotion.stacking = .exclusive }
        promotion.priority = Int.random(in: 0...3, using: &random)
        return promotion
    }
}

/// SplitMix64: small, fast, and the same sequence for a seed on every machine.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
