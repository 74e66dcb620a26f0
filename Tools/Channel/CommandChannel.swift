import Foundation
import Logging
import OmniKafka
import OmniMessaging

/// A tool as a channel (the bench, the demo): publishes commands and follows services'
/// events topics, noting when each event arrived, so a command's outcome latency is
/// (arrival of the first event it caused or correlates with) − (send).
public final class CommandChannel: @unchecked Sendable {
    private let producer: KafkaProducer
    private let consumer: KafkaConsumer
    private let lock = NSLock()
    private var byCause: [String: [(type: String, at: ContinuousClock.Instant)]] = [:]
    private var byCorrelation: [String: [(type: String, at: ContinuousClock.Instant)]] = [:]
    private var counts: [String: Int] = [:]
    /// The `reasonCode` of each refusal, by the id of the command refused.
    private var refusals: [String: String] = [:]
    private var follower: Task<Void, Never>?

    /// Called with every event as it arrives, on the channel's reading task.
    private let observer: (@Sendable (CloudEvent) -> Void)?

    public init(bootstrap: String, topics: [String], logger: Logger, observer: (@Sendable (CloudEvent) -> Void)? = nil) async throws {
        self.observer = observer
        let group = "omni-channel-\(UUID().uuidString.prefix(8))"
        producer = try KafkaProducer(configuration: .init(kafka: .init(bootstrapServers: bootstrap, clientID: group)), logger: logger)
        var configuration = KafkaConsumerConfiguration(kafka: .init(bootstrapServers: bootstrap, clientID: group), groupID: group, topics: topics)
        configuration.fetchWaitMaxMilliseconds = 2
        consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        follower = Task { [consumer, weak self] in
            while !Task.isCancelled {
                let batch = await consumer.nextBatch(max: 1_000)
                if batch.isEmpty { return }
                let now = ContinuousClock.now
                for message in batch { consumer.storeOffset(message) }
                guard let self else { return }
                let events = batch.compactMap { try? CloudEvent(message: $0) }
                struct Refusal: Decodable { var reasonCode: String }
                let refused = events.compactMap { event -> (String, String)? in
                    guard event.type.hasSuffix("Rejected.v1"), let cause = event.causationID,
                          let refusal = try? JSONDecoder().decode(Refusal.self, from: Data(event.data)) else { return nil }
                    return (cause, refusal.reasonCode)
                }
                self.lock.withLock {
                    for event in events {
                        self.counts[event.type, default: 0] += 1
                        if let cause = event.causationID { self.byCause[cause, default: []].append((event.type, now)) }
                        if let correlation = event.correlationID { self.byCorrelation[correlation, default: []].append((event.type, now)) }
                    }
                    for (cause, reason) in refused { self.refusals[cause] = reason }
                }
                if let observer = self.observer { events.forEach(observer) }
            }
        }
        try await consumer.waitForAssignment()
    }

    /// Publishes `payload` as a channel would; returns the envelope (its id is the cause
    /// of what the service answers) once the broker acknowledged it.
    @discardableResult
    public func send(_ type: String, _ payload: some Encodable, to service: ServiceName, key: String, channel: String? = nil,
              correlation: String? = nil) async throws -> CloudEvent {
        let channel = channel ?? ChannelSource.channel(of: payload)
        let event = try CloudEvent(type: type, source: ChannelSource.source(of: payload, channel: channel), subject: key, payload: payload,
                                   correlationID: correlation ?? UUID().uuidString.lowercased(), channel: channel)
        _ = try await producer.send(event.outgoingMessage(topic: Topics.commands(service), key: key))
        return event
    }

    /// Publishes an event as `service` would (the bench standing in for a service upstream).
    public func publish(_ type: String, _ payload: some Encodable, of service: ServiceName, key: String, correlation: String) async throws {
        let event = try CloudEvent(type: type, source: "/services/\(service.rawValue)", subject: key, payload: payload, correlationID: correlation)
        _ = try await producer.send(event.outgoingMessage(topic: Topics.events(service), key: key))
    }

    /// When the first event of one of `types` caused by `id` arrived.
    public func arrival(causedBy id: UUID, types: Set<String>) -> ContinuousClock.Instant? {
        lock.withLock { byCause[id.uuidString.lowercased()]?.first { types.contains($0.type) }?.at }
    }

    /// When the first event of one of `types` in journey `correlation` arrived.
    public func arrival(correlation: String, types: Set<String>) -> ContinuousClock.Instant? {
        lock.withLock { byCorrelation[correlation]?.first { types.contains($0.type) }?.at }
    }

    public func count(_ type: String) -> Int { lock.withLock { counts[type] ?? 0 } }

    /// How many of `ids` caused an event of `type` (the topic may hold earlier runs' events).
    public func count(_ type: String, causedBy ids: [UUID]) -> Int {
        lock.withLock { ids.filter { id in byCause[id.uuidString.lowercased()]?.contains { $0.type == type } ?? false }.count }
    }

    /// Waits until every id has an outcome of `types`; the instant the last one arrived.
    public func waitForOutcomes(of ids: [UUID], types: Set<String>, timeout: Duration) async throws -> ContinuousClock.Instant {
        try await waitForAll(ids, timeout: timeout) { self.arrival(causedBy: $0, types: types) }
    }

    /// Waits until every journey has an event of `types`; the instant the last one arrived.
    public func waitForOutcomes(correlations: [String], types: Set<String>, timeout: Duration) async throws -> ContinuousClock.Instant {
        try await waitForAll(correlations, timeout: timeout) { self.arrival(correlation: $0, types: types) }
    }

    /// Outcomes arrive roughly in the order commands were sent: each poll walks from the
    /// first key still waiting and stops at the next one missing, so it costs what arrived
    /// since the last poll, not a look-up per order in flight (thousands at the maximum:
    /// the bench must not eat the CPU of the system it measures).
    private func waitForAll<Key>(_ keys: [Key], timeout: Duration, arrival: (Key) -> ContinuousClock.Instant?) async throws -> ContinuousClock.Instant {
        guard !keys.isEmpty else { return .now }
        let deadline = ContinuousClock.now + timeout
        var next = keys.startIndex
        var last: ContinuousClock.Instant?
        while true {
            while next < keys.endIndex, let at = arrival(keys[next]) {
                last = max(last ?? at, at)
                next += 1
            }
            if next == keys.endIndex, let last { return last }
            guard ContinuousClock.now < deadline else {
                let arrived = keys.filter { arrival($0) != nil }.count
                throw ChannelTimeout("\(arrived) of \(keys.count) outcomes within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// How many of `ids` were refused, by reason code.
    public func refusalReasons(of ids: [UUID]) -> [String: Int] {
        lock.withLock { ids.compactMap { refusals[$0.uuidString.lowercased()] }.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
    }

    /// The types of every event of journey `correlation`, in the order they arrived.
    public func types(correlation: String) -> [String] {
        lock.withLock { byCorrelation[correlation]?.map(\.type) ?? [] }
    }

    /// The type of the first event of `types` in journey `correlation`.
    public func outcome(correlation: String, types: Set<String>) -> String? {
        lock.withLock { byCorrelation[correlation]?.first { types.contains($0.type) }?.type }
    }

    public func close() async {
        await consumer.close()
        follower?.cancel()
        await producer.shutdown()
    }
}

/// Outcomes that did not all come back in time.
public struct ChannelTimeout: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
