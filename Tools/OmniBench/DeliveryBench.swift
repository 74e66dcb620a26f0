import Foundation
import Logging
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// The figure that matters: an event appended to the outbox in a business transaction,
/// published by the relay, consumed and handled exactly once (inbox insert + handler
/// write in one transaction, then the offset), measured from the ping's `ce_time`, taken
/// just before its business transaction, to the handler's `clock_timestamp()`.
///
/// The receiving side is `omni-probe`, the same runtime every service runs (migrations,
/// relay, consumer loop), as a separate process; the bench plays the business code and
/// appends ping events to the probe's own outbox.
final class DeliveryBench {
    private let bootstrap: String
    private let target: PostgresTarget
    private let probePath: String
    private let logger: Logger
    private let schema = "bench_delivery_\(UUID().uuidString.lowercased().prefix(8))"
    private let database: Database
    private let writer: PingWriter
    private var runner: Task<Void, Never>?
    private var process: Process?
    private let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("omni-bench-probe-\(getpid()).log")

    init(bootstrap: String, target: PostgresTarget, probe: String, logger: Logger) throws {
        self.bootstrap = bootstrap
        self.target = target
        self.probePath = probe
        self.logger = logger
        database = try Database(configuration: DatabaseConfiguration(
            host: target.host, port: target.port, database: target.database, username: target.user,
            password: target.password, schema: schema, maxConnections: 16
        ), logger: logger)
        writer = PingWriter(database: database, logger: logger)
    }

