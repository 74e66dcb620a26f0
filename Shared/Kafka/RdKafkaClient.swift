import CRdKafka
import Foundation
import Logging

/// Owns one `rd_kafka_t` handle. Every librdkafka call the module makes goes through this
/// type, so handle lifetime and thread rules live in one place: C calls from other threads
/// take `lock` and check `isOpen`; `destroy()` happens under the same lock.
final class RdKafkaClient: @unchecked Sendable {
    enum Kind { case producer, consumer }

    /// Passed to librdkafka as the handle's opaque pointer; its callbacks find us through it.
    final class Callbacks: @unchecked Sendable {
        let logger: Logger
        /// Called on the poll thread with the handle, the event and the partitions.
        var rebalance: ((OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?

        init(logger: Logger) { self.logger = logger }
    }

    let handle: OpaquePointer
    let callbacks: Callbacks
    private let lock = NSLock()
    private var isOpen = true

    init(kind: Kind, properties: [String: String], callbacks: Callbacks) throws {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError.configuration("rd_kafka_conf_new failed") }
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError.configuration("\(key)=\(value): \(Self.text(errorText))")
            }
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbacks).toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdLogCallback)
        rd_kafka_conf_set_error_cb(conf, rdErrorCallback)
        if kind == .producer {
            rd_kafka_conf_set_events(conf, Int32(RD_KAFKA_EVENT_DR))
        } else if callbacks.rebalance != nil {
            rd_kafka_conf_set_rebalance_cb(conf, rdRebalanceCallback)
        }
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.configuration(Self.text(errorText))
        }
        self.handle = handle
        self.callbacks = callbacks
    }

    /// librdkafka's NUL-terminated error text.
    private static func text(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Runs `body` with the handle unless the client was destroyed.
    func withHandle<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard isOpen else { throw KafkaError.closed }
        return try body(handle)
    }

    /// Destroys the handle once; later calls through `withHandle` throw `closed`.
    func destroy() {
        lock.lock()
        defer { lock.unlock() }
        guard isOpen else { return }
        isOpen = false
        rd_kafka_destroy(handle)
    }

    deinit { destroy() }

    // MARK: Metadata

    /// Asks the cluster for metadata: proves a broker answers. Blocks, so callers run it
    /// on a dedicated thread (`runBlocking`).
    func topicPartitionCounts(timeoutMilliseconds: Int32) throws -> [String: Int] {
        try withHandle { rk in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let err = rd_kafka_metadata(rk, 1, nil, &metadata, timeoutMilliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(err, context: "metadata") }
            defer { rd_kafka_metadata_destroy(metadata) }
            var counts: [String: Int] = [:]
            for index in 0..<Int(metadata.pointee.topic_cnt) {
                let topic = metadata.pointee.topics[index]
                if topic.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    counts[String(cString: topic.topic)] = Int(topic.partition_cnt)
                }
            }
            return counts
        }
    }
}

// MARK: - Partition lists

extension Set where Element == TopicPartition {
    /// Builds a librdkafka partition list (caller destroys it).
    func makeRdList() -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(count))!
        for tp in self { rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition) }
        return list
    }

    init(rdList list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        var result = Set<TopicPartition>()
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            result.insert(TopicPartition(topic: String(cString: element.topic), partition: element.partition))
        }
        self = result
    }
}

// MARK: - C callbacks (no captures: they find their context through the opaque pointer)

private func callbacks(of rk: OpaquePointer?) -> RdKafkaClient.Callbacks? {
    guard let rk, let opaque = rd_kafka_opaque(rk) else { return nil }
    return Unmanaged<RdKafkaClient.Callbacks>.fromOpaque(opaque).takeUnretainedValue()
}

private let rdLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, facility, text in
    guard let context = callbacks(of: rk) else { return }
    let message = text.map { String(cString: $0) } ?? ""
    let facilityName = facility.map { String(cString: $0) } ?? ""
    // syslog levels: 0-3 error, 4 warning, 5-6 info/notice, 7 debug.
    let logLevel: Logger.Level = level <= 3 ? .error : level == 4 ? .warning : level <= 6 ? .info : .debug
    context.logger.log(level: logLevel, "\(message)", metadata: ["librdkafka.facility": "\(facilityName)"])
}

private let rdErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, code, reason, _ in
    guard let context = callbacks(of: rk) else { return }
    let error = KafkaError(code: code, message: reason.map { String(cString: $0) } ?? "")
    context.logger.warning("librdkafka error", metadata: ["error": "\(error)"])
}

private let rdRebalanceCallback: @convention(c) (
    OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
) -> Void = { rk, err, partitions, opaque in
    guard let rk, let partitions, let opaque else { return }
    let context = Unmanaged<RdKafkaClient.Callbacks>.fromOpaque(opaque).takeUnretainedValue()
    context.rebalance?(rk, err, partitions)
}

// MARK: - Blocking work off the cooperative pool

/// Runs a blocking call on its own thread and resumes the caller when it returns, so no
/// librdkafka wait ever holds one of Swift concurrency's cooperative threads.
func runBlocking<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.name = name
        thread.start()
    }
}
