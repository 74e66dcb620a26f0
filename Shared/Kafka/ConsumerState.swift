import CRdKafka
import DequeModule
import Foundation
import Logging

/// What the consumer's poll thread and its async readers share: the bounded message
/// buffer, messages in flight per partition, the assignment and pause state. One
/// condition lock guards it all; only the poll thread ever waits on it (during a revoke).
final class ConsumerState: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var buffer: Deque<ConsumedMessage> = []
    private var waiter: (max: Int, continuation: CheckedContinuation<[ConsumedMessage], Never>)?
    private var inFlight: [TopicPartition: Int] = [:]
    private var assignment: Set<TopicPartition> = []
    private var userPaused: Set<TopicPartition> = []
    private var pausedForBackpressure = false
    private var stopping = false
    private var closed = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    private var errors: [Int32: Int] = [:]

    /// How long a revoke waits for in-flight messages of the lost partitions.
    static let revokeGrace: TimeInterval = 10

    init(capacity: Int) { self.capacity = max(1, capacity) }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    var stopRequested: Bool { locked { stopping } }
    var currentAssignment: Set<TopicPartition> { locked { assignment } }
    var errorCounts: [Int32: Int] { locked { errors } }

    func recordError(_ error: KafkaError) { locked { errors[error.code, default: 0] += 1 } }

    // MARK: Buffer

    /// Poll thread: a message arrived.
    func push(_ message: ConsumedMessage) {
        let handOff: CheckedContinuation<[ConsumedMessage], Never>? = locked {
            if let waiter, !stopping {
                self.waiter = nil
                inFlight[message.topicPartition, default: 0] += 1
                return waiter.continuation
            }
            buffer.append(message)
            return nil
        }
        handOff?.resume(returning: [message])
    }

    func nextBatch(max: Int) async -> [ConsumedMessage] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[ConsumedMessage], Never>) in
                let ready: [ConsumedMessage]? = locked {
                    if stopping || closed { return [] }
                    if buffer.isEmpty {
                        waiter = (max, continuation)
                        return nil
                    }
                    var batch: [ConsumedMessage] = []
                    while batch.count < max, let message = buffer.popFirst() {
                        inFlight[message.topicPartition, default: 0] += 1
                        batch.append(message)
                    }
                    return batch
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiting = locked { () -> CheckedContinuation<[ConsumedMessage], Never>? in
                defer { waiter = nil }
                return waiter?.continuation
            }
            waiting?.resume(returning: [])
        }
    }

    /// A message handed out is done (its offset is stored, or it is given up).
    func finished(_ message: ConsumedMessage) {
        locked {
            let remaining = inFlight[message.topicPartition, default: 0] - 1
            inFlight[message.topicPartition] = remaining > 0 ? remaining : nil
            condition.broadcast()
        }
    }

    // MARK: Pause and backpressure

    /// Poll thread, each turn: pause every partition while the buffer is full, resume
    /// (all but the ones the application paused) once it has drained to half.
    func applyBackpressure(rk: OpaquePointer) {
        locked {
            if !pausedForBackpressure, buffer.count >= capacity, !assignment.isEmpty {
                pausedForBackpressure = true
                let list = assignment.makeRdList()
                rd_kafka_pause_partitions(rk, list)
                rd_kafka_topic_partition_list_destroy(list)
            } else if pausedForBackpressure, buffer.count <= capacity / 2 {
                pausedForBackpressure = false
                let resumable = assignment.subtracting(userPaused)
                if !resumable.isEmpty {
                    let list = resumable.makeRdList()
                    rd_kafka_resume_partitions(rk, list)
                    rd_kafka_topic_partition_list_destroy(list)
                }
            }
        }
    }

    func setUserPaused(_ partition: TopicPartition, paused: Bool, client: RdKafkaClient) {
        locked {
            if paused { userPaused.insert(partition) } else { userPaused.remove(partition) }
            guard assignment.contains(partition), paused || !pausedForBackpressure else { return }
            _ = try? client.withHandle { rk in
                let list = Set([partition]).makeRdList()
                defer { rd_kafka_topic_partition_list_destroy(list) }
                return paused ? rd_kafka_pause_partitions(rk, list) : rd_kafka_resume_partitions(rk, list)
            }
        }
    }

    // MARK: Rebalance (poll thread, inside rd_kafka_consumer_poll / close)

    func rebalance(rk: OpaquePointer, err: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, logger: Logger) {
        let changed = Set<TopicPartition>(rdList: partitions)
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            rd_kafka_assign(rk, partitions)
            locked {
                assignment = changed
                let toPause = pausedForBackpressure ? changed : changed.intersection(userPaused)
                if !toPause.isEmpty {
                    let list = toPause.makeRdList()
                    rd_kafka_pause_partitions(rk, list)
                    rd_kafka_topic_partition_list_destroy(list)
                }
            }
            logger.info("partitions assigned", metadata: ["count": "\(changed.count)"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            locked {
                buffer.removeAll { changed.contains($0.topicPartition) }
                let deadline = Date(timeIntervalSinceNow: Self.revokeGrace)
                while changed.contains(where: { inFlight[$0] != nil }) {
                    if !condition.wait(until: deadline) {
                        logger.warning("revoking partitions with messages still in flight")
                        break
                    }
                }
                assignment.subtract(changed)
            }
            let commitErr = rd_kafka_commit(rk, nil, 0)
            if commitErr != RD_KAFKA_RESP_ERR_NO_ERROR, commitErr != RD_KAFKA_RESP_ERR__NO_OFFSET {
                logger.warning("commit on revoke failed", metadata: ["error": "\(KafkaError(commitErr))"])
            }
            rd_kafka_assign(rk, nil)
            logger.info("partitions revoked", metadata: ["count": "\(changed.count)"])
        default:
            logger.error("rebalance error", metadata: ["error": "\(KafkaError(err))"])
            rd_kafka_assign(rk, nil)
            locked { assignment = [] }
        }
    }

    // MARK: Close

    func requestStop() {
        let waiting: CheckedContinuation<[ConsumedMessage], Never>? = locked {
            stopping = true
            defer { waiter = nil }
            return waiter?.continuation
        }
        waiting?.resume(returning: [])
    }

    func markClosed() {
        let waiters: [CheckedContinuation<Void, Never>] = locked {
            closed = true
            stopping = true
            buffer.removeAll()
            defer { closeWaiters = [] }
            return closeWaiters
        }
        waiters.forEach { $0.resume() }
    }

    func waitUntilClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = locked {
                if closed { return true }
                closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
