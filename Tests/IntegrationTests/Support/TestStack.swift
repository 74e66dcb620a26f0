import Foundation
import Logging
import OmniKafka
import OmniPersistence
import PostgresNIO

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

    /// Runs `body` with a superuser client (to create roles and schemas as the init SQL does).
    static func withAdmin<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        let config = PostgresClient.Configuration(
            host: try env("OMNI_TEST_PG_HOST"), port: Int(try env("OMNI_TEST_PG_PORT"))!, username: try env("OMNI_TEST_PG_USER"),
            password: try env("OMNI_TEST_PG_PASSWORD"), database: try env("OMNI_TEST_PG_DATABASE"), tls: .disable)
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
    static func createServiceSchema(_ name: String) async throws {
        let database = try env("OMNI_TEST_PG_DATABASE")
        try await withAdmin { admin in
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
    static func withDatabase<T: Sendable>(_ name: String, _ body: (Database) async throws -> T) async throws -> T {
        let database = try Database(configuration: DatabaseConfiguration(
            host: try env("OMNI_TEST_PG_HOST"), port: Int(try env("OMNI_TEST_PG_PORT"))!, database: try env("OMNI_TEST_PG_DATABASE"),
            username: name, password: name, schema: name, maxConnections: 4), logger: logger)
        return try await withClient(database.client) { _ in try await body(database) }
    }
}
