import BenchFigures
import Foundation

/// One measured figure: a rate, and a latency distribution when the phase has one.
struct BenchFigure {
    var name: String
    var count: Int
    var seconds: Double
    var latencies: LatencySummary?
    var note: String = ""
    /// Each measured latency at the moment its command was sent, for the plot.
    var samples: [LatencySample] = []

    var perSecond: Double { seconds > 0 ? Double(count) / seconds : 0 }
}

/// One latency: its command was sent `at` seconds into the phase and took `milliseconds`.
struct LatencySample: Sendable {
    var at: Double
    var milliseconds: Double
}

/// p50/p95/p99/max of a set of latencies, in milliseconds.
struct LatencySummary {
    var p50: Double
    var p95: Double
    var p99: Double
    var max: Double

    init(milliseconds values: [Double]) {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let rank = Int((p * Double(sorted.count - 1)).rounded())
            return sorted[rank]
        }
        p50 = percentile(0.50)
        p95 = percentile(0.95)
        p99 = percentile(0.99)
        max = sorted.last ?? .nan
    }

    init(p50: Double, p95: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
    }
}

/// Prints each figure as it is measured, then a table with the ratios to the baselines.
final class BenchReport {
    private var figures: [BenchFigure] = []
    private var notes: [String] = []
    /// The numbers two builds are compared by (`omni-bench compare`).
    private(set) var metrics: [BenchMetric] = []
    /// Offered vs carried vs latency, one point per fixed-rate phase of the system.
    private(set) var curve: SaturationCurve?

    func metrics(_ new: [BenchMetric]) { metrics += new }

    /// The saturation curve: printed as a table now, drawn by `writeCurve`.
    func curve(_ curve: SaturationCurve) {
        self.curve = curve
        print("")
        print(curve.table)
        if let rate = curve.saturatesAt { print(String(format: "saturated from %.0f orders/s offered (carried < 95 %%)", rate)) }
    }

    /// A line printed now and again under the summary (a process's CPU and memory, say).
    func note(_ text: String) {
        notes.append(text)
        FileHandle.standardOutput.write(Data("  \(text)\n".utf8))
    }

    func header(messages: Int, payloadBytes: Int, rate: Int, seconds: Int) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        FileHandle.standardOutput.write(Data("omni-bench: \(messages) messages per throughput phase, \(payloadBytes)-byte raw payloads, latency phases at \(rate) msg/s for \(seconds) s; \(cores) cores\n".utf8))
    }

    func add(_ figure: BenchFigure) {
        figures.append(figure)
        // Unbuffered: a long run shows each figure as it lands.
        FileHandle.standardOutput.write(Data("  \(figure.name): \(Self.format(figure))\n".utf8))
    }

    static func format(_ figure: BenchFigure) -> String {
        var text = String(format: "%.0f/s (%d in %.2f s)", figure.perSecond, figure.count, figure.seconds)
        if let latencies = figure.latencies {
            text += String(format: ", p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms", latencies.p50, latencies.p95, latencies.p99, latencies.max)
        }
        if !figure.note.isEmpty { text += " — \(figure.note)" }
        return text
    }

    func printSummary() {
        print("")
        print("| phase | rate | p50 | p95 | p99 |")
        print("|---|---:|---:|---:|---:|")
        for figure in figures {
            let p50 = figure.latencies.map { String(format: "%.1f ms", $0.p50) } ?? "—"
            let p95 = figure.latencies.map { String(format: "%.1f ms", $0.p95) } ?? "—"
            let p99 = figure.latencies.map { String(format: "%.1f ms", $0.p99) } ?? "—"
            print("| \(figure.name) | \(String(format: "%.0f/s", figure.perSecond)) | \(p50) | \(p95) | \(p99) |")
        }
        // Each measured throughput next to the baselines of the same run.
        let baselines = figures.filter { $0.name.hasPrefix("raw librdkafka produce") && $0.latencies == nil || $0.name.hasPrefix("Postgres") }
        for figure in figures where Self.isMeasuredThroughput(figure) {
            print("")
            for baseline in baselines {
                print("\(figure.name) = \(String(format: "%.4f", Self.ratio(figure, to: baseline))) × \(baseline.name)")
            }
        }
        for note in notes { print(note) }
    }

    private var baselines: [BenchFigure] {
        figures.filter { $0.name.hasPrefix("raw librdkafka produce") && $0.latencies == nil || $0.name.hasPrefix("Postgres") }
    }

    /// The throughputs worth reading next to the baselines.
    private static func isMeasuredThroughput(_ figure: BenchFigure) -> Bool {
        ["outbox → Kafka → inbox, throughput", "catalog: reservations", "orders: full saga", "system: orders at the maximum"].contains { figure.name.hasPrefix($0) }
    }

    private static func ratio(_ figure: BenchFigure, to baseline: BenchFigure) -> Double { figure.perSecond / max(baseline.perSecond, 1) }

    /// Every figure, note and ratio as JSON (for comparing runs), written to `url`.
    func writeJSON(to url: URL, label: String?) throws {
        struct Figure: Encodable {
            var name: String, count: Int, seconds: Double, perSecond: Double, note: String
            var p50Milliseconds: Double?, p95Milliseconds: Double?, p99Milliseconds: Double?, maxMilliseconds: Double?
            var ratios: [String: Double]
        }
        struct Document: Encodable {
            var date: String; var cores: Int; var label: String?; var figures: [Figure]; var notes: [String]
            var metrics: [BenchMetric]; var curve: [SaturationCurve.Point]?
        }
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        let figures = self.figures.map { figure in
            Figure(name: figure.name, count: figure.count, seconds: figure.seconds, perSecond: figure.perSecond, note: figure.note,
                   p50Milliseconds: finite(figure.latencies?.p50), p95Milliseconds: finite(figure.latencies?.p95),
                   p99Milliseconds: finite(figure.latencies?.p99), maxMilliseconds: finite(figure.latencies?.max),
                   ratios: Self.isMeasuredThroughput(figure) ? Dictionary(baselines.map { ($0.name, Self.ratio(figure, to: $0)) }) { a, _ in a } : [:])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let document = Document(date: ISO8601DateFormatter().string(from: Date()), cores: ProcessInfo.processInfo.activeProcessorCount,
                                label: label, figures: figures, notes: notes, metrics: metrics, curve: curve?.points)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(document).write(to: url)
    }

    /// The saturation curve as an SVG plot, if the system's fixed-rate phases ran.
    func writeCurve(to url: URL, title: String) throws -> Bool {
        guard let curve, !curve.points.isEmpty else { return false }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try curve.svg(title: title).write(to: url, atomically: true, encoding: .utf8)
        return true
    }

    /// The phases that measured latencies over time, as one SVG plot each, stacked.
    func writePlot(to url: URL) throws {
        let plotted = figures.filter { !$0.samples.isEmpty }
        guard !plotted.isEmpty else { return }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try LatencyPlot.svg(plotted.map { ($0.name, $0.samples) }).write(to: url, atomically: true, encoding: .utf8)
    }
}
