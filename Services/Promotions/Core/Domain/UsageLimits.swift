import PromotionsContracts

/// Usage limits, held across every channel: the counting happens under the promotion's
/// row lock; the rule itself is plain.
public enum UsageLimits {
    /// Why `promotion` cannot be used once more, given the uses that already count.
    public static func refusal(_ promotion: Promotion, totalUses: Int, customerUses: Int, customerId: String?) -> NotAppliedPromotion? {
        let code = promotion.code.map(Promotion.normalise(code:))
        if let limit = promotion.usageLimit, totalUses >= limit {
            return NotAppliedPromotion(promotionId: promotion.promotionId, code: code, reasonCode: "limit-reached",
                                       explanation: "\(promotion.name) has been used the \(limit) times it allows")
        }
        if let limit = promotion.perCustomerLimit {
            guard customerId != nil else {
                return NotAppliedPromotion(promotionId: promotion.promotionId, code: code, reasonCode: "customer-required",
                                           explanation: "\(promotion.name) is limited per customer: sign in to use it")
            }
            if customerUses >= limit {
                return NotAppliedPromotion(promotionId: promotion.promotionId, code: code, reasonCode: "already-used-by-customer",
                                           explanation: limit == 1 ? "\(promotion.name) was already used by this customer"
                                                                   : "\(promotion.name) was already used \(limit) times by this customer")
            }
        }
        return nil
    }

    /// The reasons that make a code a refusal for an order (the customer asked for it and
    /// would not get it); `not-combinable` is not one (a better offer won).
    public static let refusingReasons: Set<String> = [
        "unknown-code", "expired-code", "not-yet-valid", "not-valid-on-channel", "not-valid-in-store", "not-in-segment", "minimum-not-reached",
        "no-eligible-items", "limit-reached", "already-used-by-customer", "customer-required", "code-already-used",
    ]
}
