import Foundation
import Logging
import OmniChannel
import OmniKafka
import OmniPersistence
import PostgresNIO
import Synchronization

/// A Postgres cluster `scripts/omni test` started: the shared one every test uses, or the
/// one the Postgres-crash tests restart under live services.
struct TestPostgres: Sendable {
    var host: String
    var port: Int
    var database: String
    var adminUser: String
    var adminPassword: String

    /// The cluster most tests share.
    static func shared() throws -> TestPostgres {
        TestPostgres(host: try TestStack.env("OMNI_TEST_PG_HOST"), port: Int(try TestStack.env("OMNI_TEST_PG_PORT"))!,
                     database: try TestStack.env("OMNI_TEST_PG_DATABASE"), adminUser: try TestStack.env("OMNI_TEST_PG_USER"),
                     adminPassword: try TestStack.env("OMNI_TEST_PG_PASSWORD"))
    }

    /// The second cluster, which only the Postgres-crash tests use (and restart).
    static func crashable() throws -> TestPostgres {
        var cluster = try shared()
        cluster.port = Int(try TestStack.env("OMNI_TEST_CRASH_PG_PORT"))!
        return cluster
    }

    /// The environment a service process needs to use this cluster.
    var serviceEnvironment: [String: String] {
        ["OMNI_PG_HOST": host, "OMNI_PG_PORT": String(port), "OMNI_PG_DATABASE": database]
    }
}

/// The real stack `scripts/omni test` starts: a project-local Postgres and the dev broker.
enum TestStack {
    struct Missing: Error, CustomStringConvertible {
        var variable: String
        var description: String { "\(variable) is not set: run the suite with `scripts/omni test`" }
    }

    static func env(_ key: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { throw Missing(variable: key) }
        return value
    }

    /// The run's key set (`OMNI_TEST_AUTH_DIR`, made by `scripts/omni test`), which every
    /// service process verifies with and the tests mint their credentials from.
    static func credentials() throws -> DevCredentials {
        try DevCredentials(directory: URL(fileURLWithPath: try env("OMNI_TEST_AUTH_DIR")))
    }

    /// The credential test requests carry unless they say otherwise: every scope.
    static func operatorToken() async throws -> String {
        if let token = operatorTokenCache.withLock({ $0 }) { return token }
        let token = try await credentials().token(subject: "staff:test-operator")
        operatorTokenCache.withLock { $0 = token }
        return token
    }

    private static let operatorTokenCache = Mutex<String?>(nil)

    static var logger: Logger {
        var logger = Logger(label: "omni.tests")
        logger.logLevel = .warning
        return logger
    }

    /// For a test's Kafka clients: a test that fails stops its broker under them, and
    /// librdkafka's reconnect errors would bury the failure.
    static var quietLogger: Logger {
        var logger = Logger(label: "omni.tests.kafka")
        logger.logLevel = .critical
        return logger
    }

    /// PSQLError hides its details from `description`; tests want to see them.
    struct DetailedError: Error, CustomStringConvertible { var detail: String; var description: String { detail } }

    static func bootstrap() throws -> String { try env("OMNI_KAFKA_BOOTSTRAP") }

    static func unique(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs `body` with a superuser client (to create roles and schemas as the init SQL does),
    /// on the shared cluster unless `cluster` says otherwise.
    static func withAdmin<T: Sendable>(on cluster: TestPostgres? = nil, _ body: (PostgresClient) async throws -> T) async throws -> T {
        let cluster = try cluster ?? .shared()
        let config = PostgresClient.Configuration(
            host: cluster.host, port: cluster.port, username: cluster.adminUser,
            password: cluster.adminPassword, database: cluster.database, tls: .disable)
        return try await withClient(PostgresClient(configuration: config, backgroundLogger: quietLogger), body)
    }

    static func withClient<T: Sendable>(_ client: PostgresClient, _ body: (PostgresClient) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // `run()` starts in a child task: wait until the pool serves before leasing.
            var attempts = 0
            var quiet = Logger(label: "omni.tests.startup")
            quiet.logLevel = .critical
            while (try? await client.query("SELECT 1", logger: quiet)) == nil {
                attempts += 1
                guard attempts < 100 else { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            do {
                return try await body(client)
            } catch let error as PSQLError {
                throw DetailedError(detail: String(reflecting: error))
            }
        }
    }

    /// A fresh role owning a fresh schema, created like compose/postgres/init does it.
    static func createServiceSchema(_ name: String, on cluster: TestPostgres? = nil) async throws {
        let database = try (cluster ?? .shared()).database
        try await withAdmin(on: cluster) { admin in
            // Concurrent GRANTs on one database row collide ("tuple concurrently updated"): serialize.
            try await admin.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(7411)", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(name) LOGIN PASSWORD '\(name)'"), logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(name) AUTHORIZATION \(name)"), logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "GRANT CONNECT ON DATABASE \(database) TO \(name)"), logger: logger)
            }
        }
    }

    /// Runs `body` with a `Database` connected as the service role `name`.
    static func withDatabase<T: Sendable>(_ name: String, statementTimeout: Duration? = .seconds(30), _ body: (Database) async throws -> T) async throws -> T {
        let database = try Database(configuration: DatabaseConfiguration(
            host: try env("OMNI_TEST_PG_HOST"), port: Int(try env("OMNI_TEST_PG_PORT"))!, database: try env("OMNI_TEST_PG_DATABASE"),
            username: name, password: name, schema: name, maxConnections: 4, statementTimeout: statementTimeout), logger: logger)
        return try await withClient(database.client) { _ in try await body(database) }
    }
}
