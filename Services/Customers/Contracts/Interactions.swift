import Foundation

/// A touchpoint a channel reports on `channels.interactions`: who (any identifier, often
/// an anonymous session id), what, where.
public struct InteractionRecorded: Codable, Sendable, Equatable {
    public var identifier: CustomerIdentifier
    /// `page-view`, `store-visit`, `qr-scan`, `search`, `cart-add`, `visit-report`...
    public var kind: String
    public var channel: String
    public var occurredAt: Date?
    public var details: [String: String]?
    public init(identifier: CustomerIdentifier, kind: String, channel: String, occurredAt: Date? = nil, details: [String: String]? = nil) {
        self.identifier = identifier
        self.kind = kind
        self.channel = channel
        self.occurredAt = occurredAt
        self.details = details
    }
}
