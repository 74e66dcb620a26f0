import Foundation

/// Who may be told what, where and when — pure, so every rule is tested without I/O.
///
/// - A medium needs an address; a marketing message needs the customer's consent on it, a
///   transactional one only that they did not refuse it (a customer who refused SMS gets
///   the pickup code by email, never by SMS).
/// - The preferred medium comes first, then email, SMS, push.
/// - Marketing is capped per customer over a rolling week across every medium, and held
///   back to the end of the customer's quiet hours in their time zone. Transactional
///   messages are never capped nor deferred.
public enum DeliveryRules {
    public enum Medium: String, Codable, Sendable, CaseIterable {
        case email, sms, push
    }

    /// What notifications knows of a person (a read model of customers' events).
    public struct Contact: Sendable, Equatable {
        public var addresses: [Medium: String]
        /// Granted (true), refused (false); absent when never asked.
        public var consents: [Medium: Bool]
        public var preferred: Medium?
        public var quietHours: QuietHours?
        public var timeZone: String?
        public init(addresses: [Medium: String] = [:], consents: [Medium: Bool] = [:], preferred: Medium? = nil, quietHours: QuietHours? = nil,
                    timeZone: String? = nil) {
            self.addresses = addresses
            self.consents = consents
            self.preferred = preferred
            self.quietHours = quietHours
            self.timeZone = timeZone
        }
    }

    /// Local "HH:mm" bounds; a period that wraps midnight (21:30–08:00) is fine.
    public struct QuietHours: Sendable, Equatable {
        public var start: Int  // minutes after midnight
        public var end: Int
        public init?(start: String, end: String) {
            guard let start = Self.minutes(start), let end = Self.minutes(end), start != end else { return nil }
            self.start = start
            self.end = end
        }

        static func minutes(_ text: String) -> Int? {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
            return hour * 60 + minute
        }

        func contains(_ minute: Int) -> Bool {
            start < end ? (start..<end).contains(minute) : (minute >= start || minute < end)
        }
    }

    public struct Intent: Sendable, Equatable {
        public var transactional: Bool
        /// Media a template exists for, in this message's language.
        public var media: Set<Medium>
        public init(transactional: Bool, media: Set<Medium>) {
            self.transactional = transactional
            self.media = media
        }
    }

    public enum Decision: Sendable, Equatable {
        /// Send on `medium` to `address`, not before `at` (later than now in quiet hours).
        case send(Medium, address: String, at: Date)
        /// Not sent, and why: `no-consent`, `no-address`, `no-template`, `pressure-cap`.
        case suppress(String)
    }

    /// - Parameter marketingThisWeek: marketing messages sent or queued for this customer
    ///   over the last seven days, on every medium.
    public static func decide(_ intent: Intent, for contact: Contact, marketingThisWeek: Int, weeklyCap: Int, now: Date) -> Decision {
        guard !intent.media.isEmpty else { return .suppress("no-template") }
        let order = (contact.preferred.map { [$0] } ?? []) + Medium.allCases.filter { $0 != contact.preferred }
        let reachable = order.filter { intent.media.contains($0) && contact.addresses[$0] != nil }
        let allowed = reachable.filter { medium in
            intent.transactional ? contact.consents[medium] != false : contact.consents[medium] == true
        }
        guard let medium = allowed.first, let address = contact.addresses[medium] else {
            return .suppress(reachable.isEmpty ? "no-address" : "no-consent")
        }
        if intent.transactional { return .send(medium, address: address, at: now) }
        guard marketingThisWeek < weeklyCap else { return .suppress("pressure-cap") }
        return .send(medium, address: address, at: quietHoursEnd(contact.quietHours, timeZone: contact.timeZone, now: now) ?? now)
    }

    /// When the quiet period `now` falls in ends, in the customer's time zone (UTC when
    /// unknown); nil outside quiet hours.
    public static func quietHoursEnd(_ quiet: QuietHours?, timeZone: String?, now: Date) -> Date? {
        guard let quiet else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let local = calendar.dateComponents([.hour, .minute], from: now)
        guard let hour = local.hour, let minute = local.minute, quiet.contains(hour * 60 + minute) else { return nil }
        return calendar.nextDate(after: now, matching: DateComponents(hour: quiet.end / 60, minute: quiet.end % 60, second: 0),
                                 matchingPolicy: .nextTime)
    }
}
