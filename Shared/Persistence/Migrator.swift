import Foundation
import Logging
import PostgresNIO

/// One numbered SQL file.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// FNV-1a over the text: detects a migration edited after it ran.
    var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}

/// The migrations of one component (the shared plumbing, or a service's own domain).
public struct MigrationSet: Sendable {
    public var component: String
    public var migrations: [Migration]

    public init(component: String, migrations: [Migration]) {
        self.component = component
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Reads `NNNN_description.sql` files from a folder (a target's `Migrations` resource).
    public init(component: String, directory: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        let migrations = try files.map { file -> Migration in
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw DatabaseError.badMigrationFileName(file)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
        }
        self.init(component: component, migrations: migrations)
    }

    /// The outbox and inbox tables every service schema carries.
    public static func deliveryPlumbing() throws -> MigrationSet {
        try bundled(component: "omni", in: .module)
    }
}

/// Applies migrations to the service's schema at start. All pending files run in one
/// transaction under an advisory lock, so two replicas starting together apply them once.
public enum Migrator {
    /// Applies what is pending; returns the versions applied now, as `component/version`.
    @discardableResult
    public static func migrate(_ database: Database, sets: [MigrationSet]) async throws -> [String] {
        let schema = database.schema
        let logger = database.logger
        return try await database.withTransaction { connection in
            // A migration may rewrite a large table: the service's statement timeout is for
            // messages and requests, not for it.
            try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("omni.migrations." + schema)))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \"\(schema)\""), logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    component text NOT NULL, version integer NOT NULL, name text NOT NULL,
                    checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (component, version))
                """, logger: logger)
            var applied: [String: String] = [:]
            for try await (component, version, checksum) in try await connection.query(
                "SELECT component, version, checksum FROM schema_migrations", logger: logger
            ).decode((String, Int, String).self) {
                applied["\(component)/\(version)"] = checksum
            }
            var appliedNow: [String] = []
            for set in sets {
                for migration in set.migrations {
                    let key = "\(set.component)/\(migration.version)"
                    if let checksum = applied[key] {
                        guard checksum == migration.checksum else {
                            throw DatabaseError.migrationChanged(component: set.component, version: migration.version, name: migration.name)
                        }
                        continue
                    }
                    for statement in SQLScript.statements(migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("""
                        INSERT INTO schema_migrations (component, version, name, checksum)
                        VALUES (\(set.component), \(migration.version), \(migration.name), \(migration.checksum))
                        """, logger: logger)
                    logger.info("migration applied", metadata: ["migration": "\(key)", "name": "\(migration.name)"])
                    appliedNow.append(key)
                }
            }
            return appliedNow
        }
    }
}

extension MigrationSet {
    /// The `Migrations` folder a target ships as a resource (`resources: [.copy("Migrations")]`).
    public static func bundled(component: String, in bundle: Bundle) throws -> MigrationSet {
        guard let directory = bundle.url(forResource: "Migrations", withExtension: nil) else {
            throw DatabaseError.badMigrationFileName("\(component): Migrations resource missing from \(bundle.bundlePath)")
        }
        return try MigrationSet(component: component, directory: directory)
    }
}
