import Foundation

/// Five wrong passwords in a row, then each next try of that name waits twice as long as
/// the one before (5 s, 10 s, 20 s... at most 15 min) after the last failure: a first wait
/// of one second was shorter than a person (or a loaded test browser) takes to type again,
/// so it slowed nobody. Pure.
enum LoginThrottle {
    static let freeFailures = 5
    static let longestWait: TimeInterval = 15 * 60
    static let firstWait: TimeInterval = 5

    /// How long a try of a name with `failures` consecutive failures, the last at `last`,
    /// must still wait at `now`; nil when it may try.
    static func wait(failures: Int, last: Date, now: Date) -> TimeInterval? {
        guard failures >= freeFailures else { return nil }
        let delay = min(longestWait, firstWait * pow(2, Double(min(failures - freeFailures, 20))))
        let left = last.addingTimeInterval(delay).timeIntervalSince(now)
        return left > 0 ? left : nil
    }
}
