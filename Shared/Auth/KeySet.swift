import Foundation
import JWTKit

/// Ed25519 keys as a JSON Web Key Set (RFC 7517, `kty: OKP`). The signing set (private,
/// `d` included) stays with whoever issues credentials; services verify with the public
/// set. Rotation: a new key becomes the one that signs, older keys keep verifying until
/// they are retired, so credentials issued before the rotation stay valid meanwhile.
public struct KeySet: Codable, Sendable, Equatable {
    public struct Key: Codable, Sendable, Equatable {
        public var kty = "OKP"
        public var crv = "Ed25519"
        public var alg = "EdDSA"
        public var use = "sig"
        public var kid: String
        public var x: String
        public var d: String?
        /// When the key was made (not part of RFC 7517; ignored by other readers).
        public var created: Date?
    }

    public var keys: [Key]

    public init(keys: [Key] = []) { self.keys = keys }

    /// The newest key: the one that signs.
    public var signingKey: Key? { keys.last }

    /// The same keys without their private halves: what services are given.
    public var publicKeys: KeySet { KeySet(keys: keys.map { var key = $0; key.d = nil; return key }) }

    /// Adds a freshly generated key, which signs from now on.
    public mutating func rotate(now: Date = Date()) throws {
        let key = try EdDSA.PrivateKey(curve: .ed25519)
        let stamp = Int(now.timeIntervalSince1970)
        keys.append(Key(kid: "omni-\(stamp)-\(UUID().uuidString.prefix(8).lowercased())",
                        x: key.publicKey.rawRepresentation.base64URL, d: key.rawRepresentation.base64URL, created: now.rounded))
    }

    /// Drops a key: credentials it signed stop verifying once services reload the set.
    public mutating func retire(kid: String) throws {
        guard keys.contains(where: { $0.kid == kid }) else { throw KeySetError.unknownKey(kid) }
        guard keys.count > 1 else { throw KeySetError.lastKey(kid) }
        keys.removeAll { $0.kid == kid }
    }

    public static func read(from url: URL) throws -> KeySet {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw KeySetError.unreadable(url.path, "\(error.localizedDescription)") }
        do { return try Self.decoder.decode(KeySet.self, from: data) } catch { throw KeySetError.unreadable(url.path, "not a JSON Web Key Set: \(error)") }
    }

    /// Writes atomically; a set holding private keys is readable by its owner only.
    public func write(to url: URL) throws {
        let data = try Self.encoder.encode(self)
        try data.write(to: url, options: .atomic)
        let privateHalves = keys.contains { $0.d != nil }
        try FileManager.default.setAttributes([.posixPermissions: privateHalves ? 0o600 : 0o644], ofItemAtPath: url.path)
    }

    /// The keys as JWTKit's collection: verifying only, unless the set holds private keys.
    /// None is the default, so a token naming no key or an unknown one finds none, rather
    /// than being tried against the newest.
    func collection() async throws -> JWTKeyCollection {
        let collection = JWTKeyCollection()
        for key in keys {
            let json = String(decoding: try Self.encoder.encode(key), as: UTF8.self)
            try await collection.add(jwk: try JWK(json: json), isDefault: false)
        }
        return collection
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

public enum KeySetError: Error, CustomStringConvertible {
    case unreadable(String, String)
    case unknownKey(String)
    case lastKey(String)
    case noSigningKey

    public var description: String {
        switch self {
        case .unreadable(let path, let why): "cannot read the key set \(path): \(why)"
        case .unknownKey(let kid): "no key \(kid) in the key set"
        case .lastKey(let kid): "\(kid) is the only key: rotate before retiring it"
        case .noSigningKey: "the key set holds no private key to sign with (omni-cli auth init)"
        }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
