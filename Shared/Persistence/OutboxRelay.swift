import Foundation
import Logging
import Metrics
import NIOCore
import OmniKafka
import OmniMessaging
import PostgresNIO
import ServiceLifecycle

/// Publishes committed outbox rows to Kafka, in sequence order, with the aggregate id as
/// key. A batch is claimed by deleting it, in a transaction that commits only once the
/// broker acknowledged every message: a failed or killed relay rolls back and the rows go
/// out again, and the consumers' inbox drops the duplicates. One relay at a time works a
/// schema (a transaction-scoped advisory lock), so several replicas never reorder a key.
/// A message the broker refuses for good (too large, malformed) is moved to
/// `outbox_parked` with the reason, so it does not hold back every row behind it.
public final class OutboxRelay: Service, Sendable {
    public struct Configuration: Sendable {
        public var batchSize = 500
        /// Polling backs up LISTEN/NOTIFY (a lost notification, a relay that restarted).
        public var pollInterval: Duration = .milliseconds(500)
        public init() {}
    }

    private let database: Database
    private let producer: KafkaProducer
    private let configuration: Configuration
    private let logger: Logger
    private let ready: @Sendable () async -> Void
    private let published = Counter(label: "omni_outbox_published_total")
    private let failures = Counter(label: "omni_outbox_publish_failures_total")
    private let backlog = Gauge(label: "omni_outbox_backlog")
    private let parkedTotal = Counter(label: "omni_outbox_parked_total")
    private let parkedNow = Gauge(label: "omni_outbox_parked")

