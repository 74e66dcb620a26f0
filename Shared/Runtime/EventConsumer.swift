import Foundation
import Logging
import Metrics
import OmniKafka
import OmniMessaging
import OmniPersistence
import PostgresNIO
import ServiceLifecycle

/// The consumer loop of DESIGN.md: decode → (inbox insert + handler + outbox writes in one
/// transaction) → store the offset. Partitions run in parallel, each in order; a
/// partition's consecutive messages share one transaction (PRACTICES.md: the biggest
/// lever for throughput), and a shared transaction that fails is done again one message
/// per transaction, so a bad message is retried or dead-lettered alone.
/// Undecodable bytes and unknown types go to `<topic>.dlq`; transient failures (database
/// or broker down) are retried with back-off while the partition is paused, never skipped.
public final class EventConsumer: Service, Sendable {
    public struct Configuration: Sendable {
        public var consumerName: String
        public var batchSize = 256
        /// At most this many messages of one partition share a transaction.
        public var messagesPerTransaction = 32
        /// A shared transaction waits this long for a row lock before it is done again one
        /// message at a time: two shared transactions can lock rows in opposite orders, and
        /// Postgres would take a full `deadlock_timeout` (1 s) to say so.
        public var sharedTransactionLockTimeout: Duration = .milliseconds(200)
        /// Unexpected SQL errors (a constraint a handler did not foresee) are retried this
        /// often before the message is dead-lettered.
        public var maxAttemptsForUnexpectedErrors = 5
        /// Topics where a type without a handler is skipped, not dead-lettered: another
        /// service's `*.events`, of which a consumer handles only what it needs.
        public var skipUnhandledTypesOn: Set<String> = []
        /// How many transactions may run at once (nil: one per partition in the poll batch).
        public var transactionsAtOnce: Int?
        public init(consumerName: String) { self.consumerName = consumerName }
    }

    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let database: Database
    private let handlers: EventHandlers
    private let configuration: Configuration
    private let logger: Logger
    private let slots: TransactionSlots?
    private let metrics = ConsumerMetrics()

    public init(consumer: KafkaConsumer, producer: KafkaProducer, database: Database, handlers: EventHandlers,
                configuration: Configuration, logger: Logger) {
        self.consumer = consumer
        self.producer = producer
        self.database = database
        self.handlers = handlers
        self.configuration = configuration
        self.logger = logger
        slots = configuration.transactionsAtOnce.map { TransactionSlots($0) }
    }

