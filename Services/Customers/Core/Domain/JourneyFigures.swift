import Foundation

/// The arithmetic of journey analytics: shares and rates from counts, stable for empty data.
public enum JourneyFigures {
    /// `part / whole`, 0 when there is nothing to divide, rounded to 4 decimals for display.
    public static func share(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return 0 }
        return (Double(part) / Double(whole) * 10_000).rounded() / 10_000
    }

    public struct Conversion: Codable, Sendable, Equatable {
        public var leads: Int
        public var converted: Int
        public var rate: Double
        public init(leads: Int, converted: Int) {
            self.leads = leads
            self.converted = converted
            rate = JourneyFigures.share(converted, of: leads)
        }
    }
}
