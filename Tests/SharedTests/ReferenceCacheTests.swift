import Synchronization
import Testing
@testable import OmniPersistence

/// Counts the loads a cache asks for, and answers with the current value.
private final class Source: Sendable {
    private let state = Mutex((value: 1, loads: 0))
    var loads: Int { state.withLock { $0.loads } }
    func set(_ value: Int) { state.withLock { $0.value = value } }
    func load() -> Int { state.withLock { $0.loads += 1; return $0.value } }
}

/// One suite, in series: the listening flag is the process's.
@Suite("Reference caches: kept between changes, dropped when Postgres says so, never trusted unheard", .serialized)
struct ReferenceCacheTests {
    @Test("a copy is kept while listening, dropped on a change, not kept while nobody listens")
    func keptAndDropped() async throws {
        ReferenceCaches.setListening(true)
        defer { ReferenceCaches.setListening(false) }
        let cache = ReferenceCache<Int>(), source = Source()
        #expect(try await cache.value { source.load() } == 1)
        source.set(2)
        #expect(try await cache.value { source.load() } == 1, "kept: no change was said")
        #expect(source.loads == 1)
        ReferenceCaches.changed()
        #expect(try await cache.value { source.load() } == 2, "read again after the change")
        #expect(source.loads == 2)

        ReferenceCaches.setListening(false)
        source.set(3)
        #expect(try await cache.value { source.load() } == 3, "nobody listening: read every time")
        #expect(try await cache.value { source.load() } == 3)
        #expect(source.loads == 4)
    }

    @Test("a change said while loading keeps the load's value out of the cache")
    func changeWhileLoading() async throws {
        ReferenceCaches.setListening(true)
        defer { ReferenceCaches.setListening(false) }
        let cache = ReferenceCache<Int>(), source = Source()
        let first = try await cache.value {
            let value = source.load()
            ReferenceCaches.changed()  // committed by someone else while this read ran
            return value
        }
        #expect(first == 1)
        source.set(2)
        #expect(try await cache.value { source.load() } == 2, "the racing load was not kept")
    }

    @Test("a local write keeps no copy until its change is said; a copy lives at most maxAge")
    func writingAndAge() async throws {
        ReferenceCaches.setListening(true)
        defer { ReferenceCaches.setListening(false) }
        let cache = ReferenceCache<Int>(maxAge: .milliseconds(200)), source = Source()
        _ = try await cache.value { source.load() }
        cache.writing()
        source.set(2)  // the write, not committed yet: this transaction reads it, nobody keeps it
        #expect(try await cache.value { source.load() } == 2)
        source.set(1)  // rolled back
        #expect(try await cache.value { source.load() } == 1, "not kept while the write was pending")
        ReferenceCaches.changed()
        #expect(try await cache.value { source.load() } == 1)
        let loads = source.loads
        #expect(try await cache.value { source.load() } == 1 && source.loads == loads, "kept again once the change was said")
        try await Task.sleep(for: .milliseconds(250))
        _ = try await cache.value { source.load() }
        #expect(source.loads == loads + 1, "older than maxAge: read again")
    }
}