    func start() async throws {
        guard FileManager.default.isExecutableFile(atPath: probePath) else {
            throw BenchError("omni-probe not found at \(probePath) (build it, or pass --probe)")
        }
        runner = Task { [database] in await database.client.run() }
        try await database.client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"))
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else { throw BenchError("cannot write \(logFile.path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: probePath)
        process.environment = ProcessInfo.processInfo.environment.merging([
            "OMNI_SERVICE_NAME": schema, "OMNI_PG_HOST": target.host, "OMNI_PG_PORT": "\(target.port)",
            "OMNI_PG_DATABASE": target.database, "OMNI_PG_USER": target.user, "OMNI_PG_PASSWORD": target.password,
            "OMNI_KAFKA_BOOTSTRAP": bootstrap, "OMNI_HTTP_PORT": "0", "OMNI_LOG_LEVEL": "warning",
            "OMNI_CONSUMER_GROUP": "omni-\(schema)",
        ]) { $1 }
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        try await waitFor("the probe's migrations", timeout: .seconds(60)) {
            try await self.scalar("SELECT count(*)::int8 FROM pg_tables WHERE schemaname = '\(self.schema)' AND tablename = 'received'") == 1
        }
        // Warm-up: the consumer owns its partitions and the relay is listening.
        let warmup = "warmup"
        try await writer.write(run: warmup, count: 200, writers: 4)
        try await waitUntilHandled(run: warmup, count: 200, timeout: .seconds(120))
    }

    /// The machine's CPU counters now, with the probe by name.
    func cpuShare() -> CPUShare {
        CPUShare.now(named: process.map { [$0.processIdentifier: "probe (relay and consumer)"] } ?? [:])
    }

    func stop() async {
        if let process, process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        _ = try? await database.client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
        runner?.cancel()
    }

    /// `messages` events written as fast as `writers` concurrent transactions allow.
    func throughput(messages: Int, writers: Int) async throws -> BenchFigure {
        let run = "throughput-\(UUID().uuidString.prefix(8))"
        let started = ContinuousClock.now
        try await writer.write(run: run, count: messages, writers: writers)
        let writeSeconds = (ContinuousClock.now - started).seconds
        try await waitUntilHandled(run: run, count: messages, timeout: .seconds(max(120, messages / 50)))
        let result = try await measure(run: run)
        return BenchFigure(
            name: "outbox → Kafka → inbox, throughput", count: result.handled, seconds: result.spanSeconds, latencies: result.latencies,
            note: "\(writers) writers, written at \(String(format: "%.0f", Double(messages) / writeSeconds))/s; handled once: \(result.handledOnce ? "yes" : "NO")"
        )
    }

    /// One event per transaction at a steady `rate`: the hop latency a journey sees.
    func latency(rate: Int, seconds: Int) async throws -> BenchFigure {
        let run = "latency-\(UUID().uuidString.prefix(8))"
        let ticks = FixedRate(rate: rate, seconds: seconds)
        let total = ticks.total
        try await withThrowingTaskGroup(of: Void.self) { group in
            for try await n in ticks {
                group.addTask { [writer] in try await writer.append(run: run, n: n) }
            }
            try await group.waitForAll()
        }
        try await waitUntilHandled(run: run, count: total, timeout: .seconds(120))
        let result = try await measure(run: run)
        return BenchFigure(
            name: "outbox → Kafka → inbox, hop latency", count: result.handled, seconds: Double(seconds), latencies: result.latencies,
            note: "at \(rate) msg/s; handled once: \(result.handledOnce ? "yes" : "NO")"
        )
    }

    // MARK: Plumbing

    private func waitUntilHandled(run: String, count: Int, timeout: Duration) async throws {
        try await waitFor("\(count) pings of \(run) handled", timeout: timeout) {
            try await self.scalar("SELECT count(DISTINCT message_id)::int8 FROM \(self.schema).received WHERE run = '\(run)'") >= count
        }
    }

    private struct Measurement {
        var handled: Int
        var handledOnce: Bool
        var spanSeconds: Double
        var latencies: LatencySummary
    }

    private func measure(run: String) async throws -> Measurement {
        let rows = try await database.client.query(PostgresQuery(unsafeSQL: """
            SELECT count(*)::int8, count(DISTINCT r.message_id)::int8,
                   extract(epoch FROM max(r.handled_at) - min(r.sent_at))::float8,
                   (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.handled_at - r.sent_at)) * 1000)::float8,
                   (percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.handled_at - r.sent_at)) * 1000)::float8,
                   (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM r.handled_at - r.sent_at)) * 1000)::float8,
                   (max(extract(epoch FROM r.handled_at - r.sent_at)) * 1000)::float8
            FROM \(schema).received r
            WHERE r.run = '\(run)'
            """))
        for try await (total, distinct, span, p50, p95, p99, maximum) in rows.decode((Int64, Int64, Double, Double, Double, Double, Double).self) {
            return Measurement(handled: Int(distinct), handledOnce: total == distinct, spanSeconds: span,
                               latencies: LatencySummary(p50: p50, p95: p95, p99: p99, max: maximum))
        }
        throw BenchError("no measurement for \(run)")
    }

    private func scalar(_ sql: String) async throws -> Int64 {
        let rows = try await database.client.query(PostgresQuery(unsafeSQL: sql))
        for try await value in rows.decode(Int64.self) { return value }
        return 0
    }

    private func waitFor(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            if let process, !process.isRunning {
                throw BenchError("omni-probe exited (\(process.terminationStatus)); log: \(logFile.path)")
            }
            guard ContinuousClock.now < deadline else { throw BenchError("timed out waiting for \(what); probe log: \(logFile.path)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The bench's "business code": transactions that each append one ping to the outbox.
struct PingWriter: Sendable {
    private struct Ping: Codable, Sendable {
        var run: String
        var n: Int
    }

    let database: Database
    let logger: Logger

    func write(run: String, count: Int, writers: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for n in stride(from: writer, to: count, by: writers) { try await append(run: run, n: n) }
                }
            }
            try await group.waitForAll()
        }
    }

    func append(run: String, n: Int) async throws {
        let event = try CloudEvent(type: "omni.probe.Ping.v1", source: "/tools/omni-bench", subject: "\(n)", payload: Ping(run: run, n: n))
        try await database.withTransaction { connection in
            try await Outbox.append(event, topic: BenchTopics.probe, key: "k\(n % 64)", on: connection, logger: logger)
        }
    }
}
