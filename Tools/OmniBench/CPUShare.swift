import BenchFigures
import Foundation

/// Where the machine's CPU went during a phase, read from /proc: each service, Postgres
/// (every process named `postgres`), the dev broker, the SMTP sink, the bench itself, and
/// whatever else ran (another tenant of a shared machine shows up there). Read per order,
/// it says how far the system is from a throughput target on these cores, and which part
/// would have to shrink.
struct CPUShare {
    /// Busy CPU seconds of the whole machine (user, nice, system, irq, softirq; no steal, no idle).
    var machine: Double
    /// CPU seconds per part, by name.
    var parts: [String: Double]

    /// The counters now. `named` gives the bench's own processes their names (pid → name).
    static func now(named: [Int32: String]) -> CPUShare {
        var parts: [String: Double] = [:]
        let ownPID = getpid()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let seconds = processSeconds(pid) else { continue }
            let part: String
            if let name = named[pid] {
                part = name
            } else if pid == ownPID {
                part = "bench"
            } else {
                switch (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) {
                case "postgres": part = "Postgres"
                case "omni-dev-broker": part = "broker"
                default: continue
                }
            }
            parts[part, default: 0] += seconds
        }
        return CPUShare(machine: machineSeconds(), parts: parts)
    }

    /// CPU seconds (user + system) of one process, all its threads, from /proc/<pid>/stat.
    static func processSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces) start after ")".
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    private static func machineSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 7 else { return 0 }
        // user, nice, system, idle, iowait, irq, softirq, steal, …: idle, iowait and steal are not ours.
        return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) / ticksPerSecond
    }

    /// Milliseconds of the machine's CPU per unit, and each part's, largest first ("other":
    /// what no named process accounts for).
    static func perUnit(from start: CPUShare, to end: CPUShare, count: Int) -> (machine: Double, parts: [(String, Double)]) {
        let count = Double(max(count, 1))
        let machine = (end.machine - start.machine) * 1_000 / count
        var parts = end.parts.map { name, seconds in (name, (seconds - (start.parts[name] ?? 0)) * 1_000 / count) }
        parts.sort { $0.1 > $1.1 }
        let other = machine - parts.reduce(0) { $0 + $1.1 }
        return (machine, parts + [("other", max(other, 0))])
    }

    /// As metrics: the machine's CPU per unit (held to `ratioAtMost` the previous build's),
    /// then each part's.
    static func metrics(_ unit: String, from start: CPUShare, to end: CPUShare, count: Int, ratioAtMost: Double? = nil) -> [BenchMetric] {
        let (machine, parts) = perUnit(from: start, to: end, count: count)
        return [BenchMetric("CPU per \(unit)", machine, unit: "ms", ratioAtMost: ratioAtMost)]
            + parts.map { BenchMetric("CPU per \(unit): \($0.0)", $0.1, unit: "ms") }
    }

    /// "system at the maximum: CPU per order 13.6 ms of the machine's (500/s on 2 cores
    /// allows 4.0 ms): Postgres 4.5, orders 2.3, …". A process that ended between the two
    /// readings is left out (its part shows as "other").
    static func per(_ unit: String, from start: CPUShare, to end: CPUShare, count: Int, phase: String, target: Int? = nil) -> String {
        let (machine, parts) = perUnit(from: start, to: end, count: count)
        let precision = machine < 2 ? "%.2f" : "%.1f"
        let list = parts.map { String(format: "%@ \(precision)", $0.0, $0.1) }.joined(separator: ", ")
        var allows = ""
        if let target {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            allows = String(format: " (%d/s on %d cores allows \(precision) ms)", target, cores, Double(cores) * 1_000 / Double(target))
        }
        return String(format: "%@: CPU per %@ \(precision) ms of the machine's%@: %@ (ms)", phase, unit, machine, allows, list)
    }
}
