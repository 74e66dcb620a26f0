import Foundation

/// The people who may sign in to the staff console: `staff.json` beside the key set,
/// written by `omni-cli auth member add` and read by the edge (`OMNI_CONSOLE_STAFF_FILE`).
/// It holds bcrypt hashes, never passwords.
public struct StaffDirectory: Codable, Sendable, Equatable {
    public struct Member: Codable, Sendable, Equatable {
        /// The login name: lower-case, what the credential's subject becomes (`staff:<name>`).
        public var name: String
        public var displayName: String
        /// A staff role (`Role.isStaff`): the scopes the session carries.
        public var role: String
        public var stores: [String]
        /// bcrypt (`$2b$...`).
        public var passwordHash: String
        public var created: Date?

        public init(name: String, displayName: String, role: String, stores: [String], passwordHash: String, created: Date? = Date()) {
            self.name = name
            self.displayName = displayName
            self.role = role
            self.stores = stores
            self.passwordHash = passwordHash
            self.created = created
        }
    }

    public var members: [Member]

    public init(members: [Member] = []) { self.members = members }

    public func member(named name: String) -> Member? {
        let wanted = Self.normalise(name)
        return members.first { $0.name == wanted }
    }

    /// Adds `member`, or replaces the one of that name (a new password, a new store).
    public mutating func upsert(_ member: Member) {
        members.removeAll { $0.name == member.name }
        members.append(member)
        members.sort { $0.name < $1.name }
    }

    /// Login names are compared trimmed and lower-cased.
    public static func normalise(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A login name: 1 to 64 of a-z, 0-9, `.`, `-`, `_`, `@`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.lowercaseLetters.contains($0) || CharacterSet.decimalDigits.contains($0) || ".-_@".unicodeScalars.contains($0)) }
    }

    public static func read(from url: URL) throws -> StaffDirectory {
        guard FileManager.default.fileExists(atPath: url.path) else { return StaffDirectory() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(StaffDirectory.self, from: Data(contentsOf: url))
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
        // Hashes are not passwords, but nobody else needs to read them.
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}
