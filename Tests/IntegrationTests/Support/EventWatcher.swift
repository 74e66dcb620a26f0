import Foundation
import OmniKafka
import OmniMessaging

/// Follows topics from the beginning, like a channel would, and keeps every decodable
/// event, so a test can wait for the outcome of the commands it published.
///
/// When the contract check records (`OMNI_CONTRACT_RECORD`), it follows every topic of the
/// broker instead (the commands tests and services send, the events, the interactions and
/// the dead letters) and hands each record to `ContractRecorder`; the test still sees only
/// the events of `topics`.
final class EventWatcher: @unchecked Sendable {
    private let consumer: KafkaConsumer
    private let lock = NSLock()
    private var received: [CloudEvent] = []
    private var arrival: [UUID: ContinuousClock.Instant] = [:]
    private var lastBatch = ContinuousClock.now
    private var task: Task<Void, Never>?

    /// `broker`: the broker's identity in the contract record (`DevBrokerProcess.identity`).
    init(bootstrap: String, broker: String, topics: [String]) async throws {
        let group = TestStack.unique("watcher")
        let wanted = Set(topics)
        let followed = ContractRecorder.isOn ? wanted.union(Topics.all).sorted() : topics
        var configuration = KafkaConsumerConfiguration(kafka: .init(bootstrapServers: bootstrap, clientID: group), groupID: group, topics: followed)
        configuration.fetchWaitMaxMilliseconds = 2
        consumer = try KafkaConsumer(configuration: configuration, logger: TestStack.quietLogger)
        task = Task { [consumer, weak self] in
            while !Task.isCancelled {
                let batch = await consumer.nextBatch(max: 500)
                if batch.isEmpty { return }
                let now = ContinuousClock.now
                if ContractRecorder.isOn {
                    for message in batch { ContractRecorder.record(message, broker: broker) }
                }
                let events = batch.filter { wanted.contains($0.topic) }.compactMap { try? CloudEvent(message: $0) }
                for message in batch { consumer.storeOffset(message) }
                guard let self else { return }
                self.lock.withLock {
                    self.lastBatch = now
                    self.received += events
                    for event in events { self.arrival[event.id] = now }
                }
            }
        }
        try await consumer.waitForAssignment()
    }

    func close() async {
        if ContractRecorder.isOn { await catchUp() }
        await consumer.close()
        task?.cancel()
    }

    /// Lets the recording take in what is still on the broker (the stack's services are
    /// stopped by now): until no partition lags and no batch came for 200 ms, 5 s at most.
    private func catchUp() async {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let quiet = lock.withLock { ContinuousClock.now - lastBatch > .milliseconds(200) }
            if quiet, consumer.lag().values.allSatisfy({ $0 == 0 }) { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    var events: [CloudEvent] { lock.withLock { received } }

    func events(_ type: String) -> [CloudEvent] { events.filter { $0.type == type } }

    /// When the event reached this watcher.
    func arrived(_ event: CloudEvent) -> ContinuousClock.Instant? { lock.withLock { arrival[event.id] } }

    /// The first event of `type` matching `predicate`, waiting up to `timeout`.
    func first(_ type: String, timeout: Duration = .seconds(30), where predicate: (CloudEvent) throws -> Bool = { _ in true }) async throws -> CloudEvent {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let event = try events(type).first(where: predicate) { return event }
            guard ContinuousClock.now < deadline else { throw Timeout(description: "no \(type) within \(timeout); saw \(events.map(\.type))") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits until `count` events of `type` match.
    func all(_ type: String, count: Int, timeout: Duration = .seconds(60), where predicate: (CloudEvent) throws -> Bool = { _ in true }) async throws -> [CloudEvent] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let matching = try events(type).filter(predicate)
            if matching.count >= count { return matching }
            guard ContinuousClock.now < deadline else { throw Timeout(description: "\(matching.count) of \(count) \(type) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The outcome caused by the command `id`: the first event whose causation is it and,
    /// when given, whose type is one of `types` (events of other keys arrive in any order).
    func outcome(of id: UUID, types: Set<String>? = nil, timeout: Duration = .seconds(30)) async throws -> CloudEvent {
        let cause = id.uuidString.lowercased()
        let deadline = ContinuousClock.now + timeout
        while true {
            if let event = events.first(where: { event in event.causationID == cause && (types?.contains(event.type) ?? true) }) { return event }
            guard ContinuousClock.now < deadline else { throw Timeout(description: "nothing caused by \(cause) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct Timeout: Error, CustomStringConvertible { var description: String }
}
