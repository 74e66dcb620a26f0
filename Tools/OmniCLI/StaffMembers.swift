import ArgumentParser
import Foundation
import HummingbirdBcrypt
import OmniAuth

/// `omni-cli auth member add|list|remove`: the people who sign in to the staff console
/// (`staff.json` beside the key set, bcrypt hashes; the edge reads it).
struct Member: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Staff members who sign in to the console (staff.json; the edge reads it as OMNI_CONSOLE_STAFF_FILE).",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff member, or give one a new password, role or stores.")
        @OptionGroup var files: AuthFiles
        @Argument(help: "The login name, e.g. alice (a-z, 0-9, . - _ @).") var name: String
        @Option(help: "One of: \(Role.allCases.filter(\.isStaff).map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "A store they work for (store associates: at least one).") var store: [String] = []
        @Option(help: "The name the console shows.") var displayName: String?
        @Flag(help: "Read the password from standard input (one line) instead of asking for it.") var passwordStdin = false
        @Option(help: "bcrypt cost (10 to 14).") var cost: UInt8 = 12

        func run() async throws {
            let name = StaffDirectory.normalise(self.name)
            guard StaffDirectory.isValidName(name) else { throw ValidationError("the name must be 1 to 64 of a-z, 0-9, . - _ @") }
            guard let role = Role(rawValue: role), role.isStaff else {
                throw ValidationError("--role must be a staff role: \(Role.allCases.filter(\.isStaff).map(\.rawValue).joined(separator: ", "))")
            }
            guard (10...14).contains(cost) else { throw ValidationError("--cost must be from 10 to 14") }
            do { _ = try Credential(role: role, name: name, stores: store, validFor: 60) } catch { throw ValidationError(error.description) }
            let password = try readPassword()
            guard password.count >= 10, password.utf8.count <= 72 else {
                throw ValidationError("the password must be at least 10 characters (and at most 72 bytes, bcrypt's limit)")
            }
            var directory = try StaffDirectory.read(from: files.staff)
            directory.upsert(.init(name: name, displayName: displayName ?? name, role: role.rawValue, stores: store,
                                   passwordHash: Bcrypt.hash(password, cost: cost)))
            try FileManager.default.createDirectory(at: files.publicDirectory, withIntermediateDirectories: true)
            try directory.write(to: files.staff)
            print("\(name) (\(role.rawValue)\(store.isEmpty ? "" : ", " + store.joined(separator: ", "))) may sign in; the edge reads \(files.staff.path)")
        }

        private func readPassword() throws -> String {
            if passwordStdin {
                guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password on standard input") }
                return line
            }
            guard let entered = getpass("Password for \(name): ") else { throw ValidationError("no password") }
            return String(cString: entered)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The staff members, one a line (never their hashes).")
        @OptionGroup var files: AuthFiles

        func run() async throws {
            for member in try StaffDirectory.read(from: files.staff).members {
                print("\(member.name)\t\(member.role)\t\(member.stores.joined(separator: ","))\t\(member.displayName)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a staff member: they can no longer sign in (open sessions end within a minute).")
        @OptionGroup var files: AuthFiles
        @Argument var name: String

        func run() async throws {
            var directory = try StaffDirectory.read(from: files.staff)
            let name = StaffDirectory.normalise(self.name)
            guard directory.member(named: name) != nil else { throw ValidationError("no staff member \(name)") }
            directory.members.removeAll { $0.name == name }
            try directory.write(to: files.staff)
            print("removed \(name)")
        }
    }
}