    /// A transaction, once `transactionsAtOnce` lets it run.
    private func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard let slots else { return try await database.withTransaction(body) }
        return try await slots.withSlot { try await database.withTransaction(body) }
    }

    public func run() async throws {
        let lagTask = Task { await reportLag() }
        defer { lagTask.cancel() }
        await withGracefulShutdownHandler {
            while true {
                let batch = await consumer.nextBatch(max: configuration.batchSize)
                if batch.isEmpty { break }
                await process(batch)
            }
        } onGracefulShutdown: { [consumer] in
            Task { await consumer.close() }
        }
        await consumer.close()
    }

    /// Handles one poll batch: per partition in order, partitions concurrently.
    func process(_ batch: [ConsumedMessage]) async {
        var byPartition: [TopicPartition: [ConsumedMessage]] = [:]
        for message in batch { byPartition[message.topicPartition, default: []].append(message) }
        await withTaskGroup(of: Void.self) { group in
            for (_, messages) in byPartition {
                group.addTask { await self.processInOrder(messages) }
            }
        }
    }

    private enum Outcome: String { case handled, duplicate, skipped, deadLettered = "dead_lettered", abandoned }

    /// A decoded message with its handler, or one that needs no transaction (skipped).
    private struct Pending {
        var message: ConsumedMessage
        var event: CloudEvent?
        var handler: EventHandler?
    }

    /// One partition's messages, in order: consecutive ones with a handler share a
    /// transaction; a message that must be dead-lettered waits for the ones before it.
    private func processInOrder(_ messages: [ConsumedMessage]) async {
        var run: [Pending] = []
        for message in messages {
            let event: CloudEvent
            do {
                event = try CloudEvent(message: message)
            } catch {
                await handleRun(run)
                run = []
                finish(message, outcome: await deadLetter(message, code: error.code, reason: error.description))
                continue
            }
            if let handler = handlers.byType[event.type] {
                // Nothing for this service to do (`EventHandlers.skip`): no transaction for it.
                run.append(handlers.isUnneeded(event) ? Pending(message: message) : Pending(message: message, event: event, handler: handler))
            } else if configuration.skipUnhandledTypesOn.contains(message.topic) {
                run.append(Pending(message: message))
            } else {
                await handleRun(run)
                run = []
                let outcome = await deadLetter(message, code: "unknown-type", reason: "no handler for ce_type \(event.type) in \(configuration.consumerName)")
                finish(message, outcome: outcome)
                continue
            }
            if run.count >= configuration.messagesPerTransaction {
                await handleRun(run)
                run = []
            }
        }
        await handleRun(run)
    }

    /// Handles `run` in one transaction; if that fails, one message per transaction (with
    /// retries and the dead-letter queue). Offsets are stored, in order, after the commit.
    private func handleRun(_ run: [Pending]) async {
        let handled = run.filter { $0.handler != nil }
        if handled.count > 1, let outcomes = await handleTogether(run) {
            for (pending, outcome) in zip(run, outcomes) { finish(pending.message, outcome: outcome) }
            return
        }
        for pending in run {
            if let event = pending.event, let handler = pending.handler {
                finish(pending.message, outcome: await handle(pending.message, event: event, handler: handler))
            } else {
                finish(pending.message, outcome: .skipped)
            }
        }
    }

    /// One transaction for the whole run; nil when it failed (nothing of it committed).
    private func handleTogether(_ run: [Pending]) async -> [Outcome]? {
        let consumerName = configuration.consumerName
        let logger = self.logger
        let batchHandlers = handlers.batchByType
        let lockTimeout = "\(Int(configuration.sharedTransactionLockTimeout / .milliseconds(1)))ms"
        let started = ContinuousClock.now
        do {
            let outcomes = try await transaction { connection in
                let decoded = run.compactMap { pending in pending.event.map { (event: $0, message: pending.message) } }
                var firstTime = try await Inbox.claim(consumer: consumerName, decoded, lockTimeout: lockTimeout, on: connection, logger: logger)
                var outcomes: [Outcome] = []
                // Consecutive events of a type with a batch handler, not handled yet.
                var batch: (handler: BatchEventHandler, events: [CloudEvent], message: ConsumedMessage)?
                func handleBatch() async throws {
                    guard let waiting = batch else { return }
                    batch = nil
                    try await waiting.handler(waiting.events, HandlerContext(connection: connection, message: waiting.message, logger: logger,
                                                                              sharesTransaction: true))
                }
                for pending in run {
                    guard let event = pending.event, let handler = pending.handler else {
                        outcomes.append(.skipped)
                        continue
                    }
                    // Removed once handled: a copy later in the run is a duplicate.
                    guard firstTime.remove(event.id) != nil else {
                        outcomes.append(.duplicate)
                        continue
                    }
                    outcomes.append(.handled)
                    if let batchHandler = batchHandlers[event.type] {
                        if batch?.events.first?.type == event.type {
                            batch?.events.append(event)
                        } else {
                            try await handleBatch()
                            batch = (batchHandler, [event], pending.message)
                        }
                        continue
                    }
                    try await handleBatch()
                    try await handler(event, HandlerContext(connection: connection, message: pending.message, logger: logger, sharesTransaction: true))
                }
                try await handleBatch()
                return outcomes
            }
            FaultPoints.hit("consumer.after-commit")
            let each = Int64((ContinuousClock.now - started) / .nanoseconds(1)) / Int64(run.count)
            for pending in run {
                guard let event = pending.event, pending.handler != nil else { continue }
                metrics.duration(type: event.type).recordNanoseconds(each)
            }
            return outcomes
        } catch {
            let reason = error is Rejection ? "rejected" : ErrorClass(error).label
            Counter(label: "omni_consumer_shared_transactions_split_total", dimensions: [("reason", reason)]).increment()
            logger.debug("shared transaction failed, handling one message at a time", metadata: [
                "messages": "\(run.count)", "error": "\(String(reflecting: error))",
            ])
            return nil
        }
    }

    private func finish(_ message: ConsumedMessage, outcome: Outcome) {
        metrics.consumed(topic: message.topic, outcome: outcome.rawValue).increment()
        if outcome == .abandoned {
            consumer.abandon(message)
        } else {
            consumer.storeOffset(message)
        }
    }

    /// One message in its own transaction, retried with back-off, dead-lettered when it can never succeed.
    private func handle(_ message: ConsumedMessage, event: CloudEvent, handler: @escaping EventHandler) async -> Outcome {
        var attempt = 0
        var paused = false
        defer { if paused { consumer.resume(message.topicPartition) } }
        while true {
            attempt += 1
            let started = ContinuousClock.now
            do {
                let consumerName = configuration.consumerName
                let logger = self.logger
                let firstTime = try await transaction { connection in
                    guard try await Inbox.claim(consumer: consumerName, event: event, message: message, on: connection, logger: logger) else {
                        return false
                    }
                    try await handler(event, HandlerContext(connection: connection, message: message, logger: logger))
                    return true
                }
                FaultPoints.hit("consumer.after-commit")
                metrics.duration(type: event.type).recordNanoseconds(Int64((ContinuousClock.now - started) / .nanoseconds(1)))
                return firstTime ? .handled : .duplicate
            } catch {
                switch ErrorClass(error) {
                case .permanent(let code):
                    return await deadLetter(message, code: code, reason: "\(error)")
                case .unexpected where attempt >= configuration.maxAttemptsForUnexpectedErrors:
                    return await deadLetter(message, code: "handler-failed", reason: String(reflecting: error))
                case .unexpected, .transient:
                    if !paused {
                        consumer.pause(message.topicPartition)
                        paused = true
                    }
                    logger.warning("handler failed, retrying", metadata: [
                        "type": "\(event.type)", "id": "\(event.id)", "attempt": "\(attempt)", "error": "\(String(reflecting: error))",
                    ])
                    guard await backOff(attempt: attempt) else { return .abandoned }
                }
            }
        }
    }

    /// Parks a message in `<topic>.dlq`, unchanged, with the reason and its origin in headers.
    /// Retries while the broker is away, until it is stored or the service stops. A record
    /// the broker refuses for good (too large, invalid) is parked as `DeadLetter.stub`
    /// instead: no payload, its size, origin and the refusal, so no partition blocks for ever.
    private func deadLetter(_ message: ConsumedMessage, code: String, reason: String) async -> Outcome {
        var record = DeadLetter.record(of: message, code: code, reason: reason, consumer: configuration.consumerName)
        var attempt = 0
        var stubbed = false
        while true {
            attempt += 1
            do {
                try await producer.send(record)
                logger.warning("message dead-lettered", metadata: [
                    "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)", "reason": "\(reason)",
                    "payload": "\(stubbed ? "left out" : "kept")",
                ])
                Counter(label: "omni_dlq_messages_total", dimensions: [("topic", message.topic), ("reason", code)]).increment()
                return .deadLettered
            } catch let error as KafkaError where error.refusesMessageForGood && !stubbed {
                logger.error("dead-letter record refused for good; parking it without its payload", metadata: ["error": "\(error)"])
                Counter(label: "omni_dlq_stubs_total", dimensions: [("topic", message.topic)]).increment()
                record = DeadLetter.stub(of: message, code: code, reason: reason, consumer: configuration.consumerName, refusal: error)
                stubbed = true
            } catch let error as KafkaError where error.refusesMessageForGood {
                // Not even the stub (a few hundred bytes) is taken: the topic itself is refused.
                // Logged with everything needed to find the message; the partition moves on.
                logger.critical("dead-letter stub refused for good; message skipped", metadata: [
                    "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)", "error": "\(error)",
                ])
                Counter(label: "omni_dlq_lost_total", dimensions: [("topic", message.topic)]).increment()
                return .deadLettered
            } catch {
                logger.error("dead-letter produce failed", metadata: ["error": "\(error)"])
                guard await backOff(attempt: attempt) else { return .abandoned }
            }
        }
    }

    /// Exponential back-off, 50 ms to 5 s. False when the service is stopping.
    private func backOff(attempt: Int) async -> Bool {
        let delay = Duration.milliseconds(min(5_000, 50 << min(attempt, 7)))
        do {
            try await Task.sleep(for: delay)
        } catch {
            return false
        }
        return !Task.isCancelled && !consumer.isClosing
    }

    /// Every second: how many partitions this replica owns; every 5 s: the lag per topic.
    private func reportLag() async {
        let assigned = Gauge(label: "omni_consumer_assigned_partitions", dimensions: [("group", configuration.consumerName)])
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            assigned.record(consumer.assignment.count)
            tick += 1
            guard tick % 5 == 0 else { continue }
            var byTopic: [String: Int64] = [:]
            for (partition, lag) in consumer.lag() { byTopic[partition.topic, default: 0] += lag }
            for (topic, lag) in byTopic {
                Gauge(label: "omni_consumer_lag", dimensions: [("topic", topic), ("group", configuration.consumerName)]).record(lag)
            }
        }
    }
}

