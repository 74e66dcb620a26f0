import Foundation
import JWTKit

/// The claims of an Omni credential (a JWT signed with a key of the key set): who it is,
/// which channel it acts as, which stores it may act for, and its scopes.
public struct Credential: JWTPayload, Equatable {
    public enum Kind: String, Codable, Sendable { case client, staff }

    /// `client:<name>` or `staff:<name>`: what logs and the PII access log show.
    public var subject: String
    public var kind: Kind
    public var role: String
    /// The sales channel (`ce_channel`) the credential acts as; nil for back-office roles.
    public var channel: String?
    /// Store ids the credential may act for; `["*"]` for every store, empty for none.
    public var stores: [String]
    public var scopes: [String]
    public var issuer: String
    public var audience: [String]
    /// Unique per credential: what `omni-cli auth revoke` names.
    public var id: String
    public var issuedAt: Date
    public var expiresAt: Date

    public static let issuerName = "omni"
    public static let audienceName = "omni"
    public static let allStores = "*"

    enum CodingKeys: String, CodingKey {
        case subject = "sub", kind, role, channel, stores, scopes = "scope", issuer = "iss", audience = "aud"
        case id = "jti", issuedAt = "iat", expiresAt = "exp"
    }

    public init(subject: String, kind: Kind, role: String, channel: String?, stores: [String], scopes: [Scope],
                id: String = UUID().uuidString.lowercased(), issuedAt: Date = Date(), validFor: TimeInterval) {
        self.subject = subject
        self.kind = kind
        self.role = role
        self.channel = channel
        self.stores = stores
        self.scopes = scopes.sorted().map(\.rawValue)
        self.issuer = Self.issuerName
        self.audience = [Self.audienceName]
        self.id = id
        self.issuedAt = issuedAt.rounded
        self.expiresAt = issuedAt.addingTimeInterval(validFor).rounded
    }

    /// OAuth's `scope` claim is one space-separated string; dates are seconds since 1970.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        subject = try c.decode(String.self, forKey: .subject)
        kind = try c.decode(Kind.self, forKey: .kind)
        role = try c.decode(String.self, forKey: .role)
        channel = try c.decodeIfPresent(String.self, forKey: .channel)
        stores = try c.decodeIfPresent([String].self, forKey: .stores) ?? []
        scopes = try c.decode(String.self, forKey: .scopes).split(separator: " ").map(String.init)
        issuer = try c.decode(String.self, forKey: .issuer)
        if let many = try? c.decode([String].self, forKey: .audience) {
            audience = many
        } else {
            audience = [try c.decode(String.self, forKey: .audience)]
        }
        id = try c.decode(String.self, forKey: .id)
        issuedAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .issuedAt))
        expiresAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .expiresAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(subject, forKey: .subject)
        try c.encode(kind, forKey: .kind)
        try c.encode(role, forKey: .role)
        try c.encodeIfPresent(channel, forKey: .channel)
        try c.encode(stores, forKey: .stores)
        try c.encode(scopes.joined(separator: " "), forKey: .scopes)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(audience, forKey: .audience)
        try c.encode(id, forKey: .id)
        try c.encode(Int64(issuedAt.timeIntervalSince1970), forKey: .issuedAt)
        try c.encode(Int64(expiresAt.timeIntervalSince1970), forKey: .expiresAt)
    }

    /// Called by JWTKit once the signature holds: the time and audience claims.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try verifyClaims(at: Date())
    }

    public func verifyClaims(at now: Date) throws {
        guard issuer == Self.issuerName, audience.contains(Self.audienceName) else { throw AuthFailure.wrongAudience }
        // A minute's leeway for clocks that disagree a little.
        guard expiresAt.addingTimeInterval(60) > now else { throw AuthFailure.expired(expiresAt) }
        guard issuedAt.addingTimeInterval(-60) <= now else { throw AuthFailure.notYetValid(issuedAt) }
    }

    public func holds(_ scope: Scope) -> Bool { scopes.contains(scope.rawValue) }

    public var actsForEveryStore: Bool { stores.contains(Self.allStores) }

    public func mayActFor(store: String) -> Bool { actsForEveryStore || stores.contains(store) }

    /// `ce_source` of what this credential publishes: `/channels/pos/store-42`,
    /// `/channels/web`, `/staff/alice`.
    public func source(store: String?) -> String {
        let name = subject.split(separator: ":", maxSplits: 1).last.map(String.init) ?? subject
        switch (kind, channel, store) {
        case (.staff, _, _): return "/staff/\(name)"
        case (.client, let channel?, let store?): return "/channels/\(channel)/\(store)"
        case (.client, let channel?, nil): return "/channels/\(channel)"
        case (.client, nil, _): return "/clients/\(name)"
        }
    }
}

extension Date {
    /// JWT dates are whole seconds.
    var rounded: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}

/// Why a request's credential was refused (401), or why it may not do what it asked (403).
public enum AuthFailure: Error, Equatable, CustomStringConvertible {
    case missing
    case malformed
    case badSignature
    case unknownKey
    case wrongAudience
    case expired(Date)
    case notYetValid(Date)
    case revoked
    case missingScope(Scope)
    case staffOnly(Scope)
    case otherStore(String)

    /// 401 for a credential that cannot be trusted, 403 for one that may not do this.
    public var isForbidden: Bool {
        switch self {
        case .missingScope, .staffOnly, .otherStore: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .missing: "no credential: send Authorization: Bearer <token>"
        case .malformed: "the credential is not a well-formed JWT"
        case .badSignature: "the credential's signature does not verify against the key set"
        case .unknownKey: "the credential is signed with a key the key set does not hold (retired or foreign)"
        case .wrongAudience: "the credential was not issued by Omni for Omni"
        case .expired(let at): "the credential expired at \(at.ISO8601Format())"
        case .notYetValid(let at): "the credential is only valid from \(at.ISO8601Format())"
        case .revoked: "the credential was revoked"
        case .missingScope(let scope): "the credential lacks the scope \(scope.rawValue)"
        case .staffOnly(let scope): "\(scope.rawValue) reaches personal data: only a staff credential may use it"
        case .otherStore(let store): "the credential may not act for store \(store)"
        }
    }
}
