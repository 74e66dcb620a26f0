import Foundation

/// Prices a basket: pure and deterministic, so the POS, the app, the web (J3) and the
/// order saga get the same numbers for the same basket. Usage limits are not its business
/// (they need the ledger of redemptions); everything else is.
///
/// Order: promotions by priority (higher first), then id. Each discount is taken from what
/// is left of a line after the ones before, so no line ever goes below zero. Exclusive
/// promotions compete with the stackable ones together: the customer gets the best.
public enum PricingEngine {
    public static func price(_ basket: Basket, promotions: [Promotion], codes: [String], excluded: [String: NotAppliedPromotion] = [:]) -> Pricing {
        let at = basket.at ?? Date()
        let wanted = Set(codes.map(Promotion.normalise(code:)).filter { !$0.isEmpty })
        var notApplied: [NotAppliedPromotion] = []
        let byCode = Dictionary(promotions.compactMap { promotion in promotion.code.map { (Promotion.normalise(code: $0), promotion) } }, uniquingKeysWith: { first, _ in first })
        for code in wanted.sorted() where byCode[code] == nil || byCode[code]?.active == false {
            notApplied.append(NotAppliedPromotion(promotionId: nil, code: code, reasonCode: "unknown-code", explanation: "\(code) is not a valid code"))
        }
        let candidates = promotions
            .filter { $0.active != false && ($0.code.map { wanted.contains(Promotion.normalise(code: $0)) } ?? ($0.uniqueCodes != true)) }
            .sorted { ($0.priority ?? 0, $1.promotionId) > ($1.priority ?? 0, $0.promotionId) }

        var eligible: [Promotion] = []
        for promotion in candidates {
            if let reason = excluded[promotion.promotionId] { notApplied.append(reason); continue }
            if let refusal = ineligibility(of: promotion, basket, at: at) { notApplied.append(refusal) } else { eligible.append(promotion) }
        }

        // The stackable ones together, or one exclusive alone: whichever saves more.
        let stackable = eligible.filter { $0.stacking != .exclusive }
        var options: [[Promotion]] = [stackable]
        options += eligible.filter { $0.stacking == .exclusive }.map { [$0] }
        var best = evaluate(options[0], basket)
        var bestIndex = 0
        for (index, option) in options.enumerated().dropFirst() {
            let result = evaluate(option, basket)
            if result.total > best.total { best = result; bestIndex = index }
        }
        for (index, option) in options.enumerated() where index != bestIndex {
            for promotion in option {
                notApplied.append(NotAppliedPromotion(promotionId: promotion.promotionId, code: promotion.code, reasonCode: "not-combinable",
                                                      explanation: "\(promotion.name) cannot be combined with a better offer"))
            }
        }
        for promotion in options[bestIndex] where best.discounts[promotion.promotionId] == 0 {
            notApplied.append(NotAppliedPromotion(promotionId: promotion.promotionId, code: promotion.code, reasonCode: "no-eligible-items",
                                                  explanation: "\(promotion.name) gives nothing on this basket"))
        }

        let subtotal = basket.lines.reduce(Int64(0)) { $0 + $1.amountMinor }
        let lines = basket.lines.map { line in
            LineDiscount(lineId: line.lineId, sku: line.sku, discountMinor: best.lineDiscounts[line.lineId] ?? 0,
                         promotionIds: best.linePromotions[line.lineId] ?? [])
        }
        let applied = options[bestIndex].compactMap { promotion -> AppliedPromotion? in
            guard let amount = best.discounts[promotion.promotionId], amount > 0 else { return nil }
            return AppliedPromotion(promotionId: promotion.promotionId, name: promotion.name, code: promotion.code.map(Promotion.normalise(code:)),
                                    discountMinor: amount, explanation: explanation(promotion))
        }
        let total = best.total
        return Pricing(currency: basket.currency, subtotalMinor: subtotal, shippingMinor: basket.shippingMinor, lines: lines,
                       shippingDiscountMinor: best.shipping, totalDiscountMinor: total, totalMinor: subtotal + basket.shippingMinor - total,
                       applied: applied, notApplied: notApplied)
    }

