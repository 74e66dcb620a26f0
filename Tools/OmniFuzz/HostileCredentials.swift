import Foundation
import OmniAuth
import OmniChannel

/// A credential the services must refuse with 401, and how it was made.
struct HostileCredential: Sendable {
    var name: String
    /// The `Authorization` header's value; nil sends none.
    var header: String?

    /// Forged, expired, not yet valid, signed by a foreign key, unsigned (`alg: none`),
    /// tampered after signing, truncated, and plain garbage.
    static func all(genuine keys: DevCredentials) async throws -> [HostileCredential] {
        let valid = try await keys.token()
        let parts = valid.split(separator: ".").map(String.init)
        let foreign = try DevCredentials(directory: FileManager.default.temporaryDirectory.appendingPathComponent("omni-fuzz-foreign-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: foreign.directory) }
        func base64URL(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let claims = #"{"sub":"staff:mallory","kind":"staff","role":"ops","stores":["*"],"scope":"\#(Scope.allCases.map(\.rawValue).joined(separator: " "))","iss":"omni","aud":["omni"],"jti":"x","iat":1,"exp":4102444800}"#
        return [
            HostileCredential(name: "no", header: nil),
            HostileCredential(name: "empty bearer", header: "Bearer "),
            HostileCredential(name: "basic", header: "Basic b21uaTpvbW5p"),
            HostileCredential(name: "garbage", header: "Bearer not.a.jwt"),
            HostileCredential(name: "foreign-key", header: "Bearer " + (try await foreign.token())),
            HostileCredential(name: "expired", header: "Bearer " + (try await keys.token(issuedAt: Date().addingTimeInterval(-7_200), validFor: 3_600))),
            HostileCredential(name: "not-yet-valid", header: "Bearer " + (try await keys.token(issuedAt: Date().addingTimeInterval(86_400)))),
            HostileCredential(name: "alg-none", header: "Bearer " + base64URL(#"{"alg":"none","typ":"JWT"}"#) + "." + base64URL(claims) + "."),
            HostileCredential(name: "tampered", header: "Bearer " + parts[0] + "." + base64URL(claims) + "." + parts[2]),
            HostileCredential(name: "truncated-signature", header: "Bearer " + parts[0] + "." + parts[1] + "." + parts[2].dropLast(6)),
            HostileCredential(name: "huge", header: "Bearer " + String(repeating: "A", count: 20_000) + ".e30.sig"),
        ]
    }
}
