import Foundation
import OmniAuth
import Testing

/// Credentials without a service: what verifies, what is refused and why.
@Suite("Credentials: signing, verifying, revoking, rotating")
struct CredentialTests {
    /// A key set in a fresh folder, and a verifier over its public half.
    struct Keys {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("omni-credential-tests-\(UUID().uuidString)")
        var set = KeySet()
        var keysFile: URL { folder.appendingPathComponent("keys.json") }
        var revokedFile: URL { folder.appendingPathComponent("revoked.json") }

        init() throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try set.rotate()
            try publish()
        }

        func publish() throws { try set.publicKeys.write(to: keysFile) }

        func verifier() async throws -> TokenVerifier {
            var configuration = TokenVerifier.Configuration(keysFile: keysFile, revokedFile: revokedFile)
            configuration.reloadInterval = 0
            return try await TokenVerifier(configuration: configuration)
        }

        func sign(_ credential: Credential) async throws -> String { try await TokenIssuer(signingKeys: set).token(for: credential) }
    }

    static func associate(issuedAt: Date = Date(), validFor: TimeInterval = 3_600) throws -> Credential {
        try Credential(role: .storeAssociate, name: "alice", stores: ["store-42"], issuedAt: issuedAt, validFor: validFor)
    }

    static func refusal(_ verifier: TokenVerifier, _ header: String?) async -> AuthFailure? {
        do {
            _ = try await verifier.credential(authorization: header)
            return nil
        } catch {
            return error
        }
    }

    @Test("a signed credential verifies and keeps its claims; the public set holds no private key")
    func roundTrip() async throws {
        let keys = try Keys()
        let credential = try Self.associate()
        let verified = try await keys.verifier().credential(authorization: "Bearer \(try await keys.sign(credential))")
        #expect(verified == credential)
        #expect(verified.holds(.customersRead))
        #expect(!verified.holds(.customersExport))
        #expect(verified.mayActFor(store: "store-42"))
        #expect(!verified.mayActFor(store: "store-7"))
        #expect(verified.source(store: "store-42") == "/staff/alice")
        #expect(try KeySet.read(from: keys.keysFile).keys.allSatisfy { $0.d == nil })
    }

    @Test("missing, malformed, tampered, foreign, expired and not-yet-valid credentials are refused, each with its reason")
    func refusals() async throws {
        let keys = try Keys()
        let verifier = try await keys.verifier()
        let token = try await keys.sign(try Self.associate())
        let parts = token.split(separator: ".").map(String.init)
        #expect(await Self.refusal(verifier, nil) == .missing)
        #expect(await Self.refusal(verifier, "Basic YWxpY2U6c2VjcmV0") == .missing)
        #expect(await Self.refusal(verifier, "Bearer nonsense") == .malformed)
        // The same header and signature over other claims (every scope, every store).
        var claims = try Self.associate()
        claims.scopes = Scope.allCases.map(\.rawValue)
        let other = try await keys.sign(claims).split(separator: ".").map(String.init)
        #expect(await Self.refusal(verifier, "Bearer \(parts[0]).\(other[1]).\(parts[2])") == .badSignature)
        let foreign = try Keys()
        #expect(await Self.refusal(verifier, "Bearer \(try await foreign.sign(try Self.associate()))") == .unknownKey)
        let expired = try await keys.sign(try Self.associate(issuedAt: Date().addingTimeInterval(-7_200)))
        guard case .expired = await Self.refusal(verifier, "Bearer \(expired)") else { Issue.record("an expired credential was not refused as expired"); return }
        let early = try await keys.sign(try Self.associate(issuedAt: Date().addingTimeInterval(3_600)))
        guard case .notYetValid = await Self.refusal(verifier, "Bearer \(early)") else { Issue.record("a future credential was not refused"); return }
    }

    @Test("revoking one credential stops it alone; revoking a subject stops what it held, not what it is issued next")
    func revocation() async throws {
        let keys = try Keys()
        let verifier = try await keys.verifier()
        let first = try Self.associate(issuedAt: Date().addingTimeInterval(-60))
        let second = try Self.associate(issuedAt: Date().addingTimeInterval(-30))
        let tokens = (try await keys.sign(first), try await keys.sign(second))
        try Revocations(entries: [.init(credential: first.id, reason: "lost tablet")]).write(to: keys.revokedFile)
        #expect(await Self.refusal(verifier, "Bearer \(tokens.0)") == .revoked)
        #expect(await Self.refusal(verifier, "Bearer \(tokens.1)") == nil)

        try Revocations(entries: [.init(subject: "staff:alice", at: Date().addingTimeInterval(-10))]).write(to: keys.revokedFile)
        #expect(await Self.refusal(verifier, "Bearer \(tokens.1)") == .revoked)
        let reissued = try await keys.sign(try Self.associate())
        #expect(await Self.refusal(verifier, "Bearer \(reissued)") == nil)
    }

    @Test("after a rotation both keys verify; a retired key's credentials stop; the last key cannot be retired")
    func rotation() async throws {
        var keys = try Keys()
        let verifier = try await keys.verifier()
        let old = try await keys.sign(try Self.associate())
        let oldKid = try #require(keys.set.signingKey?.kid)
        try keys.set.rotate()
        try keys.publish()
        let new = try await keys.sign(try Self.associate())
        #expect(await Self.refusal(verifier, "Bearer \(old)") == nil)
        #expect(await Self.refusal(verifier, "Bearer \(new)") == nil)
        try keys.set.retire(kid: oldKid)
        try keys.publish()
        #expect(await Self.refusal(verifier, "Bearer \(old)") == .unknownKey)
        #expect(await Self.refusal(verifier, "Bearer \(new)") == nil)
        #expect(throws: KeySetError.self) { try keys.set.retire(kid: keys.set.signingKey!.kid) }
    }

    @Test("roles: channel clients never hold personal-data scopes; POS and kiosks name one store, associates at least one")
    func roles() throws {
        for role in Role.allCases where !role.isStaff {
            #expect(role.scopes.filter(\.isPersonalData).isEmpty, "\(role.rawValue)")
        }
        #expect(Role.dpo.scopes.contains(.piiAudit))
        #expect(Role.allCases.filter { $0.scopes.contains(.piiAudit) } == [.dpo])
        #expect(throws: RoleMismatch.self) { try Credential(role: .pos, name: "till", validFor: 60) }
        #expect(throws: RoleMismatch.self) { try Credential(role: .pos, name: "till", stores: ["a", "b"], validFor: 60) }
        #expect(throws: RoleMismatch.self) { try Credential(role: .storeAssociate, name: "bob", validFor: 60) }
        #expect(throws: RoleMismatch.self) { try Credential(role: .webShop, name: "web", channel: "pos", validFor: 60) }
        let till = try Credential(role: .pos, name: "till-1", stores: ["store-42"], validFor: 60)
        #expect(till.source(store: "store-42") == "/channels/pos/store-42")
        #expect(till.kind == .client)
        #expect(try Credential(role: .ops, name: "olga", validFor: 60).actsForEveryStore)
    }
}
