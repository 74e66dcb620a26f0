import CRdKafka
import DequeModule
import Foundation
import Logging
import ServiceLifecycle

/// A consumer-group member. A dedicated thread calls `rd_kafka_consumer_poll` and hands
/// messages to Swift through a bounded buffer (`messages`, an `AsyncSequence`); when the
/// buffer is full the thread pauses its partitions, so librdkafka's own queue bounds memory
/// while the group heartbeat goes on.
///
/// Offsets are manual: call `storeOffset(_:)` once a message's effects are committed;
/// stored offsets are committed every second, on revoke and on close. On revoke the
/// consumer drops buffered messages of the lost partitions and waits (bounded) for the
/// ones in flight, so a partition is never handled by two members at once in practice.
public final class KafkaConsumer: Service, Sendable {
    private let client: RdKafkaClient
    private let shared: ConsumerState
    private let logger: Logger

    public init(configuration: KafkaConsumerConfiguration, logger: Logger) throws {
        let shared = ConsumerState(capacity: configuration.bufferCapacity)
        let callbacks = RdKafkaClient.Callbacks(logger: logger)
        callbacks.rebalance = { rk, err, partitions in
            shared.rebalance(rk: rk, err: err, partitions: partitions, logger: logger)
        }
        self.client = try RdKafkaClient(kind: .consumer, properties: configuration.librdkafkaProperties, callbacks: callbacks)
        self.shared = shared
        self.logger = logger
        rd_kafka_poll_set_consumer(client.handle)
        let topics = Set(configuration.topics).makeRdList(partition: RD_KAFKA_PARTITION_UA)
        defer { rd_kafka_topic_partition_list_destroy(topics) }
        let err = rd_kafka_subscribe(client.handle, topics)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "subscribe") }
        startPollThread()
    }

    /// The messages, in order per partition. Ends when the consumer closes.
    public var messages: Messages { Messages(state: shared) }

    /// Waits for at least one message and returns up to `max` that are buffered.
    /// Empty means the consumer closed.
    public func nextBatch(max: Int) async -> [ConsumedMessage] {
        await shared.nextBatch(max: max)
    }

    /// Records that `message` is handled: its partition resumes after `offset + 1`.
    public func storeOffset(_ message: ConsumedMessage) {
        shared.finished(message)
        _ = try? client.withHandle { rk in
            let list = rd_kafka_topic_partition_list_new(1)!
            defer { rd_kafka_topic_partition_list_destroy(list) }
            rd_kafka_topic_partition_list_add(list, message.topic, message.partition)!.pointee.offset = message.offset + 1
            let err = rd_kafka_offsets_store(rk, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                // Happens when the partition was revoked meanwhile: its new owner re-reads it,
                // and the inbox makes that harmless.
                logger.debug("offset not stored", metadata: ["partition": "\(message.topicPartition)", "error": "\(KafkaError(err))"])
            }
        }
    }

    /// Gives a handed-out message back without storing its offset (the service is
    /// stopping): it is read again after a restart or by the partition's next owner.
    public func abandon(_ message: ConsumedMessage) { shared.finished(message) }

    /// True once `close()` or a graceful shutdown began.
    public var isClosing: Bool { shared.stopRequested }

    /// Messages behind the high watermark, per assigned partition (from librdkafka's
    /// cached watermarks: no broker round trip).
    public func lag() -> [TopicPartition: Int64] {
        let assigned = shared.currentAssignment
        guard !assigned.isEmpty else { return [:] }
        return (try? client.withHandle { rk -> [TopicPartition: Int64] in
            let list = assigned.makeRdList()
            defer { rd_kafka_topic_partition_list_destroy(list) }
            guard rd_kafka_position(rk, list) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
            var lags: [TopicPartition: Int64] = [:]
            for index in 0..<Int(list.pointee.cnt) {
                let element = list.pointee.elems[index]
                var low: Int64 = 0
                var high: Int64 = 0
                guard rd_kafka_get_watermark_offsets(rk, element.topic, element.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
                      high >= 0 else { continue }
                let position = element.offset >= 0 ? element.offset : low
                lags[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] = max(0, high - position)
            }
            return lags
        }) ?? [:]
    }

    /// Stops fetching a partition (e.g. while a transient error is retried).
    public func pause(_ partition: TopicPartition) { shared.setUserPaused(partition, paused: true, client: client) }
    public func resume(_ partition: TopicPartition) { shared.setUserPaused(partition, paused: false, client: client) }

    public var assignment: Set<TopicPartition> { shared.currentAssignment }

    /// Suspends until this member owns at least one partition (group join takes seconds).
    public func waitForAssignment(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while shared.currentAssignment.isEmpty {
            guard ContinuousClock.now < deadline else {
                throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, message: "no partition assigned within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Consumer errors seen by the poll thread (offset resets, broker errors), by code.
    public var errorCounts: [Int32: Int] { shared.errorCounts }

    /// Leaves the group: commits stored offsets and ends `messages`. Idempotent.
    public func close() async {
        shared.requestStop()
        await shared.waitUntilClosed()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await shared.waitUntilClosed()
        } onGracefulShutdown: { [shared] in
            shared.requestStop()
        }
    }

    // MARK: Poll thread

    private func startPollThread() {
        let thread = Thread { [client, shared, logger] in
            let rk = client.handle
            while !shared.stopRequested {
                shared.applyBackpressure(rk: rk)
                guard let message = rd_kafka_consumer_poll(rk, 100) else { continue }
                defer { rd_kafka_message_destroy(message) }
                if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    let error = KafkaError(message.pointee.err, context: "consume")
                    shared.recordError(error)
                    logger.error("consumer error", metadata: ["error": "\(error)"])
                    continue
                }
                shared.push(ConsumedMessage(copying: message))
            }
            let err = rd_kafka_consumer_close(rk)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("consumer close", metadata: ["error": "\(KafkaError(err))"])
            }
            client.destroy()
            shared.markClosed()
        }
        thread.name = "omni-kafka-consumer"
        thread.start()
    }

    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = ConsumedMessage
        let state: ConsumerState

        public struct AsyncIterator: AsyncIteratorProtocol {
            let state: ConsumerState
            var pending: Deque<ConsumedMessage> = []

            public mutating func next() async -> ConsumedMessage? {
                if pending.isEmpty { pending = Deque(await state.nextBatch(max: 64)) }
                return pending.popFirst()
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(state: state) }
    }
}

extension Set where Element == String {
    func makeRdList(partition: Int32) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(count))!
        for topic in self { rd_kafka_topic_partition_list_add(list, topic, partition) }
        return list
    }
}

extension ConsumedMessage {
    /// Copies everything out of librdkafka's message (which is destroyed right after).
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let m = message.pointee
        let topic = String(cString: rd_kafka_topic_name(m.rkt))
        let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
        let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        var headers: [KafkaHeader] = []
        var rdHeaders: OpaquePointer?
        if rd_kafka_message_headers(message, &rdHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let rdHeaders {
            var index = 0
            var name: UnsafePointer<CChar>?
            var bytes: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(rdHeaders, index, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let headerValue = bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(KafkaHeader(key: name.map { String(cString: $0) } ?? "", value: headerValue))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        self.init(
            topicPartition: TopicPartition(topic: topic, partition: m.partition),
            offset: m.offset, key: key, value: value, headers: headers, timestampMilliseconds: timestamp
        )
    }
}
