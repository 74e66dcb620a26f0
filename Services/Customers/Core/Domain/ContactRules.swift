import CustomersContracts
import Foundation
import OmniMessaging

/// Checks on contact preferences (the notifications service applies them).
public enum ContactRules {
    public static func validate(_ quietHours: QuietHours) throws(Rejection) {
        guard let start = minutes(quietHours.start), let end = minutes(quietHours.end), start != end else {
            throw Rejection("invalid-quiet-hours", "quiet hours are two different local times HH:MM, got \(quietHours.start)–\(quietHours.end)")
        }
    }

    public static func validateTimeZone(_ identifier: String) throws(Rejection) {
        guard TimeZone(identifier: identifier) != nil else {
            throw Rejection("invalid-time-zone", "unknown time zone '\(identifier)' (an IANA name such as Europe/Paris)")
        }
    }

    /// `HH:MM` → minutes after midnight.
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }
}
