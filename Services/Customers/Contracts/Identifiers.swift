/// A way to recognise a person on some channel. Values are normalised by the customers
/// service (email lowercased, phone in E.164, social as `network:handle`).
public struct CustomerIdentifier: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case email, phone, loyaltyCard = "loyalty-card", social, anonymous
        /// Email and phone prove who someone is; two different ones mean two people.
        public var isStrong: Bool { self == .email || self == .phone }
    }
    public var kind: Kind
    public var value: String
    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }
}

/// Who a command is about: a customer id, or any identifier of theirs.
public struct CustomerReference: Codable, Sendable, Equatable {
    public var customerId: String?
    public var identifier: CustomerIdentifier?
    public init(customerId: String? = nil, identifier: CustomerIdentifier? = nil) {
        self.customerId = customerId
        self.identifier = identifier
    }
    public static func id(_ id: String) -> CustomerReference { .init(customerId: id) }
    public static func identifier(_ identifier: CustomerIdentifier) -> CustomerReference { .init(identifier: identifier) }
}