    /// Why `promotion` does not apply to `basket` at all, or nil.
    public static func ineligibility(of promotion: Promotion, _ basket: Basket, at: Date) -> NotAppliedPromotion? {
        func no(_ code: String, _ text: String) -> NotAppliedPromotion {
            NotAppliedPromotion(promotionId: promotion.promotionId, code: promotion.code.map(Promotion.normalise(code:)), reasonCode: code, explanation: text)
        }
        if let from = promotion.validFrom, at < from { return no("not-yet-valid", "\(promotion.name) starts \(from.formatted(.iso8601))") }
        if let to = promotion.validTo, at >= to {
            return no(promotion.code == nil ? "expired" : "expired-code", "\(promotion.name) ended \(to.formatted(.iso8601))")
        }
        if let channels = promotion.channels, !channels.contains(basket.channel) {
            return no("not-valid-on-channel", "\(promotion.name) is not valid on \(basket.channel)")
        }
        if let stores = promotion.storeIds, !stores.contains(basket.storeId ?? "") {
            return no("not-valid-in-store", "\(promotion.name) is not valid in this store")
        }
        if let segments = promotion.segments, Set(basket.segments ?? []).isDisjoint(with: segments) {
            return no("not-in-segment", "\(promotion.name) is reserved for \(segments.sorted().joined(separator: ", ")) customers")
        }
        let inScope = basket.lines.filter { inScopeLine($0, of: promotion) }
        if inScope.isEmpty { return no("no-eligible-items", "no item of the basket is covered by \(promotion.name)") }
        if let minimum = promotion.minimumBasketMinor, basket.lines.reduce(0, { $0 + $1.amountMinor }) < minimum {
            return no("minimum-not-reached", "\(promotion.name) needs a basket of at least \(minimum) (minor units)")
        }
        if promotion.kind == .thresholdAmountOff, let threshold = promotion.thresholdMinor, inScope.reduce(0, { $0 + $1.amountMinor }) < threshold {
            return no("minimum-not-reached", "\(promotion.name) needs \(threshold) (minor units) of the items it covers")
        }
        return nil
    }

    static func inScopeLine(_ line: BasketLine, of promotion: Promotion) -> Bool {
        if promotion.skus == nil && promotion.categories == nil { return true }
        return (promotion.skus?.contains(line.sku) ?? false) || (line.category.map { promotion.categories?.contains($0) ?? false } ?? false)
    }

    static func explanation(_ promotion: Promotion) -> String {
        switch promotion.kind {
        case .percentOff: "\(promotion.percent ?? 0) % off"
        case .amountOff: "\(promotion.amountMinor ?? 0) off"
        case .nthItemPercentOff: "every \(ordinal(promotion.nth ?? 2)) item at −\(promotion.percent ?? 0) %"
        case .thresholdAmountOff: "\(promotion.amountMinor ?? 0) off from \(promotion.thresholdMinor ?? 0)"
        case .freeShipping: "free shipping"
        case .buyXGetY: (promotion.percent ?? 100) == 100
            ? "buy \(promotion.buyQuantity ?? 1), get \(promotion.getQuantity ?? 1) free"
            : "buy \(promotion.buyQuantity ?? 1), get \(promotion.getQuantity ?? 1) at −\(promotion.percent ?? 100) %"
        case .bundlePrice: "\((promotion.skus ?? []).sorted().joined(separator: " + ")) together for \(promotion.amountMinor ?? 0)"
        }
    }

    private static func ordinal(_ n: Int) -> String { n == 2 ? "second" : n == 3 ? "third" : "\(n)th" }

    // MARK: Arithmetic

    struct Evaluation {
        var lineDiscounts: [String: Int64] = [:]
        var linePromotions: [String: [String]] = [:]
        var discounts: [String: Int64] = [:]
        var shipping: Int64 = 0
        var total: Int64 { lineDiscounts.values.reduce(0, +) + shipping }
    }

