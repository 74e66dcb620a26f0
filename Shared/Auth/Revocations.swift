import Foundation

/// Credentials that must stop working before they expire: one credential by its id, or
/// every credential of a subject issued before a moment (a lost till, a leaver).
public struct Revocations: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// A credential id (`jti`), or nil to revoke by subject.
        public var credential: String?
        /// `client:<name>` or `staff:<name>`: every credential of it issued before `at`.
        public var subject: String?
        public var at: Date
        public var reason: String?

        public init(credential: String? = nil, subject: String? = nil, at: Date = Date(), reason: String? = nil) {
            self.credential = credential
            self.subject = subject
            self.at = at.rounded
            self.reason = reason
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    public func revokes(_ credential: Credential) -> Bool {
        entries.contains { entry in
            if let id = entry.credential, id == credential.id { return true }
            if let subject = entry.subject, subject == credential.subject, credential.issuedAt <= entry.at { return true }
            return false
        }
    }

    /// A missing file means nothing is revoked.
    public static func read(from url: URL) throws -> Revocations {
        guard FileManager.default.fileExists(atPath: url.path) else { return Revocations() }
        do { return try KeySet.decoder.decode(Revocations.self, from: Data(contentsOf: url)) } catch {
            throw KeySetError.unreadable(url.path, "not a revocation list: \(error)")
        }
    }

    public func write(to url: URL) throws {
        try KeySet.encoder.encode(self).write(to: url, options: .atomic)
    }
}
