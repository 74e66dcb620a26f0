import Foundation
import Logging
import PostgresNIO

/// Where the bench's Postgres is (the project-local cluster of `scripts/omni bench`).
struct PostgresTarget: Sendable {
    var host: String
    var port: Int
    var user: String
    var password: String
    var database: String

    func client(schema: String? = nil, connections: Int) -> PostgresClient {
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.maximumConnections = connections
        configuration.options.minimumConnections = connections
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        return PostgresClient(configuration: configuration)
    }
}

/// Runs `body` with a started client, shutting it down afterwards.
func withClient<T: Sendable>(_ client: PostgresClient, _ body: (PostgresClient) async throws -> T) async throws -> T {
    let runner = Task { await client.run() }
    defer { runner.cancel() }
    return try await body(client)
}

/// The baseline: one-row autocommit INSERTs (each its own durable commit, as every
/// handled message is), from one connection and from eight.
struct PostgresInsertBench {
    var target: PostgresTarget
    var logger: Logger

    func insertRate(connections: Int, seconds: Int) async throws -> BenchFigure {
        let schema = "bench_insert"
        let admin = target.client(connections: 1)
        try await withClient(admin) { client in
            try await client.query("CREATE SCHEMA IF NOT EXISTS bench_insert")
            try await client.query("DROP TABLE IF EXISTS bench_insert.rows")
            try await client.query("CREATE TABLE bench_insert.rows (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")
        }
        let client = target.client(schema: schema, connections: connections)
        let (count, elapsed) = try await withClient(client) { client in
            let deadline = ContinuousClock.now + .seconds(seconds)
            let started = ContinuousClock.now
            let count = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<connections {
                    group.addTask {
                        try await client.withConnection { connection in
                            var rows = 0
                            while ContinuousClock.now < deadline {
                                let payload = "writer \(writer) row \(rows)"
                                try await connection.query("INSERT INTO rows (payload) VALUES (\(payload))", logger: logger)
                                rows += 1
                            }
                            return rows
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            return (count, (ContinuousClock.now - started).seconds)
        }
        return BenchFigure(name: "Postgres single-row insert, \(connections) connection\(connections == 1 ? "" : "s")", count: count, seconds: elapsed)
    }
}
