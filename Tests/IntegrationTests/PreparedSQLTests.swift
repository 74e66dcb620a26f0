import Foundation
import OmniPersistence
import PostgresNIO
import Testing

@Suite("Prepared statements: parsed and planned once per connection (real Postgres)")
struct PreparedSQLTests {
    /// A connection to a new service schema of its own.
    private func withFreshSchema(_ prefix: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Void) async throws {
        let name = TestStack.unique(prefix)
        try await TestStack.createServiceSchema(name)
        try await TestStack.withDatabase(name) { db in try await db.withConnection(body) }
    }

    /// The statements prepared on `connection`, by name.
    private func prepared(on connection: PostgresConnection) async throws -> [String: String] {
        var statements: [String: String] = [:]
        for try await (name, sql) in try await connection.query("SELECT name, statement FROM pg_prepared_statements", logger: TestStack.logger)
            .decode((String, String).self) { statements[name] = sql }
        return statements
    }

    @Test("the same statement runs many times on one prepared statement; another text gets its own")
    func preparedOnceAndReused() async throws {
        try await withFreshSchema("prepared") { connection in
            try await connection.run("CREATE TABLE items (id int PRIMARY KEY, label text)", logger: TestStack.logger)
            for id in 1...20 {
                try await connection.run("INSERT INTO items (id, label) VALUES (\(id), \("item \(id)"))", logger: TestStack.logger)
            }
            var labels: [String] = []
            for id in [3, 7] {
                for try await label in try await connection.run("SELECT label FROM items WHERE id = \(id)", logger: TestStack.logger).decode(String.self) {
                    labels.append(label)
                }
            }
            #expect(labels == ["item 3", "item 7"])
            let statements = try await prepared(on: connection)
            #expect(statements.values.filter { $0.hasPrefix("INSERT INTO items") }.count == 1)
            #expect(statements.values.filter { $0.hasPrefix("SELECT label FROM items") }.count == 1)
            #expect(statements.keys.allSatisfy { $0.hasPrefix("omni_") })
        }
    }

    @Test("a nil bound first does not fix the parameter to the wrong type: an int4 column takes Int? nil, then a value")
    func nilThenValue() async throws {
        try await withFreshSchema("prepnil") { connection in
            try await connection.run("CREATE TABLE hours (id int PRIMARY KEY, opens int)", logger: TestStack.logger)
            for (id, opens) in [(1, nil), (2, 9), (3, nil), (4, 10)] as [(Int, Int?)] {
                try await connection.run("INSERT INTO hours (id, opens) VALUES (\(id), \(opens))", logger: TestStack.logger)
            }
            var rows: [Int?] = []
            for try await opens in try await connection.run("SELECT opens FROM hours ORDER BY id", logger: TestStack.logger).decode(Int?.self) {
                rows.append(opens)
            }
            #expect(rows == [nil, 9, nil, 10])
        }
    }

    @Test("a statement first met in a failed transaction still runs on that connection afterwards")
    func failedPreparationDoesNotStick() async throws {
        try await withFreshSchema("prepfail") { connection in
            try await connection.run("CREATE TABLE notes (id int PRIMARY KEY)", logger: TestStack.logger)
            try await connection.query("BEGIN", logger: TestStack.logger)
            await #expect(throws: PSQLError.self) {
                try await connection.run("INSERT INTO notes (id) VALUES (\(1 as Int)), (\(1 as Int))", logger: TestStack.logger)
            }
            // The transaction is aborted: Postgres refuses to prepare anything now.
            await #expect(throws: PSQLError.self) {
                try await connection.run("SELECT count(*)::int FROM notes WHERE id > \(0 as Int)", logger: TestStack.logger)
            }
            try await connection.query("ROLLBACK", logger: TestStack.logger)
            var counts: [Int] = []
            for try await count in try await connection.run("SELECT count(*)::int FROM notes WHERE id > \(0 as Int)", logger: TestStack.logger).decode(Int.self) {
                counts.append(count)
            }
            #expect(counts == [0])
        }
    }
}
