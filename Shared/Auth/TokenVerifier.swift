import Foundation
import JWTKit

/// Checks a request's bearer credential against the public key set and the revocation
/// list. Both are files (`OMNI_AUTH_KEYS_FILE`, `OMNI_AUTH_REVOKED_FILE`) re-read when they
/// change, so a rotation or a revocation reaches a running service within a second or two
/// without a restart.
public actor TokenVerifier {
    public struct Configuration: Sendable {
        public var keysFile: URL
        public var revokedFile: URL?
        /// How often the files' modification times are looked at.
        public var reloadInterval: TimeInterval = 1

        public init(keysFile: URL, revokedFile: URL?) {
            self.keysFile = keysFile
            self.revokedFile = revokedFile
        }
    }

    private let configuration: Configuration
    private var keys: JWTKeyCollection
    private var revocations: Revocations
    private var loadedVersions: [FileVersion?]
    private var lastCheck = Date()

    /// Refuses to start without a readable key set: a service never runs unguarded.
    public init(configuration: Configuration) async throws {
        self.configuration = configuration
        let set = try KeySet.read(from: configuration.keysFile)
        guard !set.keys.isEmpty else { throw KeySetError.unreadable(configuration.keysFile.path, "it holds no key") }
        keys = try await set.publicKeys.collection()
        revocations = try configuration.revokedFile.map(Revocations.read) ?? Revocations()
        loadedVersions = Self.versions(configuration)
    }

    /// The credential of an `Authorization` header's value (`Bearer <jwt>`).
    public func credential(authorization: String?) async throws(AuthFailure) -> Credential {
        guard let authorization, !authorization.isEmpty else { throw .missing }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw .missing }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        // Three base64url parts, and no giant header to parse.
        guard token.utf8.count <= 8_192, token.split(separator: ".", omittingEmptySubsequences: false).count == 3 else { throw .malformed }
        await reloadIfChanged()
        let credential: Credential
        do {
            credential = try await keys.verify(token, as: Credential.self)
        } catch let failure as AuthFailure {
            throw failure
        } catch let error as JWTError {
            switch error.errorType {
            case .signatureVerificationFailed: throw .badSignature
            case .unknownKID, .missingKIDHeader, .noKeyProvided, .unsupportedAlgorithm: throw .unknownKey
            default: throw .malformed
            }
        } catch {
            throw .malformed
        }
        if revocations.revokes(credential) { throw .revoked }
        return credential
    }

    private func reloadIfChanged() async {
        let now = Date()
        guard now.timeIntervalSince(lastCheck) >= configuration.reloadInterval else { return }
        lastCheck = now
        let versions = Self.versions(configuration)
        guard versions != loadedVersions else { return }
        // A half-written or broken file keeps the previous keys rather than locking everyone out.
        guard let set = try? KeySet.read(from: configuration.keysFile), !set.keys.isEmpty,
              let collection = try? await set.publicKeys.collection(),
              let revoked = try? configuration.revokedFile.map(Revocations.read) ?? Revocations() else { return }
        keys = collection
        revocations = revoked
        loadedVersions = versions
    }

    /// A file's modification time ticks coarsely (a few ms): two writes in one tick differ
    /// by inode (the writes are atomic renames) or size.
    struct FileVersion: Equatable {
        var modified: Date?
        var inode: UInt64?
        var size: UInt64?
    }

    private static func versions(_ configuration: Configuration) -> [FileVersion?] {
        [configuration.keysFile, configuration.revokedFile].map { url in
            url.flatMap { try? FileManager.default.attributesOfItem(atPath: $0.path) }.map { attributes in
                FileVersion(modified: attributes[.modificationDate] as? Date, inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value,
                            size: (attributes[.size] as? NSNumber)?.uint64Value)
            }
        }
    }
}

/// Signs credentials with the newest key of a signing key set (`omni-cli auth`, tests).
public struct TokenIssuer: Sendable {
    private let keys: KeySet

    public init(signingKeys: KeySet) throws {
        guard signingKeys.signingKey?.d != nil else { throw KeySetError.noSigningKey }
        keys = signingKeys
    }

    public func token(for credential: Credential) async throws -> String {
        guard let key = keys.signingKey else { throw KeySetError.noSigningKey }
        let collection = try await KeySet(keys: [key]).collection()
        return try await collection.sign(credential, kid: JWKIdentifier(string: key.kid))
    }
}
