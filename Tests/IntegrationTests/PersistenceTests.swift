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
        let every = sets.flatMap { set in set.migrations.map { "\(set.component)/\($0.version)" } }
        #expect(every.contains("demo/1") && every.count > 1)
        #expect(applied.sorted() == every.sorted(), "each once, by one replica or the other")
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

    @Test("the inbox forgets message ids past its retention, oldest first, a batch per statement, and keeps the rest")
    func inboxRetention() async throws {
        let name = TestStack.unique("prune")
        try await TestStack.createServiceSchema(name)
        try await TestStack.withDatabase(name) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()])
            // Seven handled 2 to 8 days ago, two an hour ago and now.
            _ = try await db.query("""
                INSERT INTO inbox (consumer, message_id, type, topic, kafka_partition, kafka_offset, received_at)
                SELECT 'orders', gen_random_uuid(), 'omni.catalog.StockReserved.v1', 'catalog.events', 0, age, now() - make_interval(hours => age)
                FROM unnest(ARRAY[48, 72, 96, 120, 144, 168, 192, 1, 0]) AS age
                """)
            var configuration = InboxPruner.Configuration()
            configuration.retention = .seconds(24 * 3_600)
            configuration.batchSize = 3
            let pruner = InboxPruner(database: db, configuration: configuration, logger: db.logger)
            #expect(try await pruner.prune() == 7, "three statements: 3, 3 and 1")
            let left = try await db.query("SELECT kafka_offset FROM inbox ORDER BY kafka_offset").decode(Int64.self)
            #expect(left == [0, 1])
            #expect(try await pruner.prune() == 0)
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

    @Test("an event's attributes survive the outbox as written, alone or in a batch: any text as is, an absent one stays absent")
    func attributesRoundTrip() async throws {
        let name = TestStack.unique("attrs")
        try await TestStack.createServiceSchema(name)
        try await TestStack.withDatabase(name) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()])
            let full = CloudEvent(type: "omni.orders.OrderPlaced.v1", source: "/channels/pos/store-42", subject: "say \"hi\" \\\n · café 🛍️",
                                  correlationID: "journey-1", causationID: "cause-1", channel: "pos", traceparent: "00-abc-def-01", data: Array("{}".utf8))
            let bare = CloudEvent(type: "omni.orders.OrderConfirmed.v1", source: "/services/orders", data: Array("{}".utf8))
            let alone = CloudEvent(type: "omni.orders.OrderShipped.v1", source: "/services/orders", subject: "o-2", data: Array("{}".utf8))
            try await db.withTransaction { connection in
                try await Outbox.append(full, topic: "orders.events", key: "o-1", on: connection, logger: db.logger)
                try await Outbox.append(bare, topic: "orders.events", key: "o-1", on: connection, logger: db.logger)
            }
            try await db.withConnection { connection in
                try await Outbox.append(alone, topic: "orders.events", key: "o-2", on: connection, logger: db.logger)
            }
            var stored: [CloudEvent.Attributes] = []
            let rows = try await db.client.query("""
                SELECT id, type, source, event_time, subject, content_type, correlation_id, causation_id, channel, traceparent FROM outbox ORDER BY sequence
                """)
            for try await (id, type, source, time, subject, contentType, correlation, causation, channel, traceparent)
                in rows.decode((UUID, String, String, String, String?, String, String?, String?, String?, String?).self) {
                stored.append(CloudEvent.Attributes(id: id.uuidString.lowercased(), type: type, source: source, time: time, subject: subject, contentType: contentType,
                                                    correlationID: correlation, causationID: causation, channel: channel, traceparent: traceparent))
            }
            #expect(stored == [full.attributes, bare.attributes, alone.attributes])
            // And the headers they travel as read back into the same envelope.
            let headers = stored[0].kafkaHeaders
            let back = try CloudEvent(kafkaHeaders: headers, value: full.data)
            #expect(back.subject == full.subject && back.correlationID == "journey-1" && back.channel == "pos" && back.traceparent == "00-abc-def-01")
            #expect(try CloudEvent(kafkaHeaders: stored[1].kafkaHeaders, value: bare.data).subject == nil)
        }
    }
}
