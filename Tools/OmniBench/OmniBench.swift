import ArgumentParser
import BenchFigures
import Foundation
import Logging
import OmniKafka
import OmniMessaging

/// `omni-bench`: Omni on its real processes under load. `figures` (the default) measures;
/// `chaos` breaks things while orders flow and checks the invariants afterwards.
@main
struct OmniBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "omni-bench",
        abstract: "Load Omni's real processes: measure them (figures) or crash them (chaos).",
        subcommands: [Figures.self, Chaos.self, Compare.self],
        defaultSubcommand: Figures.self
    )
}

/// Where the stack under test is: the broker, and the Postgres whose superuser creates
/// each service's schema.
struct StackOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers (default: OMNI_KAFKA_BOOTSTRAP or .omni/broker.bootstrap).")
    var bootstrap: String?
    @Option var pgHost = "127.0.0.1"
    @Option var pgPort = 5432
    @Option var pgUser = "omni"
    @Option var pgPassword = "omni"
    @Option var pgDatabase = "omni"

    var postgres: PostgresTarget { PostgresTarget(host: pgHost, port: pgPort, user: pgUser, password: pgPassword, database: pgDatabase) }

    func resolveBootstrap() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let bootstrap { return bootstrap }
        if let value = environment["OMNI_KAFKA_BOOTSTRAP"], !value.isEmpty { return value }
        let file = environment["OMNI_KAFKA_BOOTSTRAP_FILE"] ?? ".omni/broker.bootstrap"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), !text.isEmpty else {
            throw ValidationError("no broker: pass --bootstrap or set OMNI_KAFKA_BOOTSTRAP (scripts/omni bench does)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Where the bench and the services it starts were built.
    var binDir: URL { URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent() }
}

/// The figures: the delivery path (issue #2) next to the raw librdkafka produce/consume
/// rate and a single-row Postgres insert rate measured in the same run on the same
/// machine, so the ratios mean something anywhere; then each service and the whole
/// system. Prints figures; asserts nothing about time.
struct Figures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure the delivery path, each service and the whole system against raw Kafka and Postgres baselines.")

    @OptionGroup var stack: StackOptions

    @Option(help: "Messages per throughput phase.")
    var messages = 20_000
    @Option(help: "Payload size in bytes for the raw Kafka phase (the delivery phase sends a small JSON ping).")
    var payloadBytes = 200
    @Option(help: "Messages per second in the latency phases (raw and end to end).")
    var rate = 200
    @Option(help: "Seconds each latency phase lasts.")
    var latencySeconds = 10
    @Option(help: "Seconds each Postgres insert phase lasts.")
    var insertSeconds = 5
    @Option(help: "Concurrent writers in the delivery throughput phase (each event its own transaction).")
    var writers = 8
    @Option(help: "The omni-probe executable (default: next to omni-bench).")
    var probe: String?
    @Option(help: "Which parts to run: delivery (the foundation), catalog, orders, promotions, notifications. Default: all.")
    var only: [Part] = []
    @Option(help: "Reservations in the catalog throughput phase.")
    var reservations = 5_000
    @Option(help: "POS sales per second in the catalog latency phase.")
    var posRate = 50

    @Option(help: "Orders in the orders throughput phase.")
    var orders = 2_000
    @Option(help: "Orders per second in the orders latency phase.")
    var orderRate = 200

    @Option(help: "Orders in the whole-system maximum phase (all five services).")
    var systemOrders = 5_000
    @Option(help: "Seconds each whole-system fixed-rate phase lasts.")
    var systemSeconds = 10
    @Option(parsing: .upToNextOption, help: "The whole system's fixed-rate phases, orders/s (POS sales at --pos-rate beside the first): the saturation curve.")
    var systemRates: [Int] = [20, 50, 100, 150, 200]

    @Option(help: "Where the services' executables are (default: beside omni-bench): another build, measured with this bench.")
    var servicesBin: String?
    @Option(help: "A name for this run in its JSON (`scripts/omni bench --compare` names the two builds).")
    var label: String?

    @Option(help: "Where the JSON figures and the latency plot (SVG) go.")
    var out = ".omni/bench"

    @Option(help: "Active promotions behind the HTTP quotes phase.")
    var quotePromotions = 100

    @Option(help: "Order confirmations in the notifications phase.")
    var notifications = 2_000

    enum Part: String, ExpressibleByArgument, CaseIterable { case delivery, catalog, orders, promotions, notifications, system }

    func run() async throws {
        ChildProcesses.stopOnSignals()
        var logger = Logger(label: "omni-bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let bootstrap = try stack.resolveBootstrap()
        let postgres = stack.postgres
        let binDir = servicesBin.map { URL(fileURLWithPath: $0) } ?? stack.binDir
        let report = BenchReport()
        report.header(messages: messages, payloadBytes: payloadBytes, rate: rate, seconds: latencySeconds)

        let parts = Set(only.isEmpty ? Part.allCases : only)

        // The baselines, always: every other figure is read next to them.
        let raw = RawKafkaBench(bootstrap: bootstrap, logger: logger)
        report.add(try await raw.produceRate(messages: messages, payloadBytes: payloadBytes))
        report.add(try await raw.consumeRate(messages: messages))
        report.add(try await raw.latency(rate: rate, seconds: latencySeconds, payloadBytes: payloadBytes))

        let inserts = PostgresInsertBench(target: postgres, logger: logger)
        report.add(try await inserts.insertRate(connections: 1, seconds: insertSeconds))
        report.add(try await inserts.insertRate(connections: 8, seconds: insertSeconds))

        if parts.contains(.delivery) {
            let delivery = try DeliveryBench(bootstrap: bootstrap, target: postgres, probe: probeExecutable(), logger: logger)
            try await measure(delivery, into: report) {
                try await delivery.start()
                let before = delivery.cpuShare()
                let throughput = try await delivery.throughput(messages: messages, writers: writers)
                report.add(throughput)
                report.note(CPUShare.per("message", from: before, to: delivery.cpuShare(), count: throughput.count, phase: "outbox → Kafka → inbox, throughput"))
                report.add(try await delivery.latency(rate: rate, seconds: latencySeconds))
            }
        }
        if parts.contains(.catalog) {
            let catalog = try await CatalogBench(bootstrap: bootstrap, target: postgres, binDir: binDir, skus: 50, logger: logger)
            try await measure(catalog, into: report) {
                try await catalog.start(unitsPerSku: reservations + posRate * latencySeconds)
                report.add(try await catalog.reservations(count: reservations))
                report.add(try await catalog.posSaleToAvailability(rate: posRate, seconds: latencySeconds))
            }
        }
        if parts.contains(.orders) {
            let bench = try await OrdersBench(bootstrap: bootstrap, target: postgres, binDir: binDir, skus: 50, logger: logger)
            try await measure(bench, into: report) {
                try await bench.start(unitsPerSku: 4 * (orders + orderRate * latencySeconds))
                report.add(try await bench.throughput(count: orders))
                report.add(try await bench.latency(rate: orderRate, seconds: latencySeconds))
            }
        }
        if parts.contains(.promotions) {
            for (count, iterations) in [(1, 20_000), (100, 5_000), (10_000, 200)] {
                report.add(PromotionsEngineBench.evaluation(activePromotions: count, iterations: iterations))
            }
            let bench = try await PromotionsQuoteBench(bootstrap: bootstrap, target: postgres, binDir: binDir, logger: logger)
            try await measure(bench, into: report) {
                try await bench.start(promotions: quotePromotions)
                report.add(try await bench.quotes(promotions: quotePromotions, clients: 16, seconds: latencySeconds))
            }
        }
        if parts.contains(.notifications) {
            let bench = try await NotificationsBench(bootstrap: bootstrap, target: postgres, binDir: binDir, logger: logger)
            try await measure(bench, into: report) {
                try await bench.start()
                report.add(try await bench.smtpBaseline(count: notifications))
                report.add(try await bench.confirmations(count: notifications))
            }
        }
        if parts.contains(.system) {
            // Issue #8: all five services, orders from four channels, POS sales at the same time.
            let bench = try await OrdersBench(bootstrap: bootstrap, target: postgres, binDir: binDir, skus: 50, services: OrdersBench.allServices,
                                              label: "system", logger: logger)
            try await measure(bench, into: report) {
                try await bench.start(unitsPerSku: 4 * (systemOrders + systemRates.reduce(0, +) * systemSeconds) + posRate * systemSeconds)
                try await systemPhases(bench, report: report, postgres: postgres)
            }
        }
        report.printSummary()
        let folder = URL(fileURLWithPath: out)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let json = folder.appendingPathComponent("bench-\(stamp).json"), plot = folder.appendingPathComponent("latency-\(stamp).svg")
        let curve = folder.appendingPathComponent("curve-\(stamp).svg")
        try report.writeJSON(to: json, label: label)
        try report.writePlot(to: plot)
        print("figures: \(json.path)")
        if FileManager.default.fileExists(atPath: plot.path) { print("latency over time: \(plot.path)") }
        if try report.writeCurve(to: curve, title: "Omni, five services on \(ProcessInfo.processInfo.activeProcessorCount) cores\(label.map { " (\($0))" } ?? ""): offered vs carried vs latency") {
            print("saturation curve (offered vs carried vs p99): \(curve.path)")
        }
    }

    /// The whole system: as fast as orders come back (what an order costs: CPU by process,
    /// messages, statements, rows, WAL), then each fixed rate in turn (the curve).
    private func systemPhases(_ bench: OrdersBench, report: BenchReport, postgres: PostgresTarget) async throws {
        try await PostgresActivity.resetStatements(postgres)
        let postgresBefore = try await PostgresActivity.read(postgres)
        let since = Date()
        let before = bench.cpuShare()
        let maximum = try await bench.throughput(count: systemOrders)
        let after = bench.cpuShare()
        let postgresAfter = try await PostgresActivity.read(postgres)
        report.add(maximum)
        report.note(CPUShare.per("order", from: before, to: after, count: maximum.count, phase: "system at the maximum", target: 500))
        report.note(PostgresActivity.perOrder(from: postgresBefore, to: postgresAfter, orders: maximum.count, phase: "system at the maximum"))
        report.note("system at the maximum: " + (try await PostgresActivity.deliveriesByType(postgres, since: since, orders: maximum.count)))
        report.note("system at the maximum: the statements run most, calls per order:\n    "
                    + (try await PostgresActivity.topStatements(postgres, orders: maximum.count)).joined(separator: "\n    "))
        report.metrics([BenchMetric("orders/s at the maximum", maximum.perSecond, unit: "orders/s", better: .higher)])
        report.metrics(CPUShare.metrics("order", from: before, to: after, count: maximum.count, ratioAtMost: 0.6))
        report.metrics(PostgresActivity.metrics(from: postgresBefore, to: postgresAfter, orders: maximum.count))
        var points: [SaturationCurve.Point] = []
        for (index, rate) in systemRates.enumerated() {
            // What the previous phase left queued (emails, timelines) drains first: each
            // rate is measured on its own.
            try await Task.sleep(for: .seconds(5))
            async let sales = index == 0 && posRate > 0 ? bench.posSales(rate: posRate, seconds: systemSeconds) : nil
            let figure = try await bench.latency(rate: rate, seconds: systemSeconds)
            report.add(figure)
            if let sales = try await sales { report.add(sales) }
            guard let latencies = figure.latencies else { continue }
            points.append(.init(offered: Double(rate), carried: figure.perSecond, p50Milliseconds: latencies.p50, p99Milliseconds: latencies.p99))
            let targets: (p50: Double?, p99: Double?) = rate == 20 ? (30, 80) : (nil, nil)
            report.metrics([
                BenchMetric("p50 placement → confirmation at \(rate)/s", latencies.p50, unit: "ms", atMost: targets.p50),
                BenchMetric("p99 placement → confirmation at \(rate)/s", latencies.p99, unit: "ms", atMost: targets.p99),
                BenchMetric("carried at \(rate)/s offered", figure.perSecond, unit: "orders/s", better: .higher),
            ])
        }
        report.curve(SaturationCurve(points: points))
        report.note(String(format: "system: largest service RSS %.0f MB", bench.largestRSS))
    }

    /// Runs `body` against `bench`'s processes, notes their CPU and memory, and stops them
    /// whatever happens.
    private func measure(_ bench: some BenchedProcesses, into report: BenchReport, _ body: () async throws -> Void) async throws {
        do {
            try await body()
            for note in bench.usageNotes { report.note(note) }
            await bench.stop()
        } catch {
            await bench.stop()
            throw error
        }
    }

    private func probeExecutable() -> String {
        probe ?? stack.binDir.appendingPathComponent("omni-probe").path
    }
}

/// The topics the bench uses besides DESIGN.md's (`scripts/omni bench` creates them).
enum BenchTopics {
    static let raw = "omni.bench"
    static let probe = "omni.probe"
}

/// A phase's processes: stopped at the end, their usage reported.
protocol BenchedProcesses {
    var usageNotes: [String] { get }
    func stop() async
}

extension DeliveryBench: BenchedProcesses {
    var usageNotes: [String] { [] }
}
extension CatalogBench: BenchedProcesses {}
extension OrdersBench: BenchedProcesses {}
extension PromotionsQuoteBench: BenchedProcesses {}
extension NotificationsBench: BenchedProcesses {}