/// Header names of a dead-lettered record (besides the original ones), and the records.
public enum DeadLetter {
    public static let reasonCode = "omni_dlq_reason_code"
    public static let reason = "omni_dlq_reason"
    public static let sourceTopic = "omni_dlq_topic"
    public static let sourcePartition = "omni_dlq_partition"
    public static let sourceOffset = "omni_dlq_offset"
    public static let consumer = "omni_dlq_consumer"
    public static let time = "omni_dlq_time"
    /// On a stub only: the payload's size in bytes, and why the full record was refused.
    public static let payloadSize = "omni_dlq_payload_size"
    public static let refusal = "omni_dlq_refused"

    /// A reason header is cut to this many bytes (an error's description can be long).
    static let maxReasonBytes = 4_096

    /// The message unchanged, its original headers first, then the dead-letter ones.
    public static func record(of message: ConsumedMessage, code: String, reason: String, consumer: String) -> OutgoingMessage {
        OutgoingMessage(topic: Topics.deadLetter(of: message.topic), key: message.key, value: message.value,
                        headers: message.headers + headers(of: message, code: code, reason: reason, consumer: consumer))
    }

    /// What is left when the broker refuses the record for good: no payload, the original
    /// CloudEvents id, type and source (cut short), the payload's size and the refusal.
    public static func stub(of message: ConsumedMessage, code: String, reason: String, consumer: String, refusal: KafkaError) -> OutgoingMessage {
        let kept = message.headers.filter { ["ce_id", "ce_type", "ce_source", "ce_specversion"].contains($0.key) }
            .map { KafkaHeader(key: $0.key, value: Array($0.value.prefix(256))) }
        let key = message.key.flatMap { $0.count <= 1_024 ? $0 : nil }
        return OutgoingMessage(topic: Topics.deadLetter(of: message.topic), key: key, value: [],
                               headers: kept + headers(of: message, code: code, reason: reason, consumer: consumer) + [
                                   KafkaHeader(key: payloadSize, string: String(message.value.count)),
                                   KafkaHeader(key: DeadLetter.refusal, string: cut(refusal.description)),
                               ])
    }

