/// One number a bench run prints and keeps (in its JSON's `metrics`), with which way is
/// better and the target it is held to, so two builds' runs can be set side by side.
public struct BenchMetric: Codable, Sendable, Equatable {
    public enum Better: String, Codable, Sendable { case higher, lower }

    public var name: String
    public var value: Double
    public var unit: String
    public var better: Better
    /// An absolute target ("messages per order ≤ 7").
    public var atMost: Double?
    /// A target relative to the previous build ("CPU per order ≤ 0.6× the previous").
    public var ratioAtMost: Double?

    public init(_ name: String, _ value: Double, unit: String, better: Better = .lower, atMost: Double? = nil, ratioAtMost: Double? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.better = better
        self.atMost = atMost
        self.ratioAtMost = ratioAtMost
    }
}
