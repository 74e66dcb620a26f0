import CustomersContracts
import OmniMessaging

/// The points ledger's arithmetic. Every sum is checked: a balance lives in a Postgres
/// `int` (the ledger's `sum(points)::int`), so no entry may take it past `maxBalance`,
/// and no command's points may reach the arithmetic unbounded (`Int.min` has no negation).
public enum LoyaltyRules {
    /// The most points one balance holds: the ledger's sum is read as a Postgres `int`.
    public static let maxBalance = Int(Int32.max)

    /// One point per whole currency unit spent (minor units / 10^exponent).
    public static func pointsEarned(amountMinor: Int64, currency: String) -> Int {
        let exponent = Currency.minorUnits[currency] ?? 2
        var divisor: Int64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        return Int(max(0, amountMinor) / divisor)
    }

    /// Points a purchase earns, as many as still fit under `maxBalance` (a huge order
    /// earns up to the ceiling instead of failing for ever).
    public static func earn(_ points: Int, balance: Int) -> (points: Int, balance: Int) {
        let earned = max(0, min(points, maxBalance - min(max(balance, 0), maxBalance)))
        return (earned, balance + earned)
    }

    public static func redeem(_ points: Int, balance: Int) throws(Rejection) -> Int {
        guard points > 0 else { throw Rejection("invalid-points", "points to redeem must be greater than 0, got \(points)") }
        guard points <= maxBalance else { throw Rejection("invalid-points", "points to redeem must be at most \(maxBalance), got \(points)") }
        guard points <= balance else { throw Rejection("insufficient-points", "\(points) points requested, balance is \(balance)") }
        return balance - points
    }

    /// A correction may not take the balance below zero, nor above `maxBalance`.
    public static func adjust(_ points: Int, balance: Int) throws(Rejection) -> Int {
        guard points != 0 else { throw Rejection("invalid-points", "an adjustment must change the balance") }
        guard (-maxBalance...maxBalance).contains(points) else {
            throw Rejection("invalid-points", "an adjustment must be from -\(maxBalance) to \(maxBalance) points, got \(points)")
        }
        let (next, overflow) = balance.addingReportingOverflow(points)
        guard !overflow, next >= 0 else { throw Rejection("insufficient-points", "an adjustment of \(points) would leave \(overflow ? "less than 0" : String(next)) points") }
        guard next <= maxBalance else { throw Rejection("invalid-points", "an adjustment of \(points) would take the balance over \(maxBalance) points") }
        return next
    }
}
