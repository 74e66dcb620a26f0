import Foundation
import Logging
import Metrics
import NIOCore
import OmniKafka
import OmniMessaging
import PostgresNIO
import ServiceLifecycle

/// Publishes committed outbox rows to Kafka, in sequence order, with the aggregate id as
/// key, and stamps them once the broker acknowledged. One relay at a time works a schema
/// (a transaction-scoped advisory lock), so several replicas never reorder a key; a relay
/// killed between publishing and stamping republishes on restart, and the consumers'
/// inbox drops the duplicates.
public final class OutboxRelay: Service, Sendable {
    public struct Configuration: Sendable {
        public var batchSize = 500
        /// Polling backs up LISTEN/NOTIFY (a lost notification, a relay that restarted).
        public var pollInterval: Duration = .milliseconds(500)
        /// Published rows older than this are purged.
        public var retention: Duration = .seconds(3600)
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
                var lastPurge = ContinuousClock.now
                for await _ in wakeups {
                    await drain()
                    if ContinuousClock.now - lastPurge > .seconds(60) {
                        lastPurge = .now
                        await purge()
                    }
                }
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

    /// Claims, publishes and stamps one batch in one transaction. Returns its size.
    public func publishBatch() async throws -> Int {
        let logger = self.logger
        let lockKey = "omni.outbox-relay." + database.schema
        let limit = configuration.batchSize
        return try await database.withTransaction { [producer, failures, published] connection in
            let locked = try await connection.run("SELECT pg_try_advisory_xact_lock(hashtext(\(lockKey)))", logger: logger)
                .decode(Bool.self).first { _ in true } ?? false
            guard locked else { return 0 }
            var ids: [UUID] = []
            var messages: [OutgoingMessage] = []
            // Postgres splits the headers (jsonb_each_text): no JSON decoding here.
            let rows = try await connection.run("""
                SELECT o.id, o.topic, o.message_key, h.names, h.values, o.payload FROM outbox o
                CROSS JOIN LATERAL (
                    SELECT COALESCE(array_agg(key ORDER BY key), '{}') AS names, COALESCE(array_agg(value ORDER BY key), '{}') AS values
                    FROM jsonb_each_text(o.headers)) h
                WHERE o.published_at IS NULL ORDER BY o.sequence LIMIT \(limit) FOR UPDATE OF o
                """, logger: logger)
            for try await (id, topic, key, names, values, payload) in rows.decode((UUID, String, String, [String], [String], ByteBuffer).self) {
                let headers = zip(names, values).map { KafkaHeader(key: $0, string: $1) }
                ids.append(id)
                messages.append(OutgoingMessage(topic: topic, key: key, value: Array(buffer: payload), headers: headers))
            }
            guard !messages.isEmpty else { return 0 }
            let results = try await producer.send(messages)
            FaultPoints.hit("relay.after-publish")
            var delivered: [UUID] = []
            for (id, result) in zip(ids, results) {
                switch result {
                case .success: delivered.append(id)
                case .failure(let error):
                    failures.increment()
                    try await connection.run(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = \(error.description) WHERE id = \(id)",
                        logger: logger)
                }
            }
            try await connection.run(
                "UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY(\(delivered))", logger: logger)
            published.increment(by: delivered.count)
            if delivered.count < ids.count { throw RelayError.someDeliveriesFailed(ids.count - delivered.count) }
            return messages.count
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
            if let count = try? await database.query("SELECT count(*) FROM outbox WHERE published_at IS NULL").decode(Int.self).first {
                backlog.record(count)
            }
        }
    }

    private func purge() async {
        let seconds = Int(configuration.retention.components.seconds)
        do {
            try await database.query(
                "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => \(seconds))")
        } catch {
            logger.warning("outbox purge failed", metadata: ["error": "\(error)"])
        }
    }
}

enum RelayError: Error {
    case someDeliveriesFailed(Int)
}
