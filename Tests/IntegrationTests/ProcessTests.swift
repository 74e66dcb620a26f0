import Foundation
import OmniMessaging
import OmniPersistence
import PostgresNIO
import Testing

/// The delivery guarantees with real processes: `omni-probe` runs the services' runtime
/// (relay, consumer loop, inbox) and is killed with SIGKILL at the worst moments by its
/// fault points, or runs as two replicas of one consumer group. Each test has a dev broker
/// of its own, so a consumer that starts from the beginning sees only that test's events.
@Suite("Delivery guarantees across real processes (kill -9, replicas)")
struct ProcessTests {
    static let topic = "omni.probe"
    static let pingType = "omni.probe.Ping.v1"
    struct Ping: Codable { var run: String; var n: Int }

    /// Commits pings `range` into `schema`'s outbox, one business transaction each.
    static func commitPings(_ schema: String, run: String, _ range: Range<Int>) async throws {
        try await TestStack.withDatabase(schema) { db in
            try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()])
            for n in range {
                let key = "key-\(n % 24)"
                try await db.withTransaction { connection in
                    let event = try CloudEvent(type: pingType, source: "/services/\(schema)", subject: key, payload: Ping(run: run, n: n), correlationID: run)
                    try await Outbox.append(event, topic: topic, key: key, on: connection, logger: db.logger)
                }
            }
        }
    }

    struct Tally: Equatable { var handled: Int; var distinct: Int; var processes: Int }

    /// What the receiver schema recorded for `run`.
    static func tally(_ schema: String, run: String) async throws -> Tally {
        try await TestStack.withAdmin { admin in
            let exists = try await admin.query("SELECT to_regclass(\(schema + ".received"))::text").decode(String?.self).first { _ in true } ?? nil
            guard exists != nil else { return Tally(handled: 0, distinct: 0, processes: 0) }
            let row = try await admin.query(PostgresQuery(unsafeSQL: """
                SELECT count(*), count(DISTINCT n), count(DISTINCT handled_by) FROM \(schema).received WHERE run = '\(run)'
                """)).decode((Int, Int, Int).self).first { _ in true }
            return Tally(handled: row?.0 ?? 0, distinct: row?.1 ?? 0, processes: row?.2 ?? 0)
        }
    }

    static func unpublished(_ schema: String) async throws -> Int {
        try await TestStack.withAdmin { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(schema).outbox"))
                .decode(Int.self).first { _ in true } ?? -1
        }
    }

    /// Polls until `count` distinct pings were handled, then waits a little longer so any
    /// duplicate would land too.
    static func waitForAll(_ schema: String, run: String, count: Int, timeout: Duration = .seconds(90)) async throws -> Tally {
        let deadline = ContinuousClock.now + timeout
        var tally = try await Self.tally(schema, run: run)
        while tally.distinct < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            tally = try await Self.tally(schema, run: run)
        }
        try await Task.sleep(for: .seconds(1))
        return try await Self.tally(schema, run: run)
    }

    static func probe(_ name: String, schema: String, broker: DevBrokerProcess, _ environment: [String: String] = [:]) throws -> ServiceProcess {
        try ServiceProcess("omni-probe", name: name, schema: schema, bootstrap: broker.bootstrap,
                           environment: ["OMNI_SERVICE_NAME": schema, "OMNI_CONSUMER_GROUP": "omni-\(schema)"].merging(environment) { $1 })
    }

    @Test("a consumer killed between its commit and its offset commit handles every event exactly once after restart")
    func consumerKilledAfterCommit() async throws {
        let sender = TestStack.unique("psend"), receiver = TestStack.unique("precv"), run = UUID().uuidString
        let broker = try await DevBrokerProcess(extraTopics: [Self.topic])
        try await TestStack.createServiceSchema(sender)
        try await TestStack.createServiceSchema(receiver)
        let count = 60
        try await Self.commitPings(sender, run: run, 0..<count)

        let relay = try Self.probe("\(sender)-relay", schema: sender, broker: broker, ["OMNI_PROBE_CONSUME": "0"])
        // One message per transaction, so the 10th commit is the 10th message whatever the
        // poll batches (shared transactions would reach it only after all 60).
        let doomed = try Self.probe("\(receiver)-a", schema: receiver, broker: broker,
                                    ["OMNI_FAULT_POINTS": "consumer.after-commit@10", "OMNI_CONSUMER_MESSAGES_PER_TRANSACTION": "1"])
        _ = await doomed.waitForExit(timeout: .seconds(90))
        #expect(doomed.wasKilled, "the fault point should have SIGKILLed the consumer")
        let atKill = try await Self.tally(receiver, run: run)
        #expect(atKill.handled >= 10 && atKill.handled < count, "killed mid-stream: \(atKill)")

        let survivor = try Self.probe("\(receiver)-b", schema: receiver, broker: broker)
        let tally = try await Self.waitForAll(receiver, run: run, count: count)
        #expect(tally == Tally(handled: count, distinct: count, processes: 2), "each event handled once across the two lives")
        // The event committed just before the kill had no stored offset: it came back and the inbox dropped it.
        try await survivor.waitUntilReady()
        let duplicates = try await survivor.metric("omni_messages_consumed_total", labels: ["outcome=\"duplicate\""])
        #expect(duplicates >= 1, "the redelivered event was recognised as a duplicate")
        #expect(await survivor.terminate() == 0)
        #expect(await relay.terminate() == 0)
    }

    @Test("a relay killed between publishing and committing its claim republishes, and the consumer's inbox drops the copies")
    func relayKilledAfterPublish() async throws {
        let sender = TestStack.unique("psend"), receiver = TestStack.unique("precv"), run = UUID().uuidString
        let broker = try await DevBrokerProcess(extraTopics: [Self.topic])
        try await TestStack.createServiceSchema(sender)
        try await TestStack.createServiceSchema(receiver)
        let count = 40
        try await Self.commitPings(sender, run: run, 0..<count)

        let consumer = try Self.probe("\(receiver)-consumer", schema: receiver, broker: broker)
        try await consumer.waitUntilReady()
        let doomed = try Self.probe("\(sender)-relay-a", schema: sender, broker: broker, ["OMNI_PROBE_CONSUME": "0", "OMNI_FAULT_POINTS": "relay.after-publish"])
        _ = await doomed.waitForExit(timeout: .seconds(60))
        #expect(doomed.wasKilled, "the fault point should have SIGKILLed the relay")
        #expect(try await Self.unpublished(sender) == count, "published, but the claim never committed")

        let relay = try Self.probe("\(sender)-relay-b", schema: sender, broker: broker, ["OMNI_PROBE_CONSUME": "0"])
        let tally = try await Self.waitForAll(receiver, run: run, count: count)
        #expect(tally == Tally(handled: count, distinct: count, processes: 1))
        #expect(try await Self.unpublished(sender) == 0)
        let duplicates = try await consumer.metric("omni_messages_consumed_total", labels: ["outcome=\"duplicate\""])
        #expect(duplicates >= 1, "the first relay's copies reached the consumer and were dropped")
        #expect(await relay.terminate() == 0)
        #expect(await consumer.terminate() == 0)
    }

    @Test("two replicas of one service share the partitions and together handle every event once")
    func twoReplicasShareTheWork() async throws {
        let sender = TestStack.unique("psend"), receiver = TestStack.unique("precv"), run = UUID().uuidString
        let broker = try await DevBrokerProcess(extraTopics: [Self.topic])
        try await TestStack.createServiceSchema(sender)
        try await TestStack.createServiceSchema(receiver)
        let relay = try Self.probe("\(sender)-relay", schema: sender, broker: broker, ["OMNI_PROBE_CONSUME": "0"])
        let first = try Self.probe("\(receiver)-r1", schema: receiver, broker: broker)
        let second = try Self.probe("\(receiver)-r2", schema: receiver, broker: broker)
        try await first.waitUntilReady()
        try await second.waitUntilReady()

        // Waves of events while the group rebalances, until both replicas have handled some.
        var sent = 0
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            try await Self.commitPings(sender, run: run, sent..<(sent + 48))
            sent += 48
            try await Task.sleep(for: .milliseconds(500))
            if try await Self.tally(receiver, run: run).processes == 2 { break }
        }
        try await Self.commitPings(sender, run: run, sent..<(sent + 96))
        sent += 96
        let tally = try await Self.waitForAll(receiver, run: run, count: sent)
        #expect(tally == Tally(handled: sent, distinct: sent, processes: 2))
        #expect(await first.terminate() == 0)
        #expect(await second.terminate() == 0)
        #expect(await relay.terminate() == 0)
    }
}
