import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import OmniAuth
import OmniPersistence
import Synchronization

/// The staff console's parts: its configuration, sessions, staff directory, pages, and the
/// signer of the short-lived credentials a session reads the services with.
final class Console: Sendable {
    let configuration: ConsoleConfiguration
    let database: Database
    let pages: ConsolePages
    let logger: Logger
    let reader: ServiceReader
    private let staff: StaffFile?
    private let issuer: TokenIssuer?
    /// A hash to check a password against when the name is unknown, so a wrong name costs
    /// as long as a wrong password and does not tell which names exist.
    private let decoy = Mutex<String?>(nil)

    init(configuration: ConsoleConfiguration, database: Database, logger: Logger) throws {
        self.configuration = configuration
        self.database = database
        self.logger = logger
        pages = try ConsolePages()
        reader = ServiceReader(services: configuration.services)
        staff = configuration.staffFile.map(StaffFile.init)
        issuer = configuration.signingKeysFile.flatMap { file in
            do { return try TokenIssuer(signingKeys: try KeySet.read(from: file)) } catch {
                logger.error("console: no signing keys, nobody can sign in", metadata: ["file": "\(file.path)", "error": "\(error)"])
                return nil
            }
        }
    }

    var isConfigured: Bool { staff != nil && issuer != nil }

    func member(named name: String) -> StaffDirectory.Member? { staff?.directory().member(named: name) }

    /// Whether `password` is `name`'s; the bcrypt work runs off the event loops.
    func verify(name: String, password: String) async throws -> StaffDirectory.Member? {
        let member = member(named: name)
        let hash: String
        if let member {
            hash = member.passwordHash
        } else if let known = decoy.withLock({ $0 }) {
            hash = known
        } else {
            hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash("decoy-\(UUID())", cost: 12) }
            decoy.withLock { $0 = hash }
        }
        // bcrypt reads at most 72 bytes; longer passwords are refused, not truncated.
        guard password.utf8.count <= 72 else { return nil }
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        return matches ? member : nil
    }

    /// A credential for `member` valid for five minutes: what the console shows it reads
    /// with the member's own scopes, and what the services' PII access logs record.
    ///
    /// `reading` adds scopes the page needs whatever the role (a 360 view for a role without
    /// the personal-data scope is read whole and shown masked): the services still log the
    /// read under the member's name.
    func token(for member: StaffDirectory.Member, reading: Set<Scope> = []) async throws -> String? {
        guard let issuer, let role = Role(rawValue: member.role) else { return nil }
        let base = try Credential(role: role, name: member.name, stores: member.stores, validFor: 300)
        let credential = Credential(subject: base.subject, kind: base.kind, role: base.role, channel: base.channel, stores: base.stores,
                                    scopes: Array(role.scopes.union(reading)), validFor: 300)
        return try await issuer.token(for: credential)
    }

    /// Whether `member`'s role may see personal data unmasked.
    func seesPersonalData(_ member: StaffDirectory.Member) -> Bool {
        Role(rawValue: member.role)?.scopes.contains(.customersRead) ?? false
    }
}

/// `staff.json`, read again when it changes (a member added, removed or given a new password).
final class StaffFile: Sendable {
    private let url: URL
    private let cache = Mutex<(modified: Date?, directory: StaffDirectory)>((nil, StaffDirectory()))

    init(_ url: URL) { self.url = url }

    func directory() -> StaffDirectory {
        let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
        return cache.withLock { cache in
            if modified != cache.modified {
                cache = (modified, (try? StaffDirectory.read(from: url)) ?? StaffDirectory())
            }
            return cache.directory
        }
    }
}
