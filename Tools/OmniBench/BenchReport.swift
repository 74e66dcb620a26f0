import Foundation

/// One measured figure: a rate, and a latency distribution when the phase has one.
struct BenchFigure {
    var name: String
    var count: Int
    var seconds: Double
    var latencies: LatencySummary?
    var note: String = ""

    var perSecond: Double { seconds > 0 ? Double(count) / seconds : 0 }
}

/// p50/p99/max of a set of latencies, in milliseconds.
struct LatencySummary {
    var p50: Double
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
        p99 = percentile(0.99)
        max = sorted.last ?? .nan
    }

    init(p50: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p99 = p99
        self.max = max
    }
}

/// Prints each figure as it is measured, then a table with the ratios to the baselines.
final class BenchReport {
    private var figures: [BenchFigure] = []
    private var notes: [String] = []

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
            text += String(format: ", p50 %.1f ms, p99 %.1f ms, max %.1f ms", latencies.p50, latencies.p99, latencies.max)
        }
        if !figure.note.isEmpty { text += " — \(figure.note)" }
        return text
    }

    func printSummary() {
        print("")
        print("| phase | rate | p50 | p99 |")
        print("|---|---:|---:|---:|")
        for figure in figures {
            let p50 = figure.latencies.map { String(format: "%.1f ms", $0.p50) } ?? "—"
            let p99 = figure.latencies.map { String(format: "%.1f ms", $0.p99) } ?? "—"
            print("| \(figure.name) | \(String(format: "%.0f/s", figure.perSecond)) | \(p50) | \(p99) |")
        }
        // Each measured throughput next to the baselines of the same run.
        let baselines = figures.filter { $0.name.hasPrefix("raw librdkafka produce") && $0.latencies == nil || $0.name.hasPrefix("Postgres") }
        let measured = figures.filter { $0.name.hasPrefix("outbox → Kafka → inbox, throughput") || $0.name.hasPrefix("catalog: reservations") || $0.name.hasPrefix("orders: full saga") }
        for figure in measured {
            print("")
            for baseline in baselines {
                print("\(figure.name) = \(String(format: "%.2f", figure.perSecond / max(baseline.perSecond, 1))) × \(baseline.name)")
            }
        }
        for note in notes { print(note) }
    }
}
