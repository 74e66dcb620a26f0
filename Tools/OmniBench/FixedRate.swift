/// The ticks of a fixed-rate phase: `rate` a second for `seconds` from `started` (when it
/// is made), each tick's index at its own instant. A tick that comes late goes at once, so
/// the rate holds over the phase rather than per interval (a slow send does not lower the
/// offered load).
struct FixedRate: AsyncSequence, Sendable {
    typealias Element = Int
    let rate: Int
    let seconds: Int
    let started = ContinuousClock.now

    var total: Int { rate * seconds }

    struct AsyncIterator: AsyncIteratorProtocol {
        let started: ContinuousClock.Instant
        let interval: Duration
        let total: Int
        var index = 0

        mutating func next() async throws -> Int? {
            guard index < total else { return nil }
            try await Task.sleep(until: started + interval * index, clock: .continuous)
            defer { index += 1 }
            return index
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(started: started, interval: .nanoseconds(1_000_000_000 / Int64(Swift.max(1, rate))), total: total)
    }
}
