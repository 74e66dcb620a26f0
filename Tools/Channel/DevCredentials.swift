import Foundation
import OmniAuth
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The key set of a development stack or a test run, and credentials minted from it for
/// the tools and tests that drive the stack (bench, fuzz, demo, integration tests). A
/// deployed stack's signing keys stay with `omni-cli auth`; these are the operator's own.
public struct DevCredentials: Sendable {
    public let directory: URL
    public var signingKeysFile: URL { directory.appendingPathComponent("signing-keys.json") }
    public var keysFile: URL { directory.appendingPathComponent("keys.json") }
    public var revokedFile: URL { directory.appendingPathComponent("revoked.json") }
    private let issuer: TokenIssuer

    /// The key set in `directory` (what `omni-cli auth init` writes), made if missing.
    public init(directory: URL) throws {
        self.directory = directory
        let signing = directory.appendingPathComponent("signing-keys.json")
        if !FileManager.default.fileExists(atPath: signing.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var keys = KeySet()
            try keys.rotate()
            try keys.write(to: signing)
            try keys.publicKeys.write(to: directory.appendingPathComponent("keys.json"))
        }
        issuer = try TokenIssuer(signingKeys: try KeySet.read(from: signing))
    }

    /// `OMNI_AUTH_DIR`, else `.omni/auth` (where `scripts/omni up` keeps the dev stack's).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DevCredentials {
        try DevCredentials(directory: URL(fileURLWithPath: environment["OMNI_AUTH_DIR"] ?? ".omni/auth"))
    }

    /// What a service needs to verify these credentials.
    public var serviceEnvironment: [String: String] {
        ["OMNI_AUTH_KEYS_FILE": keysFile.path, "OMNI_AUTH_REVOKED_FILE": revokedFile.path]
    }

    /// A signed credential; by default the operator's: staff, every scope, every store.
    public func token(subject: String = "staff:omni-operator", kind: Credential.Kind = .staff, role: String = "operator",
                      channel: String? = nil, stores: [String] = [Credential.allStores], scopes: [Scope] = Scope.allCases,
                      issuedAt: Date = Date(), validFor: TimeInterval = 12 * 3_600) async throws -> String {
        try await issuer.token(for: Credential(subject: subject, kind: kind, role: role, channel: channel, stores: stores,
                                               scopes: scopes, issuedAt: issuedAt, validFor: validFor))
    }

    /// A credential for `role` as `omni-cli auth client|staff` would issue it.
    public func token(as role: Role, name: String, stores: [String] = [], validFor: TimeInterval = 3_600) async throws -> String {
        try await issuer.token(for: try Credential(role: role, name: name, stores: stores, validFor: validFor))
    }
}

extension URLRequest {
    public mutating func authorize(bearer token: String) {
        setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    }
}
