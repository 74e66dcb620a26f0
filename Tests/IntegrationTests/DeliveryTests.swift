import Foundation
import OmniKafka
import OmniMessaging
import OmniPersistence
import OmniRuntime
import PostgresNIO
import Synchronization
import Testing

/// Outbox → relay → dev broker → consumer loop → inbox, with real Postgres and the real
/// Kafka protocol. Runs serially: the cases share `customers.commands`.
@Suite("Delivery guarantees end to end (real Postgres, dev broker)", .serialized)
struct DeliveryTests {
    static let topic = Topics.commands(.customers)
    static let pingType = "omni.customers.Ping.v1"

    struct Ping: Codable { var run: String; var n: Int }

    @Test("events written in one service's transactions reach another's handler exactly once, even when republished")
    func exactlyOnce() async throws {
        let sender = TestStack.unique("sender"), receiver = TestStack.unique("receiver")
        let run = UUID().uuidString.lowercased()
        try await TestStack.createServiceSchema(sender)
        try await TestStack.createServiceSchema(receiver)
        let producer = try KafkaProducer(configuration: .init(kafka: .init(bootstrapServers: try TestStack.bootstrap(), clientID: sender)), logger: TestStack.logger)
        let count = 40

        // The sender: each event committed in its own business transaction, then relayed.
        try await TestStack.withDatabase(sender) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()])
            for n in 0..<count {
                try await db.withTransaction { connection in
                    let event = try CloudEvent(type: Self.pingType, source: "/services/\(sender)", subject: "k-\(n % 7)",
                                               payload: Ping(run: run, n: n), correlationID: run, channel: "web")
                    try await Outbox.append(event, topic: Self.topic, key: "k-\(n % 7)", on: connection, logger: db.logger)
                }
            }
            let relay = OutboxRelay(database: db, producer: producer, logger: TestStack.logger)
            // A relay that died after publishing, before its claim committed, leaves the rows
            // behind: they are kept aside here and put back after publishing, so they go out again.
            try await db.client.query("CREATE TABLE died_before_commit AS SELECT * FROM outbox")
            #expect(try await relay.publishBatch() == count)
            #expect(try await relay.publishBatch() == 0, "published rows leave the outbox")
            try await db.client.query("INSERT INTO outbox SELECT * FROM died_before_commit")
            #expect(try await relay.publishBatch() == count)
            #expect(try await relay.publishBatch() == 0)
        }

        // The receiver: records what its handler saw, envelope included.
        try await TestStack.withDatabase(receiver) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing(), MigrationSet(component: "t", migrations: [
                Migration(version: 1, name: "received", sql: "CREATE TABLE received (id uuid, run text, n int, subject text, correlation text, channel text, source text)"),
            ])])
            var handlers = EventHandlers()
            handlers.on(Self.pingType) { event, context in
                let ping = try event.decode(Ping.self)
                try await context.connection.query("""
                    INSERT INTO received VALUES (\(event.id), \(ping.run), \(ping.n), \(event.subject), \(event.correlationID), \(event.channel), \(event.source))
                    """, logger: context.logger)
            }
            var config = KafkaConsumerConfiguration(kafka: .init(bootstrapServers: try TestStack.bootstrap(), clientID: receiver), groupID: receiver, topics: [Self.topic])
            config.fetchWaitMaxMilliseconds = 5
            let consumer = try KafkaConsumer(configuration: config, logger: TestStack.logger)
            let loop = EventConsumer(consumer: consumer, producer: producer, database: db, handlers: handlers,
                                     configuration: .init(consumerName: receiver), logger: TestStack.logger)
            let task = Task { try await loop.run() }
            defer { task.cancel() }
            let deadline = ContinuousClock.now + .seconds(60)
            var received = 0
            while ContinuousClock.now < deadline {
                received = try await db.client.query("SELECT count(*) FROM received WHERE run = \(run)").decode(Int.self).first { _ in true } ?? 0
                let inboxed = try await db.client.query("SELECT count(*) FROM inbox").decode(Int.self).first { _ in true } ?? 0
                if received >= count, inboxed >= count { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .milliseconds(500))  // let any duplicate arrive
            await consumer.close()
            let rows = try await db.client.query("SELECT count(*), count(DISTINCT n) FROM received WHERE run = \(run)").decode((Int, Int).self).first { _ in true }
            #expect(rows?.0 == count, "each event handled once, duplicates skipped by the inbox")
            #expect(rows?.1 == count)
            let envelope = try await db.client.query("SELECT subject, correlation, channel, source FROM received WHERE n = 8")
                .decode((String, String, String, String).self).first { _ in true }
            #expect(envelope?.0 == "k-1")
            #expect(envelope?.1 == run)
            #expect(envelope?.2 == "web")
            #expect(envelope?.3 == "/services/\(sender)")
        }
        await producer.shutdown()
    }

    @Test("a message the broker refuses for good is parked with the reason, and the messages behind it go out")
    func refusedDelivery() async throws {
        let sender = TestStack.unique("refused")
        try await TestStack.createServiceSchema(sender)
        let producer = try KafkaProducer(configuration: .init(kafka: .init(bootstrapServers: try TestStack.bootstrap(), clientID: sender)), logger: TestStack.logger)
        try await TestStack.withDatabase(sender) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()])
            let before = try CloudEvent(type: Self.pingType, source: "/services/\(sender)", subject: "k", payload: Ping(run: sender, n: 1))
            // Past the producer's message.max.bytes (1 MB): refused, whatever the broker.
            let huge = try CloudEvent(type: Self.pingType, source: "/services/\(sender)", subject: "k",
                                      payload: Ping(run: String(repeating: "x", count: 1_200_000), n: 2), correlationID: "c-huge", channel: "web")
            let after = try CloudEvent(type: Self.pingType, source: "/services/\(sender)", subject: "k", payload: Ping(run: sender, n: 3))
            try await db.withTransaction { connection in
                for event in [before, huge, after] { try await Outbox.append(event, topic: Self.topic, key: "k", on: connection, logger: db.logger) }
            }
            let relay = OutboxRelay(database: db, producer: producer, logger: TestStack.logger)
            #expect(try await relay.publishBatch() == 2, "the two small messages are acknowledged once the huge one is out of their way")
            let waiting = try await db.client.query("SELECT count(*) FROM outbox").decode(Int.self).first { _ in true }
            #expect(waiting == 0)
            var parked: [(UUID, String, String, String, String?, String?, Int, Int, String)] = []
            for try await row in try await db.client.query("""
                SELECT id, type, topic, message_key, correlation_id, channel, length(payload), attempts, last_error FROM outbox_parked
                """).decode((UUID, String, String, String, String?, String?, Int, Int, String).self) { parked.append(row) }
            #expect(parked.map(\.0) == [huge.id])
            #expect(parked.first?.1 == Self.pingType && parked.first?.2 == Self.topic && parked.first?.3 == "k")
            #expect(parked.first?.4 == "c-huge" && parked.first?.5 == "web", "the envelope is kept, to be sent again as it was")
            #expect((parked.first?.6 ?? 0) > 1_200_000)
            #expect(parked.first?.7 == 1)
            #expect(parked.first?.8.contains("too large") == true, "\(parked.first?.8 ?? "no reason")")
        }
        await producer.shutdown()
    }

    @Test("a batch the broker cannot take for now stays in the outbox, in order, with the reason, and nothing is parked")
    func unreachableBroker() async throws {
        let sender = TestStack.unique("unreachable")
        try await TestStack.createServiceSchema(sender)
        // Nothing listens there: every message times out, which is not a refusal.
        var configuration = KafkaProducerConfiguration(kafka: .init(bootstrapServers: "127.0.0.1:9", clientID: sender))
        configuration.messageTimeoutMilliseconds = 1500
        let producer = try KafkaProducer(configuration: configuration, logger: TestStack.logger)
        try await TestStack.withDatabase(sender) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()])
            let events = try (1...2).map { try CloudEvent(type: Self.pingType, source: "/services/\(sender)", subject: "k", payload: Ping(run: sender, n: $0)) }
            try await db.withTransaction { connection in
                for event in events { try await Outbox.append(event, topic: Self.topic, key: "k", on: connection, logger: db.logger) }
            }
            let relay = OutboxRelay(database: db, producer: producer, logger: TestStack.logger)
            await #expect(throws: (any Error).self) { try await relay.publishBatch() }
            var rows: [(UUID, Int, String?)] = []
            for try await row in try await db.client.query("SELECT id, attempts, last_error FROM outbox ORDER BY sequence")
                .decode((UUID, Int, String?).self) { rows.append(row) }
            #expect(rows.map(\.0) == events.map(\.id), "both rows stay, in order")
            #expect(rows.allSatisfy { $0.1 == 1 && $0.2 != nil })
            let parked = try await db.client.query("SELECT count(*) FROM outbox_parked").decode(Int.self).first { _ in true }
            #expect(parked == 0)
        }
        await producer.shutdown()
    }

    @Test("undecodable bytes and an unknown ce_type go to the DLQ with the reason, and the consumer keeps going")
    func deadLetters() async throws {
        let (name, bootstrap, producer) = try await Self.prepare("dlq")
        let key = "dlq-\(UUID().uuidString)"
        let good = try CloudEvent(type: Self.pingType, source: "/channels/test", subject: key, payload: Ping(run: key, n: 1))
        let unknown = CloudEvent(type: "omni.customers.NoSuchThing.v1", source: "/channels/test", subject: key, data: Array("{}".utf8))
        try await producer.send(OutgoingMessage(topic: Self.topic, key: key, value: Array("\u{0}\u{1}garbage".utf8), headers: []))
        try await producer.send(unknown.outgoingMessage(topic: Self.topic, key: key))
        try await producer.send(good.outgoingMessage(topic: Self.topic, key: key))

        try await TestStack.withDatabase(name) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()])
            var handlers = EventHandlers()
            handlers.on(Self.pingType) { _, _ in }
            let consumer = try KafkaConsumer(configuration: .init(kafka: .init(bootstrapServers: bootstrap, clientID: name), groupID: name, topics: [Self.topic]), logger: TestStack.logger)
            let loop = EventConsumer(consumer: consumer, producer: producer, database: db, handlers: handlers,
                                     configuration: .init(consumerName: name), logger: TestStack.logger)
            let task = Task { try await loop.run() }
            defer { task.cancel() }

            // Read the DLQ for our key.
            let dlq = try KafkaConsumer(configuration: .init(kafka: .init(bootstrapServers: bootstrap, clientID: name + "-dlq"),
                                                             groupID: name + "-dlq", topics: [Topics.deadLetter(of: Self.topic)]), logger: TestStack.logger)
            var parked: [ConsumedMessage] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while parked.count < 2, ContinuousClock.now < deadline {
                let batch = await withTaskGroup(of: [ConsumedMessage].self) { group in
                    group.addTask { await dlq.nextBatch(max: 100) }
                    group.addTask { try? await Task.sleep(for: .seconds(1)); return [] }
                    let first = await group.next() ?? []
                    group.cancelAll()
                    return first
                }
                for message in batch { dlq.storeOffset(message) }
                parked += batch.filter { $0.keyString == key }
            }
            // The good message after them was handled.
            var handled = 0
            while handled == 0, ContinuousClock.now < deadline + .seconds(10) {
                handled = try await db.client.query("SELECT count(*) FROM inbox WHERE message_id = \(good.id)").decode(Int.self).first { _ in true } ?? 0
                if handled == 0 { try await Task.sleep(for: .milliseconds(100)) }
            }
            await dlq.close()
            await consumer.close()
            #expect(parked.count == 2)
            let reasons = Set(parked.compactMap { $0.headers.string(DeadLetter.reasonCode) })
            #expect(reasons == ["missing-header", "unknown-type"])
            for message in parked {
                #expect(message.headers.string(DeadLetter.sourceTopic) == Self.topic)
                #expect(message.headers.string(DeadLetter.sourceOffset) != nil)
                #expect(message.headers.string(DeadLetter.reason)?.isEmpty == false)
            }
            #expect(handled == 1)
        }
        await producer.shutdown()
    }

    @Test("a message Postgres refuses (a NUL in text), amid a partition's batch that shares a transaction, goes to the DLQ at once and alone; the others are handled once, in order")
    func refusalInsideSharedTransaction() async throws {
        let (name, _, producer) = try await Self.prepare("shared")
        let key = "shared-\(UUID().uuidString)", count = 30, refused = 13
        // All on one key, all published before the consumer starts: they arrive as one batch of one partition.
        let bad = try await Self.publishPings(key: key, count: count, producer: producer)[refused]

        var handlers = EventHandlers()
        handlers.on(Self.pingType) { event, context in
            // The topic holds other tests' pings too: only this run's count.
            let ping = try event.decode(Ping.self)
            guard ping.run == key else { return }
            try await context.connection.query("INSERT INTO received (n) VALUES (\(ping.n))", logger: context.logger)
            // Text Postgres can never store (a NUL character): a data exception, never worth a retry.
            if ping.n == refused { try await context.connection.query("INSERT INTO received (note) VALUES (\("bad\u{0}text"))", logger: context.logger) }
        }
        try await Self.consume(key: key, handled: count - 1, name: name, producer: producer, receivedColumns: "note text",
                               handlers: handlers) { _, parked, received in
            #expect(received == Array(0..<count).filter { $0 != refused }, "every other message once, in the partition's order")
            #expect(parked.count == 1)
            #expect(parked.first?.headers.string(DeadLetter.reasonCode) == "invalid-data")
            #expect(parked.first?.headers.string(CloudEvent.Header.id) == bad.id.uuidString.lowercased())
        }
        await producer.shutdown()
    }

    @Test("a batch handler gets a partition's consecutive events of its type together, in order and once each; a batch that fails is handled again one event at a time")
    func batchHandler() async throws {
        let (name, _, producer) = try await Self.prepare("batch")
        let key = "batch-\(UUID().uuidString)", count = 30, refused = 13, repeated = 5
        // All on one key, published before the consumer starts: one partition's batch. One is sent twice.
        for n in 0..<count {
            let event = try CloudEvent(type: Self.pingType, source: "/channels/test", subject: key, payload: Ping(run: key, n: n))
            try await producer.send(event.outgoingMessage(topic: Self.topic, key: key))
            if n == repeated { try await producer.send(event.outgoingMessage(topic: Self.topic, key: key)) }
        }

        var handlers = EventHandlers()
        handlers.onBatch(Self.pingType) { events, context in
            // The topic holds other tests' pings too: only this run's.
            let ns = try events.map { try $0.decode(Ping.self) }.filter { $0.run == key }.map(\.n)
            if ns.contains(refused) { throw PermanentHandlerError(code: "test-refused", message: "ping \(refused) is refused") }
            try await context.connection.query("INSERT INTO received (n, call_size) SELECT unnest(\(ns)::int[]), \(events.count)", logger: context.logger)
        }
        try await Self.consume(key: key, handled: count - 1, name: name, producer: producer, receivedColumns: "call_size int",
                               handlers: handlers) { db, parked, received in
            #expect(received == Array(0..<count).filter { $0 != refused }, "every other event once, in the partition's order")
            let sizes = try await db.client.query("SELECT max(call_size), min(call_size) FROM received").decode((Int, Int).self).first { _ in true }
            #expect((2...8).contains(sizes?.0 ?? 0), "events handled together, at most a transaction's worth")
            #expect(sizes?.1 == 1, "the failed batch's events, handled alone")
            #expect(parked.count == 1)
            #expect(parked.first?.headers.string(DeadLetter.reasonCode) == "test-refused")
        }
        await producer.shutdown()
    }

    @Test("an event its handler would do nothing with is passed over without a transaction (no inbox row); one the check cannot read goes to the handler")
    func unneededEventsSkipped() async throws {
        let (name, _, producer) = try await Self.prepare("skip")
        let key = "skip-\(UUID().uuidString)", count = 20
        let pings = try await Self.publishPings(key: key, count: count, producer: producer)
        // Not a ping: the check cannot read it, so the handler gets it (and dead-letters it).
        let unreadable = CloudEvent(type: Self.pingType, source: "/channels/test", subject: key, data: Array(#"{"run": 7}"#.utf8))
        try await producer.send(unreadable.outgoingMessage(topic: Self.topic, key: key))

        var handlers = EventHandlers()
        handlers.on(Self.pingType) { event, context in
            let ping = try event.decode(Ping.self)
            guard ping.run == key else { return }
            #expect(ping.n.isMultiple(of: 2), "an odd ping reached its handler")
            try await context.connection.query("INSERT INTO received (n) VALUES (\(ping.n))", logger: context.logger)
        }
        handlers.skip(Self.pingType) { event in try !event.decode(Ping.self).n.isMultiple(of: 2) }
        try await Self.consume(key: key, handled: count / 2, name: name, producer: producer, receivedColumns: "unused int",
                               handlers: handlers) { db, parked, received in
            #expect(received == Array(stride(from: 0, to: count, by: 2)), "the even pings, once each, in order")
            #expect(parked.count == 1 && parked.first?.headers.string(DeadLetter.reasonCode) == "undecodable-data", "the unreadable one, dead-lettered by its handler")
            var inbox: Set<UUID> = []
            for try await id in try await db.client.query("SELECT message_id FROM inbox").decode(UUID.self) { inbox.insert(id) }
            let (even, odd) = (pings.enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element.id), pings.enumerated().filter { !$0.offset.isMultiple(of: 2) }.map(\.element.id))
            #expect(even.allSatisfy(inbox.contains), "each handled ping has its inbox row")
            #expect(!odd.contains(where: inbox.contains), "a passed-over ping left no inbox row")
        }
        await producer.shutdown()
    }

    @Test("a command rejected amid a run of commands that share a transaction undoes its own writes only, and says why; the others are handled once, in order")
    func rejectionInsideSharedTransaction() async throws {
        let (name, _, producer) = try await Self.prepare("rejected")
        let key = "rejected-\(UUID().uuidString)", count = 30, refused = 13
        // All on one key, published before the consumer starts: one partition's batch.
        try await Self.publishPings(key: key, count: count, producer: producer)
        var handlers = EventHandlers()
        handlers.command(Self.pingType, as: Ping.self, service: .customers) { ping, context in
            guard ping.run == key else { return }  // other tests' pings
            try await context.connection.query("INSERT INTO received (n) VALUES (\(ping.n))", logger: context.logger)
            if ping.n == refused { throw Rejection("test-refused", "ping \(refused) is refused after writing") }
        }
        try await Self.consume(key: key, handled: count - 1, parked: 0, name: name, producer: producer, receivedColumns: "note text",
                               handlers: handlers) { db, parked, received in
            #expect(received == Array(0..<count).filter { $0 != refused }, "every other command once, in the partition's order")
            #expect(parked.isEmpty)
            let rejections = try await db.client.query("""
                SELECT convert_from(payload, 'UTF8') FROM outbox WHERE type = 'omni.customers.CommandRejected.v1'
                """).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            #expect(rejections.count == 1 && rejections.allSatisfy { $0.contains("test-refused") }, "\(rejections)")
        }
        await producer.shutdown()
    }

    @Test("a handler that always fails on one message (an error no retry mends) is dead-lettered after the configured tries; the partition's following messages are handled")
    func boundedRetries() async throws {
        let (name, _, producer) = try await Self.prepare("poison")
        let key = "poison-\(UUID().uuidString)", count = 20, refused = 7
        try await Self.publishPings(key: key, count: count, producer: producer)
        struct Unforeseen: Error {}
        final class Calls: Sendable {
            private let count = Mutex(0)
            func add() { count.withLock { $0 += 1 } }
            var value: Int { count.withLock { $0 } }
        }
        let calls = Calls()
        var handlers = EventHandlers()
        handlers.on(Self.pingType) { event, context in
            let ping = try event.decode(Ping.self)
            guard ping.run == key else { return }  // other tests' pings
            if ping.n == refused {
                calls.add()
                throw Unforeseen()
            }
            try await context.connection.query("INSERT INTO received (n) VALUES (\(ping.n))", logger: context.logger)
        }
        try await Self.consume(key: key, handled: count - 1, name: name, producer: producer, receivedColumns: "note text", maxAttempts: 3,
                               handlers: handlers) { _, parked, received in
            #expect(received == Array(0..<count).filter { $0 != refused }, "every other message once, in the partition's order")
            #expect(parked.count == 1)
            #expect(parked.first?.headers.string(DeadLetter.reasonCode) == "handler-failed")
            #expect(parked.first?.headers.string(DeadLetter.reason)?.contains("Unforeseen") == true)
            // Three tries alone (plus one inside the shared transaction that failed first, when it had one).
            #expect((3...4).contains(calls.value), "\(calls.value) calls")
        }
        await producer.shutdown()
    }

    @Test("a statement past OMNI_PG_STATEMENT_TIMEOUT_MS is cancelled by Postgres, and that is no transient error to retry for ever")
    func statementTimeout() async throws {
        let (name, _, producer) = try await Self.prepare("timeout")
        await producer.shutdown()
        try await TestStack.withDatabase(name, statementTimeout: .milliseconds(200)) { db in
            let started = ContinuousClock.now
            let error = await #expect(throws: PSQLError.self) {
                try await db.withTransaction { connection in
                    for try await _ in try await connection.query("SELECT pg_sleep(5)", logger: TestStack.logger) {}
                }
            }
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(error?.serverInfo?[.sqlState] == "57014")
            #expect(error?.isTransient == false)
            // A quick statement on the same pool still runs.
            var one = 0
            for try await value in try await db.client.query("SELECT 1").decode(Int.self) { one += value }
            #expect(one == 1)
        }
    }

    /// Pings 0..<count of one run on one key (one partition, in order); returns them.
    @discardableResult
    private static func publishPings(key: String, count: Int, producer: KafkaProducer) async throws -> [CloudEvent] {
        var events: [CloudEvent] = []
        for n in 0..<count {
            let event = try CloudEvent(type: Self.pingType, source: "/channels/test", subject: key, payload: Ping(run: key, n: n))
            try await producer.send(event.outgoingMessage(topic: Self.topic, key: key))
            events.append(event)
        }
        return events
    }

    /// A case's own schema, the broker's address, and a producer.
    private static func prepare(_ prefix: String) async throws -> (name: String, bootstrap: String, producer: KafkaProducer) {
        let name = TestStack.unique(prefix)
        try await TestStack.createServiceSchema(name)
        let bootstrap = try TestStack.bootstrap()
        return (name, bootstrap, try KafkaProducer(configuration: .init(kafka: .init(bootstrapServers: bootstrap, clientID: name)), logger: TestStack.logger))
    }

    /// Runs `handlers` in a consumer group of its own (8 messages per transaction) over a
    /// schema whose `received` table has `n` and `receivedColumns`, reading `<topic>.dlq`
    /// until `parked` messages of `key` are there and `handled` rows are in `received`;
    /// then `check` gets the database, those messages, and the rows' `n` in the order written.
    private static func consume(key: String, handled: Int, parked wanted: Int = 1, name: String, producer: KafkaProducer, receivedColumns: String,
                                maxAttempts: Int = 5, handlers: EventHandlers, check: (Database, [ConsumedMessage], [Int]) async throws -> Void) async throws {
        let bootstrap = try TestStack.bootstrap()
        try await TestStack.withDatabase(name) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing(), MigrationSet(component: "t", migrations: [
                Migration(version: 1, name: "received", sql: "CREATE TABLE received (position bigserial, n int, \(receivedColumns))"),
            ])])
            let consumer = try KafkaConsumer(configuration: .init(kafka: .init(bootstrapServers: bootstrap, clientID: name), groupID: name, topics: [Self.topic]), logger: TestStack.logger)
            var configuration = EventConsumer.Configuration(consumerName: name)
            configuration.messagesPerTransaction = 8
            configuration.maxAttemptsForUnexpectedErrors = maxAttempts
            let loop = EventConsumer(consumer: consumer, producer: producer, database: db, handlers: handlers, configuration: configuration, logger: TestStack.logger)
            let task = Task { try await loop.run() }
            defer { task.cancel() }
            let dlq = try KafkaConsumer(configuration: .init(kafka: .init(bootstrapServers: bootstrap, clientID: name + "-dlq"),
                                                             groupID: name + "-dlq", topics: [Topics.deadLetter(of: Self.topic)]), logger: TestStack.logger)
            var parked: [ConsumedMessage] = []
            var received: [Int] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while parked.count < wanted || received.count < handled, ContinuousClock.now < deadline {
                let batch = await withTaskGroup(of: [ConsumedMessage].self) { group in
                    group.addTask { await dlq.nextBatch(max: 100) }
                    group.addTask { try? await Task.sleep(for: .milliseconds(300)); return [] }
                    let first = await group.next() ?? []
                    group.cancelAll()
                    return first
                }
                for message in batch { dlq.storeOffset(message) }
                parked += batch.filter { $0.keyString == key }
                received = []
                for try await n in try await db.client.query("SELECT n FROM received WHERE n IS NOT NULL ORDER BY position").decode(Int.self) { received.append(n) }
            }
            await dlq.close()
            await consumer.close()
            try await check(db, parked, received)
        }
    }
}
