import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO
import Testing

@Suite("Postgres: schemas, roles, migrations, outbox (real Postgres)")
struct PersistenceTests {
    @Test("a service role cannot read or write another service's schema, nor public")
    func roleIsolation() async throws {
        let a = TestStack.unique("svca"), b = TestStack.unique("svcb")
        try await TestStack.createServiceSchema(a)
        try await TestStack.createServiceSchema(b)
        try await TestStack.withDatabase(b) { db in
            try await db.client.query(PostgresQuery(unsafeSQL: "CREATE TABLE secrets (v text)"))
            try await db.client.query(PostgresQuery(unsafeSQL: "INSERT INTO secrets VALUES ('b only')"))
        }
        try await TestStack.withDatabase(a) { db in
            try await db.client.query(PostgresQuery(unsafeSQL: "CREATE TABLE mine (v text)"))  // own schema: allowed
            for sql in ["SELECT * FROM \(b).secrets", "INSERT INTO \(b).secrets VALUES ('x')", "CREATE TABLE \(b).intruder (v text)",
                        "CREATE TABLE public.intruder (v text)"] {
                await #expect(throws: PSQLError.self, "\(sql) must be refused") {
                    try await db.client.query(PostgresQuery(unsafeSQL: sql))
                }
            }
        }
    }

    @Test("work on a connection that closes under it ends with an error, never hangs (PostgresNIO loses queries written after a close)",
          .timeLimit(.minutes(1)))
    func closedConnectionNeverHangs() async throws {
        let name = TestStack.unique("closed")
        try await TestStack.createServiceSchema(name)
        try await TestStack.withDatabase(name) { db in
            let started = ContinuousClock.now
            await #expect(throws: (any Error).self) {
                try await db.withConnection { connection in
                    try await connection.close()
                    try await connection.query("SELECT 1", logger: TestStack.logger)
                }
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            // The pool serves again on a new connection.
            let answer = try await db.query("SELECT 41 + 1").decode(Int.self)
            #expect(answer == [42])
        }
    }

    @Test("two replicas migrating at the same moment apply each migration once")
    func concurrentMigrations() async throws {
        let name = TestStack.unique("mig")
        try await TestStack.createServiceSchema(name)
        let sets = [try MigrationSet.deliveryPlumbing(),
                    MigrationSet(component: "demo", migrations: [Migration(version: 1, name: "things", sql: "CREATE TABLE things (id int);")])]
        let applied = try await TestStack.withDatabase(name) { db in
            try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<2 { group.addTask { try await Migrator.migrate(db, sets: sets) } }
                var all: [String] = []
                for try await result in group { all += result }
                return all
            }
        }
        #expect(applied.sorted() == ["demo/1", "omni/1"])
        let again = try await TestStack.withDatabase(name) { db in try await Migrator.migrate(db, sets: sets) }
        #expect(again.isEmpty)
    }

    @Test("an edited migration is refused")
    func editedMigration() async throws {
        let name = TestStack.unique("edit")
        try await TestStack.createServiceSchema(name)
        try await TestStack.withDatabase(name) { db in
            try await Migrator.migrate(db, sets: [MigrationSet(component: "d", migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (id int)")])])
            await #expect(throws: DatabaseError.self) {
                try await Migrator.migrate(db, sets: [MigrationSet(component: "d", migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (id bigint)")])])
            }
        }
    }

    @Test("a rolled-back transaction leaves nothing in the outbox")
    func rollbackWritesNothing() async throws {
        struct Boom: Error {}
        let name = TestStack.unique("rb")
        try await TestStack.createServiceSchema(name)
        try await TestStack.withDatabase(name) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()])
            let event = CloudEvent(type: "omni.orders.OrderPlaced.v1", source: "/services/orders", subject: "o-1", data: Array("{}".utf8))
            await #expect(throws: Boom.self) {
                try await db.withTransaction { connection in
                    try await Outbox.append(event, topic: "orders.events", key: "o-1", on: connection, logger: db.logger)
                    throw Boom()
                }
            }
            let count = try await db.client.query("SELECT count(*) FROM outbox").decode(Int.self).first { _ in true }
            #expect(count == 0)
        }
    }
}
