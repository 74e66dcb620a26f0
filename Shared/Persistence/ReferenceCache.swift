import Foundation
import Metrics
import Synchronization

/// Reference data nearly every command reads but that rarely changes (locations, active
/// promotions, stores), kept in memory between changes instead of read again each time.
///
/// Postgres says when it changed: a statement-level trigger on the tables behind it
/// NOTIFYs `<schema>_reference` (`reference_notify()`, migration 0007 of the delivery
/// plumbing), and `ReferenceChanges` drops every cache of the process. Commands that write
/// those tables call `writing()` first: the rest of their transaction (and anything else
/// until the commit's notification) reads Postgres, never a copy that may not hold. While
/// the listener is down nothing is cached, and a copy lives at most `maxAge`, so a missed
/// notification costs no more than that.
public final class ReferenceCache<Value: Sendable>: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var value: Value?
        var loadedAt: ContinuousClock.Instant?
        /// Set by `writing()`: no copy is kept until the write's notification (or `maxAge`).
        var suspendedUntil: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let maxAge: Duration
    /// Reads served from the copy, and those that went to Postgres.
    private let hits = Counter(label: "omni_reference_cache_reads_total", dimensions: [("outcome", "hit")])
    private let misses = Counter(label: "omni_reference_cache_reads_total", dimensions: [("outcome", "miss")])

    public init(maxAge: Duration = .seconds(5)) {
        self.maxAge = maxAge
        ReferenceCaches.register { [weak self] in self?.changed() }
    }

    /// The cached value, or `load()`'s (kept when nothing changed while it ran).
    public func value(load: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let (cached, generation, keep) = state.withLock { state -> (Value?, UInt64, Bool) in
            let keep = ReferenceCaches.listening && (state.suspendedUntil.map { now >= $0 } ?? true)
            guard keep, let value = state.value, let loadedAt = state.loadedAt, now - loadedAt < maxAge else { return (nil, state.generation, keep) }
            return (value, state.generation, keep)
        }
        if let cached {
            hits.increment()
            return cached
        }
        misses.increment()
        let loaded = try await load()
        if keep {
            state.withLock { state in
                // A change noticed while loading: what was read may predate it.
                guard state.generation == generation else { return }
                state.value = loaded
                state.loadedAt = now
                state.suspendedUntil = nil
            }
        }
        return loaded
    }

    /// Postgres said a table behind it changed (or the listener lost track): drop the copy.
    public func changed() {
        state.withLock { state in
            state.generation &+= 1
            state.value = nil
            state.suspendedUntil = nil
        }
    }

    /// This process is about to write a table behind it: drop the copy and keep none until
    /// the write's notification arrives (or `maxAge` passes, if it rolled back).
    public func writing() {
        let until = ContinuousClock.now + maxAge
        state.withLock { state in
            state.generation &+= 1
            state.value = nil
            state.suspendedUntil = until
        }
    }
}

/// Every `ReferenceCache` of the process, told at once when Postgres says a reference table
/// changed; and whether anyone is listening (when not, no cache keeps a copy).
public enum ReferenceCaches {
    private static let drops = Mutex<[@Sendable () -> Void]>([])
    private static let listeningNow = Atomic<Bool>(false)

    public static var listening: Bool { listeningNow.load(ordering: .acquiring) }

    static func register(_ drop: @escaping @Sendable () -> Void) {
        drops.withLock { $0.append(drop) }
    }

    /// Drops every copy (a notification, a listener that came up or went down).
    public static func changed() {
        for drop in drops.withLock({ $0 }) { drop() }
    }

    static func setListening(_ value: Bool) {
        listeningNow.store(value, ordering: .releasing)
        changed()
    }
}