    static func evaluate(_ promotions: [Promotion], _ basket: Basket) -> Evaluation {
        var evaluation = Evaluation()
        for promotion in promotions {
            // By line id, so the order lines arrive in never moves a rounding unit.
            let scope = basket.lines.filter { inScopeLine($0, of: promotion) }.sorted { $0.lineId < $1.lineId }
            func remaining(_ line: BasketLine) -> Int64 { line.amountMinor - (evaluation.lineDiscounts[line.lineId] ?? 0) }
            var taken: [String: Int64] = [:]
            switch promotion.kind {
            case .percentOff:
                for line in scope { taken[line.lineId] = remaining(line) * Int64(promotion.percent ?? 0) / 100 }
            case .amountOff:
                taken = spread(promotion.amountMinor ?? 0, over: scope, remaining: remaining)
            case .thresholdAmountOff:
                if scope.reduce(0, { $0 + $1.amountMinor }) >= (promotion.thresholdMinor ?? .max) {
                    taken = spread(promotion.amountMinor ?? 0, over: scope, remaining: remaining)
                }
            case .nthItemPercentOff:
                // Units from the dearest down; every nth of them (the cheaper ones) is discounted.
                let units = scope.flatMap { line in Array(repeating: line, count: max(0, line.quantity)) }
                    .sorted { ($0.unitPriceMinor, $1.lineId) > ($1.unitPriceMinor, $0.lineId) }
                let nth = max(2, promotion.nth ?? 2)
                for (index, unit) in units.enumerated() where (index + 1) % nth == 0 {
                    taken[unit.lineId, default: 0] += unit.unitPriceMinor * Int64(promotion.percent ?? 0) / 100
                }
                for line in scope { taken[line.lineId] = min(taken[line.lineId] ?? 0, remaining(line)) }
            case .buyXGetY:
                // Units from the dearest down, in groups of buy + get: the last `get` of each group are the gifts.
                // Capped: a definition stored before its bounds must not overflow `buy + get`.
                let buy = min(max(1, promotion.buyQuantity ?? 1), Basket.maxLineQuantity), get = min(max(1, promotion.getQuantity ?? 1), Basket.maxLineQuantity)
                let units = scope.flatMap { line in Array(repeating: line, count: max(0, line.quantity)) }
                    .sorted { ($0.unitPriceMinor, $1.lineId) > ($1.unitPriceMinor, $0.lineId) }
                for (index, unit) in units.enumerated() where index % (buy + get) >= buy {
                    taken[unit.lineId, default: 0] += unit.unitPriceMinor * Int64(promotion.percent ?? 100) / 100
                }
                for line in scope { taken[line.lineId] = min(taken[line.lineId] ?? 0, remaining(line)) }
            case .bundlePrice:
                // As many bundles as the scarcest sku allows, each priced at one of each sku (its dearest line's price).
                let skus = Set(promotion.skus ?? [])
                let bundles = skus.map { sku in scope.filter { $0.sku == sku }.reduce(0) { $0 + $1.quantity } }.min() ?? 0
                let full = skus.map { sku in scope.filter { $0.sku == sku }.map(\.unitPriceMinor).max() ?? 0 }.reduce(0, +)
                let saving = max(0, full - (promotion.amountMinor ?? full)) * Int64(bundles)
                if skus.count >= 2, bundles > 0, saving > 0 { taken = spread(saving, over: scope, remaining: remaining) }
            case .freeShipping:
                let waived = basket.shippingMinor - evaluation.shipping
                evaluation.shipping += waived
                evaluation.discounts[promotion.promotionId] = waived
                continue
            }
            var sum: Int64 = 0
            for (lineId, amount) in taken where amount > 0 {
                evaluation.lineDiscounts[lineId, default: 0] += amount
                evaluation.linePromotions[lineId, default: []].append(promotion.promotionId)
                sum += amount
            }
            evaluation.discounts[promotion.promotionId] = sum
        }
        return evaluation
    }

    /// `amount` over the lines in proportion to what is left of them, never more than that;
    /// the rounding remainder goes to the lines in order.
    static func spread(_ amount: Int64, over lines: [BasketLine], remaining: (BasketLine) -> Int64) -> [String: Int64] {
        let left = lines.map(remaining)
        let pool = left.reduce(0, +)
        let target = min(amount, pool)
        guard target > 0, pool > 0 else { return [:] }
        // Full width: a line's amount times the target can pass Int64 even when both fit.
        var shares = left.map { pool.dividingFullWidth($0.multipliedFullWidth(by: target)).quotient }
        var rest = target - shares.reduce(0, +)
        for index in shares.indices where rest > 0 {
            let room = left[index] - shares[index]
            let extra = min(room, rest)
            shares[index] += extra
            rest -= extra
        }
        return Dictionary(zip(lines.map(\.lineId), shares), uniquingKeysWith: +)
    }
}
