import CustomersContracts
import Foundation
import OmniMessaging

/// Segment membership, pure: a customer's facts (purchases net of refunds, locale) against
/// a segment's conditions, at a given instant.
public enum SegmentRules {
    /// One purchase (positive) or refund (negative) the customer made.
    public struct Purchase: Equatable, Sendable {
        public var orderId: String
        public var channel: String
        public var amountMinor: Int64
        public var currency: String
        public var at: Date
        public init(orderId: String, channel: String, amountMinor: Int64, currency: String, at: Date) {
            self.orderId = orderId
            self.channel = channel
            self.amountMinor = amountMinor
            self.currency = currency
            self.at = at
        }
    }

    public struct Facts: Sendable {
        public var purchases: [Purchase]
        public var locale: String?
        public init(purchases: [Purchase], locale: String?) {
            self.purchases = purchases
            self.locale = locale
        }
    }

    public static let inStoreChannels: Set<String> = ["pos", "kiosk", "tablet"]

    public static func isMember(_ segment: DefineSegment, _ facts: Facts, at now: Date) -> Bool {
        !segment.conditions.isEmpty && segment.conditions.allSatisfy { holds($0, facts, at: now) }
    }

    /// The next instant after `now` when time alone changes what `isMember` can answer: a
    /// purchase leaving a condition's window (or, dated ahead, entering it). Membership is
    /// constant between such instants, so a customer needs looking at again only then;
    /// nil when only a new event can change anything.
    public static func nextChange(_ segments: [DefineSegment], _ facts: Facts, after now: Date) -> Date? {
        var next: Date?
        for condition in segments.flatMap(\.conditions) where condition.kind != .locale {
            for purchase in facts.purchases {
                var instants = [purchase.at]
                // Inside the window up to and including `at + days`; out just after.
                if let days = condition.withinDays { instants.append(purchase.at.addingTimeInterval(Double(days) * 86_400 + 0.001)) }
                for instant in instants where instant > now { next = min(next ?? instant, instant) }
            }
        }
        return next
    }

    static func holds(_ condition: SegmentCondition, _ facts: Facts, at now: Date) -> Bool {
        let since = condition.withinDays.map { now.addingTimeInterval(-Double($0) * 86_400) } ?? .distantPast
        let recent = facts.purchases.filter { $0.at >= since && $0.at <= now }
        switch condition.kind {
        case .spentAtLeast:
            let spent = recent.filter { $0.currency == (condition.currency ?? $0.currency) }.reduce(0) { $0 + $1.amountMinor }
            return spent >= (condition.amountMinor ?? .max)
        case .boughtIn:
            let bought = recent.filter { $0.amountMinor > 0 }
            return (condition.channels ?? []).allSatisfy { wanted in
                bought.contains { purchase in
                    switch wanted {
                    case "store": inStoreChannels.contains(purchase.channel)
                    case "online": !inStoreChannels.contains(purchase.channel)
                    default: purchase.channel == wanted
                    }
                }
            }
        case .ordersAtLeast:
            return Set(recent.filter { $0.amountMinor > 0 }.map(\.orderId)).count >= (condition.count ?? .max)
        case .locale:
            return facts.locale.map { (condition.values ?? []).contains($0) } ?? false
        }
    }

    /// A hundred years, and a million orders: bounds no real rule comes near.
    public static let maxWithinDays = 36_500
    public static let maxOrderCount = 1_000_000

    /// What is wrong with a definition, if anything.
    public static func validate(_ segment: DefineSegment) throws(Rejection) {
        guard !segment.segmentId.isEmpty, !segment.name.isEmpty else { throw Rejection("missing-field", "segmentId and name are required") }
        guard !segment.conditions.isEmpty else { throw Rejection("invalid-segment", "a segment needs at least one condition") }
        for condition in segment.conditions {
            if let days = condition.withinDays, !(1...maxWithinDays).contains(days) {
                throw Rejection("invalid-segment", "withinDays must be from 1 to \(maxWithinDays)")
            }
            // Checked whenever given, whatever the kind.
            if let amount = condition.amountMinor, !(1...Currency.maxAmountMinor).contains(amount) {
                throw Rejection("invalid-segment", "amountMinor must be from 1 to \(Currency.maxAmountMinor)")
            }
            if let count = condition.count, !(1...maxOrderCount).contains(count) {
                throw Rejection("invalid-segment", "count must be from 1 to \(maxOrderCount)")
            }
            switch condition.kind {
            case .spentAtLeast:
                guard let amount = condition.amountMinor, (1...Currency.maxAmountMinor).contains(amount) else {
                    throw Rejection("invalid-segment", "spent-at-least needs amountMinor from 1 to \(Currency.maxAmountMinor)")
                }
            case .boughtIn:
                guard let channels = condition.channels, !channels.isEmpty else { throw Rejection("invalid-segment", "bought-in needs channels") }
                for channel in channels where channel != "store" && channel != "online" && SalesChannel(rawValue: channel) == nil {
                    throw Rejection("invalid-segment", "unknown channel \(channel) (a sales channel, store or online)")
                }
            case .ordersAtLeast:
                guard let count = condition.count, (1...maxOrderCount).contains(count) else {
                    throw Rejection("invalid-segment", "orders-at-least needs a count from 1 to \(maxOrderCount)")
                }
            case .locale:
                guard !(condition.values ?? []).isEmpty else { throw Rejection("invalid-segment", "locale needs values") }
            }
        }
    }
}