    /// At most `maxReasonBytes` of UTF-8 (a character cut in two becomes U+FFFD).
    static func cut(_ text: String) -> String { String(decoding: text.utf8.prefix(maxReasonBytes), as: UTF8.self) }

    private static func headers(of message: ConsumedMessage, code: String, reason: String, consumer: String) -> [KafkaHeader] {
        [
            KafkaHeader(key: reasonCode, string: code),
            KafkaHeader(key: DeadLetter.reason, string: cut(reason)),
            KafkaHeader(key: sourceTopic, string: message.topic),
            KafkaHeader(key: sourcePartition, string: String(message.partition)),
            KafkaHeader(key: sourceOffset, string: String(message.offset)),
            KafkaHeader(key: DeadLetter.consumer, string: consumer),
            KafkaHeader(key: time, string: Timestamp.format(Date())),
        ]
    }
}

/// How the consumer loop treats a failure.
enum ErrorClass {
    var label: String {
        switch self {
        case .permanent: "permanent"
        case .transient: "transient"
        case .unexpected: "unexpected"
        }
    }

    /// Will never succeed: dead-letter now.
    case permanent(code: String)
    /// The database or broker is away: retry for as long as it takes.
    case transient
    /// A SQL error the handler did not foresee: retry a few times, then dead-letter.
    case unexpected

    init(_ error: any Error) {
        switch error {
        case let error as EnvelopeError:
            self = .permanent(code: error.code)
        case let error as PermanentHandlerError:
            self = .permanent(code: error.code)
        case let error as PSQLError where error.isDataException:
            // A value Postgres can never take (a NUL in text, a number out of range): retrying changes nothing.
            self = .permanent(code: "invalid-data")
        case let error as PSQLError:
            self = error.isTransient ? .transient : .unexpected
        case let error as PostgresTransactionError:
            self = ErrorClass(error.underlying)
        case DatabaseError.connectionLost, is KafkaError, is CancellationError:
            self = .transient
        default:
            self = .unexpected
        }
    }
}
