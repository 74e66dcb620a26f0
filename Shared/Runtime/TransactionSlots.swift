/// A fair (first come, first served) limit on how many of a consumer's transactions run at
/// once. Where every message locks the same few rows (catalog: a bestseller's stock), the
/// partitions' transactions would only queue for those locks inside Postgres, each holding
/// a connection, and lock each other in opposite orders; queueing them here costs nothing.
actor TransactionSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []  // at most one per partition

    init(_ count: Int) {
        precondition(count > 0)
        free = count
    }

    /// Runs `work` once a slot is free.
    nonisolated func withSlot<T: Sendable>(_ work: () async throws -> T) async rethrows -> T {
        await acquire()
        do {
            let result = try await work()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if !waiting.isEmpty {
            waiting.removeFirst().resume()
        } else {
            free += 1
        }
    }
}
