import BenchFigures
import Foundation
import Testing

@Suite("Bench figures: two builds side by side, the saturation curve")
struct BenchFiguresTests {
    @Test("means, spreads and ratios per metric; a metric one build lacks has no ratio")
    func comparison() throws {
        let previous = [[BenchMetric("CPU per order", 12, unit: "ms", ratioAtMost: 0.6), BenchMetric("messages per order", 12, unit: "messages", atMost: 7)],
                        [BenchMetric("CPU per order", 14, unit: "ms", ratioAtMost: 0.6), BenchMetric("messages per order", 12, unit: "messages", atMost: 7)]]
        let current = [[BenchMetric("CPU per order", 7, unit: "ms", ratioAtMost: 0.6), BenchMetric("messages per order", 8, unit: "messages", atMost: 7),
                        BenchMetric("orders/s at the maximum", 200, unit: "orders/s", better: .higher)],
                       [BenchMetric("CPU per order", 8, unit: "ms", ratioAtMost: 0.6), BenchMetric("messages per order", 8, unit: "messages", atMost: 7),
                        BenchMetric("orders/s at the maximum", .nan, unit: "orders/s", better: .higher)]]
        let comparison = BenchComparison(previous: previous, current: current)
        #expect(comparison.rows.map(\.metric) == ["CPU per order", "messages per order", "orders/s at the maximum"])
        let cpu = comparison.rows[0]
        #expect(cpu.previousMean == 13 && cpu.currentMean == 7.5)
        #expect(abs((cpu.ratio ?? 0) - 7.5 / 13) < 1e-9)
        #expect(cpu.meetsTarget == true)  // 0.58× ≤ 0.6×
        #expect(comparison.rows[1].meetsTarget == false)  // 8 > 7
        let maximum = comparison.rows[2]
        #expect(maximum.current == [200])  // a non-finite value is left out
        #expect(maximum.ratio == nil && maximum.meetsTarget == nil)
        let table = comparison.table(previousLabel: "e55be5c", currentLabel: "tree")
        #expect(table.contains("| CPU per order (ms) | 13.0 (12.0–14.0) | 7.50 (7.00–8.00) | 0.58× | ≤ 0.60× previous ✓ |"))
        #expect(table.contains("| messages per order (messages) | 12.0 (12.0–12.0) | 8.00 (8.00–8.00) | 0.67× | ≤ 7.00 ✗ |"))
        #expect(table.contains("| orders/s at the maximum (orders/s) | — | 200 | — |  |"))
    }

    @Test("metrics survive the run's JSON")
    func codable() throws {
        let metric = BenchMetric("p99 placement → confirmation at 20/s", 80.5, unit: "ms", atMost: 80)
        let decoded = try JSONDecoder().decode(BenchMetric.self, from: JSONEncoder().encode(metric))
        #expect(decoded == metric)
    }

    @Test("the curve: where carried falls below offered, a table and a two-panel SVG")
    func curve() {
        let curve = SaturationCurve(points: [
            .init(offered: 150, carried: 120, p50Milliseconds: 900, p99Milliseconds: 2_400),
            .init(offered: 20, carried: 20, p50Milliseconds: 40, p99Milliseconds: 90),
            .init(offered: 100, carried: 98, p50Milliseconds: 60, p99Milliseconds: 150),
        ])
        #expect(curve.points.map(\.offered) == [20, 100, 150])
        #expect(curve.saturatesAt == 150)
        #expect(curve.table.contains("| 150/s | 120/s | 900 ms | 2400 ms |"))
        let svg = curve.svg(title: "offered <vs> carried")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("offered &lt;vs&gt; carried"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)  // carried, p50, p99
        #expect(svg.components(separatedBy: "<circle").count - 1 == 9)
        #expect(SaturationCurve(points: [.init(offered: 20, carried: 20, p50Milliseconds: 1, p99Milliseconds: 2)]).saturatesAt == nil)
    }

    @Test("axis ends are 1, 2 or 5 times a power of ten")
    func niceCeiling() {
        #expect(SVG.niceCeiling(0) == 1)
        #expect(SVG.niceCeiling(130) == 200)
        #expect(SVG.niceCeiling(2_400) == 5_000)
        #expect(SVG.niceCeiling(10) == 10)
    }
}
