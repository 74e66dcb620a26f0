import ArgumentParser
import BenchFigures
import Foundation

/// `omni-bench compare`: two builds' runs from one sitting (`scripts/omni bench --compare`
/// alternates them), side by side with the ratios current / previous and the targets.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Set two builds' bench runs (their JSON figures) side by side.")

    @Option(parsing: .upToNextOption, help: "The previous build's runs (bench-*.json).")
    var previous: [String]
    @Option(parsing: .upToNextOption, help: "The current build's runs (bench-*.json).")
    var current: [String]
    @Option(help: "The previous build's name in the table.")
    var previousLabel = "previous"
    @Option(help: "The current build's name in the table.")
    var currentLabel = "current"
    @Option(help: "Also write the table (Markdown) here.")
    var out: String?

    /// What `Figures` writes, as far as a comparison reads it.
    struct Run: Decodable {
        var label: String?
        var metrics: [BenchMetric]?
        var curve: [SaturationCurve.Point]?
    }

    func run() throws {
        let before = try previous.map(Self.load), after = try current.map(Self.load)
        let comparison = BenchComparison(previous: before.map { $0.metrics ?? [] }, current: after.map { $0.metrics ?? [] })
        var text = "Runs alternated in one sitting: \(before.count) of \(previousLabel), \(after.count) of \(currentLabel); "
            + "each cell is the mean (min–max).\n\n" + comparison.table(previousLabel: previousLabel, currentLabel: currentLabel) + "\n"
        for (name, runs) in [(previousLabel, before), (currentLabel, after)] {
            guard let points = runs.last?.curve, !points.isEmpty else { continue }
            text += "\nSaturation curve, \(name) (its last run):\n\n" + SaturationCurve(points: points).table + "\n"
        }
        print(text)
        if let out { try text.write(toFile: out, atomically: true, encoding: .utf8) }
    }

    static func load(_ path: String) throws -> Run {
        do {
            return try JSONDecoder().decode(Run.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ValidationError("\(path): not a bench run's figures (\(error))")
        }
    }
}
