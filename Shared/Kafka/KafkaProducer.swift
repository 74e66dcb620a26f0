import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// An idempotent Kafka producer whose `send` never blocks the caller: it enqueues into
/// librdkafka and suspends until the delivery reports arrive. A dedicated thread serves
/// librdkafka's event queue, so no C wait runs on Swift's cooperative pool.
///
/// Run it as a `Service`: on graceful shutdown it flushes what is queued and closes.
public final class KafkaProducer: Service, Sendable {
    private let client: RdKafkaClient
    private let logger: Logger
    private let running = Atomic<Bool>(true)
    private let pollThread = Mutex(PollThreadState.running)

    private enum PollThreadState {
        case running
        case awaitedBy(CheckedContinuation<Void, Never>)
        case finished
    }

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
        self.logger = logger
        self.client = try RdKafkaClient(
            kind: .producer,
            properties: configuration.librdkafkaProperties,
            callbacks: RdKafkaClient.Callbacks(logger: logger)
        )
        startPollThread()
    }

    /// Produces one message and waits for its delivery report.
    @discardableResult
    public func send(_ message: OutgoingMessage) async throws -> DeliveryReport {
        try await send([message])[0].get()
    }

    /// Produces a batch and waits for every delivery report. Messages of one key stay in
    /// order (idempotent producer, one partition per key). Results are in input order.
    public func send(_ messages: [OutgoingMessage]) async throws -> [Result<DeliveryReport, KafkaError>] {
        guard !messages.isEmpty else { return [] }
        let batch = DeliveryBatch(count: messages.count)
        for (index, message) in messages.enumerated() {
            try await enqueue(message, token: DeliveryToken(batch: batch, index: index))
        }
        return await batch.results()
    }

    /// Enqueues into librdkafka; a full local queue is waited out asynchronously.
    private func enqueue(_ message: OutgoingMessage, token: DeliveryToken) async throws {
        var backoff: Duration = .milliseconds(1)
        while true {
            let opaque = Unmanaged.passRetained(token).toOpaque()
            let err: rd_kafka_resp_err_t
            do {
                err = try client.withHandle { rk in Self.produce(rk, message, opaque: opaque) }
            } catch {
                Unmanaged<DeliveryToken>.fromOpaque(opaque).release()
                throw error
            }
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            Unmanaged<DeliveryToken>.fromOpaque(opaque).release()
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .milliseconds(100))
                continue
            }
            // Permanent for this message (unknown topic, too large...): report it in place.
            token.batch.complete(index: token.index, with: .failure(KafkaError(err, context: "produce to \(message.topic)")))
            return
        }
    }

    private static func produce(_ rk: OpaquePointer, _ message: OutgoingMessage, opaque: UnsafeMutableRawPointer) -> rd_kafka_resp_err_t {
        let headers = rd_kafka_headers_new(message.headers.count)!
        for header in message.headers {
            header.value.withUnsafeBytes { bytes in
                _ = rd_kafka_header_add(headers, header.key, -1, bytes.baseAddress, bytes.count)
            }
        }
        let key = message.key ?? []
        let err: rd_kafka_resp_err_t = message.topic.withCString { topic in
            key.withUnsafeBytes { keyBytes in
                message.value.withUnsafeBytes { valueBytes in
                    var values = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 7)
                    values[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    values[0].u.cstr = topic
                    values[1].vtype = RD_KAFKA_VTYPE_VALUE
                    values[1].u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBytes.baseAddress)
                    values[1].u.mem.size = valueBytes.count
                    values[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    values[2].u.i = RD_KAFKA_MSG_F_COPY
                    values[3].vtype = RD_KAFKA_VTYPE_OPAQUE
                    values[3].u.ptr = opaque
                    values[4].vtype = RD_KAFKA_VTYPE_HEADERS
                    values[4].u.headers = headers
                    values[5].vtype = RD_KAFKA_VTYPE_PARTITION
                    values[5].u.i32 = message.partition ?? RD_KAFKA_PARTITION_UA
                    var count = 6
                    if message.key != nil {
                        values[6].vtype = RD_KAFKA_VTYPE_KEY
                        values[6].u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
                        values[6].u.mem.size = keyBytes.count
                        count = 7
                    }
                    guard let error = rd_kafka_produceva(rk, values, count) else { return RD_KAFKA_RESP_ERR_NO_ERROR }
                    let code = rd_kafka_error_code(error)
                    rd_kafka_error_destroy(error)
                    return code
                }
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { rd_kafka_headers_destroy(headers) }
        return err
    }

    // MARK: Delivery reports

    private func startPollThread() {
        let client = self.client
        let thread = Thread { [self] in
            let queue = rd_kafka_queue_get_main(client.handle)
            while running.load(ordering: .relaxed) {
                guard let event = rd_kafka_queue_poll(queue, 100) else { continue }
                Self.handle(event: event, logger: logger)
                rd_kafka_event_destroy(event)
            }
            rd_kafka_queue_destroy(queue)
            let waiter = pollThread.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state = .finished }
                if case .awaitedBy(let continuation) = state { return continuation }
                return nil
            }
            waiter?.resume()
        }
        thread.name = "omni-kafka-producer"
        thread.start()
    }

    private static func handle(event: OpaquePointer, logger: Logger) {
        switch rd_kafka_event_type(event) {
        case Int32(RD_KAFKA_EVENT_DR):
            while let message = rd_kafka_event_message_next(event) {
                guard let opaque = message.pointee._private else { continue }
                let token = Unmanaged<DeliveryToken>.fromOpaque(opaque).takeRetainedValue()
                let result: Result<DeliveryReport, KafkaError>
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    let topic = String(cString: rd_kafka_topic_name(message.pointee.rkt))
                    result = .success(DeliveryReport(
                        topicPartition: TopicPartition(topic: topic, partition: message.pointee.partition),
                        offset: message.pointee.offset
                    ))
                } else {
                    result = .failure(KafkaError(message.pointee.err, context: "delivery"))
                }
                token.batch.complete(index: token.index, with: result)
            }
        default:
            break
        }
    }

    // MARK: Lifecycle

    /// Waits until every queued message is delivered or failed (bounded by `timeout`).
    public func flush(timeout: Duration = .seconds(10)) async throws {
        let client = self.client
        let milliseconds = timeout.librdkafkaMilliseconds
        let err = try await runBlocking(name: "omni-kafka-flush") {
            try client.withHandle { rd_kafka_flush($0, milliseconds) }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, context: "flush") }
    }

    /// Flushes, stops the poll thread and destroys the handle. Idempotent.
    public func shutdown() async {
        guard running.load(ordering: .sequentiallyConsistent) else { return }
        do { try await flush() } catch { logger.warning("producer flush failed", metadata: ["error": "\(error)"]) }
        running.store(false, ordering: .sequentiallyConsistent)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyDone = pollThread.withLock { state -> Bool in
                if case .finished = state { return true }
                state = .awaitedBy(continuation)
                return false
            }
            if alreadyDone { continuation.resume() }
        }
        client.destroy()
    }

    public func run() async throws {
        // Serve until the group shuts down (or cancels us), then flush and close.
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Broker reachability: asks for cluster metadata within `timeout`.
    public func isBrokerReachable(timeout: Duration = .seconds(2)) async -> Bool {
        (try? await topicPartitionCounts(timeout: timeout)) != nil
    }

    /// Topics and their partition counts, as the cluster reports them.
    public func topicPartitionCounts(timeout: Duration = .seconds(5)) async throws -> [String: Int] {
        let client = self.client
        let milliseconds = timeout.librdkafkaMilliseconds
        return try await runBlocking(name: "omni-kafka-metadata") {
            try client.topicPartitionCounts(timeoutMilliseconds: milliseconds)
        }
    }
}

extension Duration {
    /// Whole milliseconds, as librdkafka's timeouts take them.
    var librdkafkaMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        return Int32(clamping: seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }
}

/// The delivery reports of one `send` call, filled in by the poll thread.
private final class DeliveryBatch: Sendable {
    private struct State {
        var results: [Result<DeliveryReport, KafkaError>?]
        var remaining: Int
        var waiter: CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>?
    }
    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count, waiter: nil))
    }

    func complete(index: Int, with result: Result<DeliveryReport, KafkaError>) {
        let finished: (CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>, [Result<DeliveryReport, KafkaError>])? = state.withLock { state in
            guard state.results[index] == nil else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.results.map { $0! })
        }
        if let (waiter, results) = finished { waiter.resume(returning: results) }
    }

    func results() async -> [Result<DeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready: [Result<DeliveryReport, KafkaError>]? = state.withLock { state in
                if state.remaining == 0 { return state.results.map { $0! } }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// Travels through librdkafka as the message's opaque pointer (retained once per enqueue).
private final class DeliveryToken: Sendable {
    let batch: DeliveryBatch
    let index: Int
    init(batch: DeliveryBatch, index: Int) {
        self.batch = batch
        self.index = index
    }
}
