import Synchronization
import Testing
@testable import OmniRuntime

/// How many works run now, the most seen at once, how many finished.
private final class Occupancy: Sendable {
    private let state = Mutex((now: 0, most: 0, done: 0))
    func enter() { state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
    func leave() { state.withLock { $0.now -= 1; $0.done += 1 } }
    var most: Int { state.withLock { $0.most } }
    var done: Int { state.withLock { $0.done } }
}

@Suite("Transaction slots: at most N at once, first come first served")
struct TransactionSlotsTests {
    @Test("with one slot, twenty concurrent works never overlap, and all of them run")
    func oneAtATime() async throws {
        let slots = TransactionSlots(1)
        let running = Occupancy()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await slots.withSlot {
                        running.enter()
                        try? await Task.sleep(for: .milliseconds(2))
                        running.leave()
                    }
                }
            }
        }
        #expect(running.most == 1)
        #expect(running.done == 20)
    }

    @Test("with three slots, up to three run together; a failing work gives its slot back", .timeLimit(.minutes(1)))
    func severalAndFailures() async throws {
        struct Boom: Error {}
        let slots = TransactionSlots(3)
        let running = Occupancy()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    _ = try? await slots.withSlot {
                        running.enter()
                        try? await Task.sleep(for: .milliseconds(5))
                        running.leave()
                        if index % 2 == 0 { throw Boom() }
                    }
                }
            }
        }
        #expect(running.most <= 3)
        #expect(running.most >= 2)
        #expect(running.done == 12)
        // Every slot came back: three more run at once without waiting for anything.
        await slots.withSlot { await slots.withSlot { await slots.withSlot { } } }
    }
}
