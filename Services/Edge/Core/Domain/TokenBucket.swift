import Foundation

/// A client's allowance of requests: `burst` at once, refilled at `ratePerSecond`. Pure:
/// the caller gives the time, so it is tested without a clock.
struct TokenBucket: Sendable, Equatable {
    struct Limit: Sendable, Equatable {
        var ratePerSecond: Double
        var burst: Double
    }

    private(set) var tokens: Double
    private(set) var updated: TimeInterval

    init(limit: Limit, now: TimeInterval) {
        tokens = limit.burst
        updated = now
    }

    /// Takes one token if there is one; otherwise says how long until there is.
    mutating func take(limit: Limit, now: TimeInterval) -> TimeInterval? {
        refill(limit: limit, now: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return (1 - tokens) / limit.ratePerSecond
    }

    /// Whether it is full at `now` (an idle client the limiter may forget).
    func isFull(limit: Limit, now: TimeInterval) -> Bool {
        var copy = self
        copy.refill(limit: limit, now: now)
        return copy.tokens >= limit.burst
    }

    private mutating func refill(limit: Limit, now: TimeInterval) {
        // A clock that steps back gives nothing, and takes nothing.
        let elapsed = max(0, now - updated)
        tokens = min(limit.burst, tokens + elapsed * limit.ratePerSecond)
        updated = max(updated, now)
    }
}
