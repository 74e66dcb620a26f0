import Foundation

/// Offered load against what the system carried and how long it took, one point per
/// fixed-rate phase: where the curve leaves the diagonal the system queues instead of
/// serving, which is where shedding load would have to start.
public struct SaturationCurve: Sendable {
    public struct Point: Sendable, Equatable, Codable {
        /// Orders a second sent.
        public var offered: Double
        /// Outcomes a second received (all of the phase's, over the time until the last one).
        public var carried: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double

        public init(offered: Double, carried: Double, p50Milliseconds: Double, p99Milliseconds: Double) {
            self.offered = offered
            self.carried = carried
            self.p50Milliseconds = p50Milliseconds
            self.p99Milliseconds = p99Milliseconds
        }
    }

    public var points: [Point]

    public init(points: [Point]) { self.points = points.sorted { $0.offered < $1.offered } }

    /// The first offered rate carried at less than 95 %, if any.
    public var saturatesAt: Double? { points.first { $0.carried < 0.95 * $0.offered }?.offered }

    /// "offered | carried | p50 | p99" as Markdown.
    public var table: String {
        var lines = ["| offered | carried | p50 | p99 |", "|---:|---:|---:|---:|"]
        for point in points {
            lines.append(String(format: "| %.0f/s | %.0f/s | %.0f ms | %.0f ms |", point.offered, point.carried, point.p50Milliseconds, point.p99Milliseconds))
        }
        return lines.joined(separator: "\n")
    }

    /// Two panels sharing the offered axis: carried against the diagonal, then p50 and p99
    /// on a logarithmic scale (from a few ms to the seconds of a queue).
    public func svg(title: String) -> String {
        let width = 760.0, panel = 280.0, left = 80.0, right = 30.0, top = 40.0, bottom = 40.0
        let plotWidth = width - left - right, plotHeight = panel - top - bottom
        let maxRate = SVG.niceCeiling(max(points.map { max($0.offered, $0.carried) }.max() ?? 1, 1))
        func x(_ rate: Double) -> Double { left + rate / maxRate * plotWidth }
        var body = "<text x=\"\(left)\" y=\"20\" font-size=\"15\" font-weight=\"bold\">\(SVG.escape(title))</text>\n"

        // Carried vs offered.
        func yRate(_ rate: Double) -> Double { top + plotHeight - min(rate, maxRate) / maxRate * plotHeight }
        body += frame(left: left, top: top, width: plotWidth, height: plotHeight)
        body += "<line x1=\"\(f(x(0)))\" y1=\"\(f(yRate(0)))\" x2=\"\(f(x(maxRate)))\" y2=\"\(f(yRate(maxRate)))\" stroke=\"#bbb\" stroke-dasharray=\"4 4\"/>\n"
        for tick in 0...4 {
            let rate = maxRate * Double(tick) / 4
            body += label(x: left - 6, y: yRate(rate) + 4, "\(Int(rate))/s", anchor: "end")
        }
        body += polyline(points.map { (x($0.offered), yRate($0.carried)) }, color: "#2e7d32")
        body += label(x: width - right, y: top - 8, "— carried (outcomes/s); dashed: carried = offered", anchor: "end", color: "#2e7d32")

        // Latency, log scale.
        let y0 = panel
        let lowest = 1.0, highest = SVG.niceCeiling(max(points.map(\.p99Milliseconds).max() ?? 10, 10))
        func yMs(_ ms: Double) -> Double {
            let clamped = min(max(ms, lowest), highest)
            return y0 + top + plotHeight - (log10(clamped) - log10(lowest)) / (log10(highest) - log10(lowest)) * plotHeight
        }
        body += frame(left: left, top: y0 + top, width: plotWidth, height: plotHeight)
        var decade = lowest
        while decade <= highest {
            body += label(x: left - 6, y: yMs(decade) + 4, decade >= 1_000 ? "\(Int(decade / 1_000)) s" : "\(Int(decade)) ms", anchor: "end")
            decade *= 10
        }
        body += polyline(points.map { (x($0.offered), yMs($0.p50Milliseconds)) }, color: "#4a7ebb")
        body += polyline(points.map { (x($0.offered), yMs($0.p99Milliseconds)) }, color: "#c0392b")
        body += label(x: width - right - 250, y: y0 + top - 8, "— p50", anchor: "end", color: "#4a7ebb")
        body += label(x: width - right, y: y0 + top - 8, "— p99 (placement → outcome, log scale)", anchor: "end", color: "#c0392b")
        for tick in 0...4 {
            let rate = maxRate * Double(tick) / 4
            body += label(x: x(rate), y: y0 + panel - bottom + 16, "\(Int(rate))/s", anchor: "middle")
        }
        body += label(x: left + plotWidth / 2, y: 2 * panel - 4, "offered (orders/s)", anchor: "middle")
        let height = Int(2 * panel)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(height)" viewBox="0 0 \(Int(width)) \(height)" font-family="sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            \(body)</svg>

            """
    }

    private func frame(left: Double, top: Double, width: Double, height: Double) -> String {
        "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"none\" stroke=\"#999\"/>\n"
    }

    private func polyline(_ coordinates: [(Double, Double)], color: String) -> String {
        let list = coordinates.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        let dots = coordinates.map { "<circle cx=\"\(f($0.0))\" cy=\"\(f($0.1))\" r=\"3\" fill=\"\(color)\"/>" }.joined(separator: "\n")
        return "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n\(dots)\n"
    }

    private func label(x: Double, y: Double, _ text: String, anchor: String, color: String = "#333") -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"11\" text-anchor=\"\(anchor)\" fill=\"\(color)\">\(SVG.escape(text))</text>\n"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
