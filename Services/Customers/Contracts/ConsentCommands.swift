import OmniMessaging
import Foundation

/// Where a customer may be contacted.
public enum ContactMedium: String, Codable, Sendable, CaseIterable {
    case email, sms, push, phone, post
}

/// A consent given or withdrawn, with its proof: where, when, which wording.
public struct RecordConsent: Codable, Sendable, Equatable {
    public var customer: CustomerReference
    public var medium: ContactMedium
    public var granted: Bool
    /// The channel where it was given (web form, POS, telesales call...).
    public var channel: String
    public var wordingVersion: String
    public var recordedAt: Date?
    public init(customer: CustomerReference, medium: ContactMedium, granted: Bool, channel: String, wordingVersion: String, recordedAt: Date? = nil) {
        self.customer = customer
        self.medium = medium
        self.granted = granted
        self.channel = channel
        self.wordingVersion = wordingVersion
        self.recordedAt = recordedAt
    }
}

public struct ConsentChanged: Codable, Sendable, Equatable {
    public var customerId: String
    public var medium: ContactMedium
    public var granted: Bool
    public var channel: String
    public var wordingVersion: String
    public var recordedAt: Date
    public init(customerId: String, medium: ContactMedium, granted: Bool, channel: String, wordingVersion: String, recordedAt: Date) {
        self.customerId = customerId
        self.medium = medium
        self.granted = granted
        self.channel = channel
        self.wordingVersion = wordingVersion
        self.recordedAt = recordedAt
    }
}

/// Local times `HH:MM`; the window may span midnight (22:00–08:00).
public struct QuietHours: Codable, Sendable, Equatable {
    public var start: String
    public var end: String
    public init(start: String, end: String) {
        self.start = start
        self.end = end
    }
}

public struct SetContactPreferences: Codable, Sendable, Equatable {
    public var customer: CustomerReference
    public var preferredMedium: ContactMedium?
    public var quietHours: QuietHours?
    public init(customer: CustomerReference, preferredMedium: ContactMedium? = nil, quietHours: QuietHours? = nil) {
        self.customer = customer
        self.preferredMedium = preferredMedium
        self.quietHours = quietHours
    }
}

public struct ContactPreferencesChanged: Codable, Sendable, Equatable {
    public var customerId: String
    public var preferredMedium: ContactMedium?
    public var quietHours: QuietHours?
    public var timeZone: String?
    public init(customerId: String, preferredMedium: ContactMedium?, quietHours: QuietHours?, timeZone: String?) {
        self.customerId = customerId
        self.preferredMedium = preferredMedium
        self.quietHours = quietHours
        self.timeZone = timeZone
    }
}

// A channel places these only as itself, at its own store (`ChannelSource`).
extension RecordConsent: ActsForChannel { public var actingChannel: String? { channel } }
