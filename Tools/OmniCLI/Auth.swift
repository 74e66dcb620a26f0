import ArgumentParser
import Foundation
import OmniAuth

/// `omni-cli auth`: the key set, and the credentials of channel clients and staff.
/// Files live in `--auth-dir` (default `OMNI_AUTH_DIR`, else `.omni/auth`):
/// `signing-keys.json` (private, 0600: keep it with whoever issues), `keys.json` (the public
/// set every service verifies with: `OMNI_AUTH_KEYS_FILE`), `revoked.json`
/// (`OMNI_AUTH_REVOKED_FILE`) and `issued.jsonl` (what was issued, never the tokens).
struct Auth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue, list and revoke credentials; create and rotate the signing keys.",
        subcommands: [Initialize.self, Issue.self, Client.self, Staff.self, Operator.self, Revoke.self, List.self, Rotate.self, Retire.self, Inspect.self, Scopes.self,
                      Member.self],
        aliases: ["credentials"]
    )

    struct Initialize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the key set, unless it exists.")
        @OptionGroup var files: AuthFiles

        func run() async throws {
            if FileManager.default.fileExists(atPath: files.signingKeys.path) {
                print("key set exists: \(files.publicKeys.path)")
                return
            }
            var keys = KeySet()
            try keys.rotate()
            try files.save(keys)
            print("created \(files.signingKeys.path) (private) and \(files.publicKeys.path) (give services OMNI_AUTH_KEYS_FILE=\(files.publicKeys.path))")
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a credential for any role, a channel client's or a staff member's; prints the token.")
        @OptionGroup var files: AuthFiles
        @Option(help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "Who: the client's or the person's name (default: the role).") var name: String?
        @Option(help: "A store it acts for (POS and kiosks: exactly one; store associates: at least one).") var store: [String] = []
        @Option(help: "The channel a client acts as, when the role does not fix it.") var channel: String?
        @Option(help: "How long it is valid: 90d, 12h, 30m (default: 12h for staff, 90d for clients).") var ttl: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            print(try await issue(files: files, name: name ?? role.rawValue, role: role, stores: store, channel: role.isStaff ? nil : channel,
                                  validFor: ttl ?? (role.isStaff ? "12h" : "90d")))
        }
    }

    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a channel client's credential (web shop, app, a store's POS, kiosk, marketplace...); prints the token.")
        @OptionGroup var files: AuthFiles
        @Argument(help: "The client's name, e.g. web-shop or pos-store-42-till-1.") var name: String
        @Option(help: "One of: \(Role.allCases.filter { !$0.isStaff }.map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "The store it acts for (POS and kiosks: exactly one).") var store: [String] = []
        @Option(help: "The channel it acts as, when the role does not fix it.") var channel: String?
        @Option(help: "How long it is valid: 90d, 12h, 30m.") var validFor: String = "90d"

        func run() async throws {
            guard let role = Role(rawValue: role), !role.isStaff else {
                throw ValidationError("--role must be a client role: \(Role.allCases.filter { !$0.isStaff }.map(\.rawValue).joined(separator: ", "))")
            }
            print(try await issue(files: files, name: name, role: role, stores: store, channel: channel, validFor: validFor))
        }
    }

    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a staff member's credential; prints the token.")
        @OptionGroup var files: AuthFiles
        @Argument(help: "Who, e.g. alice or alice@retailer.example.") var name: String
        @Option(help: "One of: \(Role.allCases.filter(\.isStaff).map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "A store they work for (store associates: at least one; others: every store).") var store: [String] = []
        @Option(help: "How long it is valid: a shift, 12h by default.") var validFor: String = "12h"

        func run() async throws {
            guard let role = Role(rawValue: role), role.isStaff else {
                throw ValidationError("--role must be a staff role: \(Role.allCases.filter(\.isStaff).map(\.rawValue).joined(separator: ", "))")
            }
            print(try await issue(files: files, name: name, role: role, stores: store, channel: nil, validFor: validFor))
        }
    }

    struct Operator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an operator's credential, every scope and every store (the API check, an operator's scripts); prints the token.")
        @OptionGroup var files: AuthFiles
        @Argument(help: "Who or what, e.g. api-check.") var name: String
        @Option(help: "How long it is valid: 1h by default.") var validFor: String = "1h"

        func run() async throws {
            guard let seconds = Duration.parse(validFor) else { throw ValidationError("--valid-for: expected a duration like 12h or 30m") }
            let credential = Credential(subject: "staff:\(name)", kind: .staff, role: "operator", channel: nil, stores: [Credential.allStores],
                                        scopes: Scope.allCases, issuedAt: Date(), validFor: seconds)
            let token = try await TokenIssuer(signingKeys: try KeySet.read(from: files.signingKeys)).token(for: credential)
            try files.recordIssued(credential)
            print(token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke one credential (--credential <id>) or every credential of a subject issued so far (--subject client:<name>).")
        @OptionGroup var files: AuthFiles
        @Option(help: "The credential's id (jti), from `auth list`.") var credential: String?
        @Option(help: "client:<name> or staff:<name>.") var subject: String?
        @Option(help: "Why, for the record.") var reason: String?

        func run() async throws {
            guard (credential == nil) != (subject == nil) else { throw ValidationError("give exactly one of --credential and --subject") }
            var revocations = try Revocations.read(from: files.revoked)
            revocations.entries.append(.init(credential: credential, subject: subject, reason: reason))
            try revocations.write(to: files.revoked)
            print("revoked \(credential ?? subject ?? ""); services reading \(files.revoked.path) refuse it within seconds")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The credentials issued, with their state.")
        @OptionGroup var files: AuthFiles

        func run() async throws {
            let revocations = try Revocations.read(from: files.revoked)
            let now = Date()
            for credential in try files.issued() {
                let state = revocations.revokes(credential) ? "revoked" : credential.expiresAt < now ? "expired" : "active"
                let stores = credential.stores.isEmpty ? "-" : credential.stores.joined(separator: ",")
                print([credential.id, state, credential.subject, credential.role, credential.channel ?? "-", stores,
                       "until \(credential.expiresAt.ISO8601Format())", credential.scopes.joined(separator: " ")].joined(separator: "  "))
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new signing key; older keys keep verifying until retired.")
        @OptionGroup var files: AuthFiles

        func run() async throws {
            var keys = try KeySet.read(from: files.signingKeys)
            try keys.rotate()
            try files.save(keys)
            print("signing with \(keys.signingKey!.kid); still verifying \(keys.keys.dropLast().map(\.kid).joined(separator: ", "))")
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a key: what it signed stops verifying.")
        @OptionGroup var files: AuthFiles
        @Argument(help: "The key id (kid).") var kid: String

        func run() async throws {
            var keys = try KeySet.read(from: files.signingKeys)
            try keys.retire(kid: kid)
            try files.save(keys)
            print("retired \(kid)")
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a token as a service would and print its claims.")
        @OptionGroup var files: AuthFiles
        @Argument(help: "The token.") var token: String

        func run() async throws {
            let verifier = try await TokenVerifier(configuration: .init(keysFile: files.publicKeys, revokedFile: files.revoked))
            do {
                let credential = try await verifier.credential(authorization: "Bearer \(token)")
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(credential), as: UTF8.self))
            } catch {
                throw CLIError("refused: \(error)")
            }
        }
    }

    struct Scopes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every scope, and what each role holds (a Markdown table).")

        func run() async throws {
            print("| scope | grants | " + Role.allCases.map(\.rawValue).joined(separator: " | ") + " |")
            print("|---|---|" + Role.allCases.map { _ in "---" }.joined(separator: "|") + "|")
            for scope in Scope.allCases {
                print("| `\(scope.rawValue)` | \(scope.summary) | " + Role.allCases.map { $0.scopes.contains(scope) ? "✓" : "" }.joined(separator: " | ") + " |")
            }
        }
    }
}

/// Signs a credential for `role` (which checks what the role demands); records it in
/// `issued.jsonl`.
private func issue(files: AuthFiles, name: String, role: Role, stores: [String], channel: String?, validFor: String) async throws -> String {
    guard let seconds = Duration.parse(validFor) else { throw ValidationError("--valid-for: expected a duration like 90d, 12h or 30m") }
    let credential: Credential
    do { credential = try Credential(role: role, name: name, stores: stores, channel: channel, validFor: seconds) } catch {
        throw ValidationError(error.description)
    }
    let token = try await TokenIssuer(signingKeys: try KeySet.read(from: files.signingKeys)).token(for: credential)
    try files.recordIssued(credential)
    return token
}

struct AuthFiles: ParsableArguments {
    @Option(help: "Where the key set and the credential records live (default OMNI_AUTH_DIR, else .omni/auth).")
    var authDir: String?

    @Option(help: "Where the files services read (keys.json, revoked.json) go, when not beside the signing keys (default OMNI_AUTH_PUBLIC_DIR, else --auth-dir).")
    var publicDir: String?

    var directory: URL {
        URL(fileURLWithPath: authDir ?? ProcessInfo.processInfo.environment["OMNI_AUTH_DIR"] ?? ".omni/auth")
    }
    /// Services mount this one (read-only); the signing keys never leave `directory`.
    var publicDirectory: URL {
        (publicDir ?? ProcessInfo.processInfo.environment["OMNI_AUTH_PUBLIC_DIR"]).map { URL(fileURLWithPath: $0) } ?? directory
    }
    var signingKeys: URL { directory.appendingPathComponent("signing-keys.json") }
    var publicKeys: URL { publicDirectory.appendingPathComponent("keys.json") }
    var revoked: URL { publicDirectory.appendingPathComponent("revoked.json") }
    /// The console's staff members (bcrypt hashes): the edge reads it.
    var staff: URL { publicDirectory.appendingPathComponent("staff.json") }
    var issuedLog: URL { directory.appendingPathComponent("issued.jsonl") }

    func save(_ keys: KeySet) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: publicDirectory, withIntermediateDirectories: true)
        try keys.write(to: signingKeys)
        try keys.publicKeys.write(to: publicKeys)
    }

    func recordIssued(_ credential: Credential) throws {
        var line = try JSONEncoder().encode(credential)
        line.append(UInt8(ascii: "\n"))
        if let handle = FileHandle(forWritingAtPath: issuedLog.path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } else {
            try line.write(to: issuedLog)
        }
    }

    func issued() throws -> [Credential] {
        guard let text = try? String(contentsOf: issuedLog, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Credential.self, from: Data($0.utf8)) }
    }
}

extension Duration {
    /// `90d`, `12h`, `30m`, `45s` as seconds.
    static func parse(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let number = Double(text.dropLast()), number > 0 else { return nil }
        switch unit {
        case "d": return number * 86_400
        case "h": return number * 3_600
        case "m": return number * 60
        case "s": return number
        default: return nil
        }
    }
}
