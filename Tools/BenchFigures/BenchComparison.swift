import Foundation

/// Two builds' runs from one sitting (A B A B …) set side by side: each metric's mean and
/// spread per build, and the ratio current / previous. Only such a ratio counts on a
/// shared machine, where one half-hour differs from the next by 20–30 %.
public struct BenchComparison: Sendable {
    public struct Row: Sendable, Equatable {
        public var metric: String
        public var unit: String
        public var better: BenchMetric.Better
        public var previous: [Double]
        public var current: [Double]
        public var atMost: Double?
        public var ratioAtMost: Double?

        public var previousMean: Double? { Self.mean(previous) }
        public var currentMean: Double? { Self.mean(current) }
        /// current / previous, when both builds measured it.
        public var ratio: Double? {
            guard let before = previousMean, let now = currentMean, before != 0 else { return nil }
            return now / before
        }
        /// Whether the current build meets the metric's targets (nil: it has none).
        public var meetsTarget: Bool? {
            guard atMost != nil || ratioAtMost != nil, let now = currentMean else { return nil }
            if let atMost, now > atMost { return false }
            if let ratioAtMost, let ratio, ratio > ratioAtMost { return false }
            return true
        }

        static func mean(_ values: [Double]) -> Double? {
            values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
    }

    public var rows: [Row]

    /// `previous` and `current`: each run's metrics. Rows keep the order metrics first
    /// appear in; a metric one build lacks still gets its row (without a ratio).
    public init(previous: [[BenchMetric]], current: [[BenchMetric]]) {
        var order: [String] = []
        var rows: [String: Row] = [:]
        func add(_ runs: [[BenchMetric]], to side: WritableKeyPath<Row, [Double]>) {
            for run in runs {
                for metric in run where metric.value.isFinite {
                    if rows[metric.name] == nil {
                        order.append(metric.name)
                        rows[metric.name] = Row(metric: metric.name, unit: metric.unit, better: metric.better, previous: [], current: [],
                                                atMost: metric.atMost, ratioAtMost: metric.ratioAtMost)
                    }
                    rows[metric.name]![keyPath: side].append(metric.value)
                }
            }
        }
        add(current, to: \.current)
        add(previous, to: \.previous)
        self.rows = order.compactMap { rows[$0] }
    }

    /// A Markdown table: metric, previous (mean, min–max), current, ratio, target.
    public func table(previousLabel: String, currentLabel: String) -> String {
        var lines = ["| metric | \(previousLabel) | \(currentLabel) | current / previous | target |", "|---|---:|---:|---:|---|"]
        for row in rows {
            let ratio = row.ratio.map { String(format: "%.2f×", $0) } ?? "—"
            lines.append("| \(row.metric) (\(row.unit)) | \(Self.describe(row.previous)) | \(Self.describe(row.current)) | \(ratio) | \(Self.target(row)) |")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ values: [Double]) -> String {
        guard let mean = Row.mean(values) else { return "—" }
        guard values.count > 1, let low = values.min(), let high = values.max() else { return number(mean) }
        return "\(number(mean)) (\(number(low))–\(number(high)))"
    }

    static func target(_ row: Row) -> String {
        var parts: [String] = []
        if let atMost = row.atMost { parts.append("≤ \(number(atMost))") }
        if let ratio = row.ratioAtMost { parts.append(String(format: "≤ %.2f× previous", ratio)) }
        guard let met = row.meetsTarget else { return "" }
        return parts.joined(separator: ", ") + (met ? " ✓" : " ✗")
    }

    static func number(_ value: Double) -> String {
        switch abs(value) {
        case 100...: String(format: "%.0f", value)
        case 10..<100: String(format: "%.1f", value)
        default: String(format: "%.2f", value)
        }
    }
}
