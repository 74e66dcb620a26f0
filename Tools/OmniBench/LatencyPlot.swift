import BenchFigures
import Foundation

/// Latency over time as a small self-contained SVG: one panel per phase, a dot per
/// command (when it was sent, how long its outcome took) and the p99 of each second.
enum LatencyPlot {
    static func svg(_ phases: [(name: String, samples: [LatencySample])]) -> String {
        let width = 900.0, panelHeight = 260.0, left = 90.0, right = 20.0, top = 30.0, bottom = 40.0
        var body = ""
        for (index, phase) in phases.enumerated() {
            let y0 = Double(index) * panelHeight
            let samples = phase.samples
            let maxAt = max(1, samples.map(\.at).max() ?? 1)
            let maxMs = SVG.niceCeiling(samples.map(\.milliseconds).max() ?? 1)
            let plotWidth = width - left - right, plotHeight = panelHeight - top - bottom
            func x(_ at: Double) -> Double { left + at / maxAt * plotWidth }
            func y(_ ms: Double) -> Double { y0 + top + plotHeight - min(ms, maxMs) / maxMs * plotHeight }
            body += "<text x=\"\(left)\" y=\"\(y0 + 18)\" font-size=\"14\" font-weight=\"bold\">\(SVG.escape(phase.name))</text>\n"
            body += "<rect x=\"\(left)\" y=\"\(y0 + top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"#999\"/>\n"
            for tick in 0...4 {
                let ms = maxMs * Double(tick) / 4
                body += "<text x=\"\(left - 6)\" y=\"\(format(y(ms) + 4))\" font-size=\"11\" text-anchor=\"end\">\(String(format: "%.0f", ms)) ms</text>\n"
                let at = maxAt * Double(tick) / 4
                body += "<text x=\"\(format(x(at)))\" y=\"\(y0 + panelHeight - bottom + 16)\" font-size=\"11\" text-anchor=\"middle\">\(format(at)) s</text>\n"
            }
            // At most 4,000 dots: every nth sample.
            let stride = max(1, samples.count / 4_000)
            for sample in samples.enumerated().filter({ $0.offset % stride == 0 }).map(\.element) {
                body += "<circle cx=\"\(format(x(sample.at)))\" cy=\"\(format(y(sample.milliseconds)))\" r=\"1.5\" fill=\"#4a7ebb\" fill-opacity=\"0.5\"/>\n"
            }
            let perSecond = Dictionary(grouping: samples) { Int($0.at) }.sorted { $0.key < $1.key }
            let points = perSecond.map { second, group -> String in
                let sorted = group.map(\.milliseconds).sorted()
                let p99 = sorted[Int((0.99 * Double(sorted.count - 1)).rounded())]
                return "\(format(x(Double(second) + 0.5))),\(format(y(p99)))"
            }
            body += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/>\n"
            body += "<text x=\"\(width - right)\" y=\"\(y0 + 18)\" font-size=\"11\" text-anchor=\"end\" fill=\"#c0392b\">— p99 per second</text>\n"
        }
        let height = Double(phases.count) * panelHeight
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            \(body)</svg>

            """
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
