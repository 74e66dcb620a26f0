import CatalogContracts
import Foundation
import OmniMessaging
import PostgresNIO
import Testing

/// Postgres crashing (`pg_ctl -m immediate restart`) under a live service with work in
/// flight: the service keeps its process, and once Postgres is back every command is
/// answered, once, and nothing is lost. Runs on a cluster of its own, which only these
/// tests restart.
@Suite("A live service through a Postgres crash (real processes)", .serialized)
struct PostgresCrashTests {
    @Test("catalog handling reservations and till sales when Postgres crashes: every command answered once, stock conserved")
    func catalogLivesThroughPostgresCrash() async throws {
        let cluster = try TestPostgres.crashable()
        let stack = try await ServiceStack(.catalog, postgres: cluster)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.store: 100_000])

        // Channels keep sending while Postgres goes down and comes back, twice: the more
        // transactions in flight at a crash, the likelier one hits a dying connection.
        let crash = Task {
            var statuses: [Int32] = []
            for _ in 0..<2 {
                try await Task.sleep(for: .milliseconds(1_500))
                statuses.append(await TestPostgres.restartCrashable())
            }
            return statuses
        }
        var commands: [CloudEvent] = []
        for n in 0..<360 {
            if n % 3 == 0 {
                commands.append(try await stack.send(CatalogType.recordPosSale, RecordPosSale(saleId: "till-\(n)", storeId: f.store, lines: [.init(sku: f.sku, quantity: 1)]),
                                                     key: f.sku, channel: "pos"))
            } else {
                let order = "crash-\(n)"
                commands.append(try await stack.send(CatalogType.reserveStock, ReserveStock(
                    reservationId: order, orderId: order, channel: "web", lines: [.init(sku: f.sku, quantity: 1)],
                    fulfilment: .pickup(at: f.store), holdSeconds: 3600), key: order))
            }
            try await Task.sleep(for: .milliseconds(15))
        }
        #expect(try await crash.value == [0, 0], "pg_ctl restart failed")

        var reserved = 0, sold = 0
        for command in commands {
            let types: Set<String> = command.type == CatalogType.recordPosSale
                ? [CatalogType.stockMovementRecorded, CatalogType.commandRejected] : CatalogType.reservationOutcomes
            let outcome = try await stack.watcher.outcome(of: command.id, types: types, timeout: .seconds(90))
            switch outcome.type {
            case CatalogType.stockReserved: reserved += 1
            case CatalogType.stockMovementRecorded: sold += 1
            default: Issue.record("unexpected \(outcome.type): \(String(decoding: outcome.data, as: UTF8.self))")
            }
        }
        #expect(reserved == 240 && sold == 120)
        // Once each: a handler redone after a lost COMMIT answer must not answer twice. (The
        // relay may publish an event again when Postgres died before its claim committed:
        // the same ce_id, which every consumer's inbox drops.)
        #expect(Set(stack.watcher.events(CatalogType.stockReserved).map(\.id)).count == 240)

        let store = try await stack.getJSON("/availability/\(f.sku)/locations/\(f.store)", as: CatalogReservationTests.Availability.Location.self)
        #expect(store.onHand == 100_000 - 120 && store.reserved == 240)
        #expect(try await TestStack.ledgerMismatches(stack.schema, on: cluster) == [])
        let abandoned = try await stack.http.metric("omni_db_abandoned_on_closed_connection_total")
        let retried = try await stack.http.metric("omni_consumer_shared_transactions_split_total")
        print("postgres crash: \(Int(abandoned)) hung uses of a closed connection abandoned, \(Int(retried)) shared transactions redone one by one")
        // It still stops when asked, within ServiceLifecycle's limit.
        #expect(await stack.http.terminate() == 0)
        await stack.stop()
    }
}

extension TestPostgres {
    /// Crashes and restarts the crash-test cluster with the command `scripts/omni test`
    /// exported; returns pg_ctl's exit status. `system(3)` on a thread of its own:
    /// Foundation's `Process.waitUntilExit` does not return once pg_ctl started a postmaster.
    static func restartCrashable() async -> Int32 {
        guard let command = ProcessInfo.processInfo.environment["OMNI_TEST_CRASH_PG_RESTART"] else { return -1 }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let status = system(command + " >/dev/null 2>&1")
                continuation.resume(returning: status == -1 ? -1 : (status >> 8) & 0xff)
            }
        }
    }
}
