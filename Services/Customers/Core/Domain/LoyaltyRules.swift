import OmniMessaging

/// The points ledger's arithmetic.
public enum LoyaltyRules {
    /// One point per whole currency unit spent (minor units / 10^exponent).
    public static func pointsEarned(amountMinor: Int64, currency: String) -> Int {
        let exponent = Currency.minorUnits[currency] ?? 2
        var divisor: Int64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        return Int(max(0, amountMinor) / divisor)
    }

    public static func redeem(_ points: Int, balance: Int) throws(Rejection) -> Int {
        guard points > 0 else { throw Rejection("invalid-points", "points to redeem must be greater than 0, got \(points)") }
        guard points <= balance else { throw Rejection("insufficient-points", "\(points) points requested, balance is \(balance)") }
        return balance - points
    }

    /// A correction may not take the balance below zero.
    public static func adjust(_ points: Int, balance: Int) throws(Rejection) -> Int {
        guard points != 0 else { throw Rejection("invalid-points", "an adjustment must change the balance") }
        guard balance + points >= 0 else { throw Rejection("insufficient-points", "an adjustment of \(points) would leave \(balance + points) points") }
        return balance + points
    }
}
