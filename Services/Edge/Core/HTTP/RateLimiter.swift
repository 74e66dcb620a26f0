import Foundation
import Hummingbird
import OmniRuntime
import Synchronization

/// One token bucket per client (the credential's subject), in this process: a client over
/// its rate gets 429 problem+json with `Retry-After`. `OMNI_EDGE_RATE_PER_SECOND` (50) and
/// `OMNI_EDGE_BURST` (100). Each edge replica counts for itself.
final class RateLimiter: Sendable {
    let limit: TokenBucket.Limit
    private let buckets = Mutex<[String: TokenBucket]>([:])
    /// Past this many clients, idle ones (full buckets) are forgotten.
    private let remembered = 10_000

    init(limit: TokenBucket.Limit) {
        self.limit = limit
    }

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> RateLimiter {
        func number(_ key: String, _ fallback: Double) -> Double {
            guard let text = environment[key], let value = Double(text), value.isFinite, value > 0, value <= 1_000_000 else { return fallback }
            return value
        }
        return RateLimiter(limit: .init(ratePerSecond: number("OMNI_EDGE_RATE_PER_SECOND", 50), burst: max(1, number("OMNI_EDGE_BURST", 100))))
    }

    /// Takes one request from `client`'s allowance, or throws 429.
    func admit(_ client: String, now: TimeInterval = Date().timeIntervalSince1970) throws(ProblemDetails) {
        let limit = self.limit, remembered = self.remembered
        let wait: TimeInterval? = buckets.withLock { buckets in
            if buckets.count > remembered { buckets = buckets.filter { !$0.value.isFull(limit: limit, now: now) } }
            var bucket = buckets[client] ?? TokenBucket(limit: limit, now: now)
            let wait = bucket.take(limit: limit, now: now)
            buckets[client] = bucket
            return wait
        }
        guard let wait else { return }
        var problem = ProblemDetails(status: .tooManyRequests, type: "https://omni.example/problems/rate-limited", title: "Too many requests",
                                     detail: "this client sends more than \(limit.ratePerSecond) requests per second (bursts of \(Int(limit.burst))); retry after the delay")
        problem.retryAfter = max(1, Int(wait.rounded(.up)))
        throw problem
    }
}
