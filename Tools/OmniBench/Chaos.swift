import ArgumentParser
import Foundation
import OmniChannel
import Logging
import OmniMessaging
import CatalogContracts
import OrdersContracts
import PostgresNIO

/// `omni-bench chaos` (issue #8): orders flow from web, app, POS and telesales into the
/// five real services while one of them, picked at random, is `kill -9`ed every few
/// seconds and started again, and Postgres is restarted once. Afterwards the invariants
/// are checked on what the services hold and what crossed the broker, and printed as a
/// table; a violation makes the exit status non-zero.
struct Chaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Kill services at random under load, restart Postgres once, then check the invariants.")

    @OptionGroup var stack: StackOptions

    @Option(help: "Seconds of load.")
    var seconds = 60
    @Option(help: "Orders per second (a quarter each from web, app, POS and telesales).")
    var rate = 20
    @Option(help: "Seconds between two kills.")
    var killEvery = 5
    @Option(help: "A shell command that restarts Postgres (scripts/omni chaos passes `pg_ctl -m immediate restart`); without it Postgres stays up.")
    var restartPostgres: String?
    @Option(help: "Seed of the choice of victims (default: random).")
    var seed: UInt64?
    @Option(help: "Seconds to wait, after the load, for every order's outcome and for the services to go quiet.")
    var settleSeconds = 240
    @Option(help: "Where the mail the services send is kept (a maildir), to count copies.")
    var mailbox = ".omni/chaos-mail"

    func run() async throws {
        ChildProcesses.stopOnSignals()
        var logger = Logger(label: "omni-chaos") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .critical
        let seed = self.seed ?? UInt64.random(in: 1...UInt64.max)
        say("omni-bench chaos: \(rate) orders/s for \(seconds) s, kill -9 every \(killEvery) s, seed \(seed)\(restartPostgres == nil ? ", Postgres stays up" : ", Postgres restarted once")")
        let mailbox = URL(fileURLWithPath: self.mailbox).appendingPathComponent(UUID().uuidString.prefix(8).lowercased())
        // Crashed sends are given up quickly, so the run settles within minutes.
        let bootstrap = try stack.resolveBootstrap()
        let bench = try await OrdersBench(bootstrap: bootstrap, target: stack.postgres, binDir: stack.binDir, skus: 50,
                                          services: OrdersBench.allServices, label: "chaos", mailbox: mailbox,
                                          environment: ["OMNI_NOTIFICATIONS_SENDING_LEASE_SECONDS": "5", "OMNI_ORDERS_SAGA_TIMEOUT_SECONDS": "20"],
                                          logger: logger)
        let outcome: Result<[ChaosCheck.Row], any Error>
        do {
            try await bench.start(unitsPerSku: 4 * rate * seconds + 100)
            let run = UUID().uuidString.prefix(6).lowercased()[...]
            let crashes = CrashLog(), extras = ChaosExtras()
            let placed = try await withThrowingTaskGroup(of: [(String, ContinuousClock.Instant)].self) { group in
                group.addTask { try await self.load(bench, run: run, extras: extras) }
                group.addTask { try await self.breakThings(bench, seed: seed, log: crashes); return [] }
                var placed: [(String, ContinuousClock.Instant)] = []
                for try await part in group { placed += part }
                return placed
            }
            say("load over: \(placed.count) orders placed, \(crashes.entries.count) crashes; waiting for every outcome")
            let rows = try await withClient(stack.postgres.client(connections: 1)) { postgres in
                let check = ChaosCheck(bench: bench, bootstrap: bootstrap, postgres: postgres, run: run, correlations: placed.map(\.0),
                                       returns: extras.returns, sales: extras.sales)
                try await check.settle(timeout: .seconds(settleSeconds))
                return try await check.rows(crashes: crashes.entries)
            }
            outcome = .success(rows)
        } catch {
            outcome = .failure(error)
        }
        await bench.stop()
        let rows = try outcome.get()
        ChaosCheck.print(rows)
        if rows.contains(where: { !$0.holds }) { throw ExitCode(1) }
    }

    /// Orders at `rate`/s for `seconds`, whatever is down; every eighth order is a till
    /// sale that comes back (one unit) fifteen seconds later, and every fifth tick a POS sale
    /// goes straight to catalog.
    private func load(_ bench: OrdersBench, run: Substring, extras: ChaosExtras) async throws -> [(String, ContinuousClock.Instant)] {
        return try await withThrowingTaskGroup(of: (String, ContinuousClock.Instant)?.self) { group in
            for try await index in FixedRate(rate: rate, seconds: seconds) {
                group.addTask { try await bench.place(index, run: run) }
                if index % 8 == 2 {
                    let (order, _) = bench.order("bench-\(run)-\(index)", index: index)
                    group.addTask {
                        try await Task.sleep(for: .seconds(15))
                        let command = ReturnItems(returnId: "ret-\(order.orderId)", orderId: order.orderId, locationId: bench.store,
                                                  lines: [ReturnLineRequest(sku: order.lines![0].sku, quantity: 1)])
                        extras.returned(try await bench.channel.send(OrdersType.returnItems, command, to: .orders, key: order.orderId, channel: "pos").id)
                        return nil
                    }
                }
                if index % 5 == 0 {
                    let sale = RecordPosSale(saleId: "sale-\(run)-\(index)", storeId: bench.store, lines: [SkuQuantity(sku: bench.skus[index % bench.skus.count], quantity: 1)])
                    group.addTask {
                        extras.sold(try await bench.channel.send(CatalogType.recordPosSale, sale, to: .catalog, key: sale.lines[0].sku, channel: "pos").id)
                        return nil
                    }
                }
            }
            var placed: [(String, ContinuousClock.Instant)] = []
            for try await one in group { if let one { placed.append(one) } }
            return placed
        }
    }

    /// Every `killEvery` seconds, one service dies without warning and comes back; halfway,
    /// Postgres goes down at once and comes back.
    private func breakThings(_ bench: OrdersBench, seed: UInt64, log: CrashLog) async throws {
        var random = SeededRandom(seed: seed)
        let started = ContinuousClock.now
        var postgresRestarted = restartPostgres == nil
        while ContinuousClock.now - started < .seconds(seconds - killEvery) {
            try await Task.sleep(for: .seconds(killEvery))
            if !postgresRestarted, ContinuousClock.now - started >= .seconds(seconds / 2), let command = restartPostgres {
                postgresRestarted = true
                let status = await Self.shell(command)
                log.add("Postgres restarted (immediate)\(status == 0 ? "" : ", exit \(status)")")
                say("  \(Int((ContinuousClock.now - started).seconds)) s: Postgres restarted (pg_ctl -m immediate restart)")
                continue
            }
            let victim = random.pick(bench.services)
            let pid = victim.pid
            victim.kill9()
            say("  \(Int((ContinuousClock.now - started).seconds)) s: kill -9 \(victim.name) (pid \(pid))")
            try await Task.sleep(for: .milliseconds(500))
            try await victim.launch()
            log.add("\(victim.name) killed and restarted")
        }
    }

    /// Runs `command` with `/bin/sh` on a thread of its own (pg_ctl takes seconds) and
    /// returns its exit status. Foundation's `Process.waitUntilExit` never returned here
    /// once pg_ctl had started a postmaster, so this waits with `system(3)`.
    private static func shell(_ command: String) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let status = system(command)
                continuation.resume(returning: status == -1 ? -1 : (status >> 8) & 0xff)
            }
        }
    }
}

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

/// What the chaos did, for the table.
final class CrashLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ entry: String) { lock.withLock { items.append(entry) } }
    var entries: [String] { lock.withLock { items } }
}

/// The returns and POS sales the load sent (command ids), to check they were answered.
final class ChaosExtras: @unchecked Sendable {
    private let lock = NSLock()
    private var returnIDs: [UUID] = [], saleIDs: [UUID] = []
    func returned(_ id: UUID) { lock.withLock { returnIDs.append(id) } }
    func sold(_ id: UUID) { lock.withLock { saleIDs.append(id) } }
    var returns: [UUID] { lock.withLock { returnIDs } }
    var sales: [UUID] { lock.withLock { saleIDs } }
}