    /// `ready` is awaited before the first batch (the outbox table must exist).
    public init(database: Database, producer: KafkaProducer, configuration: Configuration = .init(), logger: Logger,
                ready: @escaping @Sendable () async -> Void = {}) {
        self.database = database
        self.producer = producer
        self.configuration = configuration
        self.logger = logger
        self.ready = ready
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.ready() }
        guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listen(wake: wake) }
                group.addTask { await self.tick(wake: wake) }
                wake.yield()
                for await _ in wakeups { await drain() }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            wake.finish()
        }
        logger.info("outbox relay stopped")
    }

    /// Publishes batches until the outbox is empty (or another replica holds the lock);
    /// stops retrying when the service stops (what is left goes out at the next start).
    func drain() async {
        var backoff: Duration = .milliseconds(100)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                let count = try await publishBatch()
                backoff = .milliseconds(100)
                if count < configuration.batchSize { return }
            } catch {
                logger.warning("outbox relay batch failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    /// Claims (deletes), publishes and commits one batch in one transaction. Returns its size.
    public func publishBatch() async throws -> Int {
        let logger = self.logger
        let lockKey = "omni.outbox-relay." + database.schema
        let limit = configuration.batchSize
        do {
            return try await database.withTransaction { [producer, failures, published] connection in
                // One statement: the replica lock and the claim. `= ANY(ARRAY(…))`, not `IN (…)`:
                // the prepared statement's generic plan, not knowing the limit, turned `IN`
                // into a hash join over the whole table.
                let rows = try await connection.run("""
                    WITH relay AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(hashtext(\(lockKey))) AS locked)
                    DELETE FROM outbox WHERE sequence = ANY(ARRAY(
                        SELECT o.sequence FROM outbox o, relay WHERE relay.locked ORDER BY o.sequence LIMIT \(limit)))
                    RETURNING sequence, id, topic, message_key, type, source, event_time, subject, content_type,
                              correlation_id, causation_id, channel, traceparent, payload
                    """, logger: logger)
                var claimed: [(sequence: Int64, id: UUID, message: OutgoingMessage)] = []
                for try await row in rows {
                    let (sequence, id, topic, key, type, source, time, subject, contentType, correlation, causation, channel, traceparent, payload) =
                        try row.decode((Int64, UUID, String, String, String, String, String, String?, String, String?, String?, String?, String?, ByteBuffer).self)
                    let attributes = CloudEvent.Attributes(id: id.uuidString.lowercased(), type: type, source: source, time: time, subject: subject,
                                                           contentType: contentType, correlationID: correlation, causationID: causation,
                                                           channel: channel, traceparent: traceparent)
                    claimed.append((sequence, id, OutgoingMessage(topic: topic, key: key, value: Array(buffer: payload), headers: attributes.kafkaHeaders)))
                }
                // RETURNING follows no order: publish in the outbox's.
                claimed.sort { $0.sequence < $1.sequence }
                let ids = claimed.map(\.id), messages = claimed.map(\.message)
                guard !messages.isEmpty else { return 0 }
                let results = try await producer.send(messages)
                FaultPoints.hit("relay.after-publish")
                let failed = zip(ids, results).compactMap { id, result -> FailedDelivery? in
                    guard case .failure(let error) = result else { return nil }
                    return FailedDelivery(id: id, error: error.description, refusedForGood: error.refusesMessageForGood)
                }
                guard failed.isEmpty else {
                    failures.increment(by: failed.count)
                    // Every row of the batch goes back, so a key's messages stay in order.
                    throw RelayError.someDeliveriesFailed(failed)
                }
                published.increment(by: messages.count)
                return messages.count
            }
        } catch RelayError.someDeliveriesFailed(let failed) {
            // The batch rolled back; note on each failed row why, for whoever looks at a stuck outbox.
            try await database.query("""
                UPDATE outbox AS o SET attempts = o.attempts + 1, last_error = f.error
                FROM unnest(\(failed.map(\.id)), \(failed.map(\.error))) AS f (id, error) WHERE o.id = f.id
                """)
            let refused = failed.filter(\.refusedForGood)
            guard refused.count == failed.count else { throw RelayError.someDeliveriesFailed(failed) }
            // Only refusals: park them, and the batch goes out again without them (what was
            // published of it is sent twice; the inbox drops the copies).
            try await park(refused)
            return try await publishBatch()
        }
    }

    /// Moves refused rows from the outbox to `outbox_parked`, with the reason, in one statement.
    private func park(_ refused: [FailedDelivery]) async throws {
        let rows = try await database.query("""
            WITH parked AS (
                DELETE FROM outbox AS o USING unnest(\(refused.map(\.id)), \(refused.map(\.error))) AS f (id, error)
                WHERE o.id = f.id
                RETURNING o.*, f.error
            )
            INSERT INTO outbox_parked (id, sequence, topic, message_key, type, source, event_time, subject, content_type, correlation_id,
                                       causation_id, channel, traceparent, payload, created_at, attempts, last_error)
            SELECT id, sequence, topic, message_key, type, source, event_time, subject, content_type, correlation_id,
                   causation_id, channel, traceparent, payload, created_at, attempts, error FROM parked
            RETURNING id, type, topic, message_key, last_error
            """)
        for (id, type, topic, key, error) in try rows.decode((UUID, String, String, String, String).self) {
            parkedTotal.increment()
            logger.error("outbox message refused by the broker for good: parked in outbox_parked", metadata: [
                "id": "\(id)", "type": "\(type)", "topic": "\(topic)", "key": "\(key)", "error": "\(error)",
            ])
        }
    }

    /// LISTEN on `<schema>_outbox`; reconnects when the connection drops.
    private func listen(wake: AsyncStream<Void>.Continuation) async {
        let channel = database.schema + "_outbox"
        while !Task.isCancelled {
            do {
                try await database.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        for try await _ in notifications { wake.yield() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("outbox listener reconnecting", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// The polling backup, and the backlog gauge.
    private func tick(wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.pollInterval)
            wake.yield()
            if let (waiting, parked) = try? await database.query("SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM outbox_parked)")
                .decode((Int, Int).self).first {
                backlog.record(waiting)
                parkedNow.record(parked)
            }
        }
    }
}

struct FailedDelivery: Sendable {
    var id: UUID
    var error: String
    /// The broker will never take it as it is (see `KafkaError.refusesMessageForGood`).
    var refusedForGood: Bool
}

enum RelayError: Error {
    case someDeliveriesFailed([FailedDelivery])
}
