import CatalogContracts
import Foundation
import OmniChannel
import Logging
import OmniKafka
import OmniMessaging
import OmniRuntime

/// How a fuzz message ended.
enum Outcome: String, Sendable {
    /// A `...Rejected` (or `StockReservationFailed`) event caused by it, with a `reasonCode`.
    case rejected
    /// In `<topic>.dlq` with `omni_dlq_reason_code` and `omni_dlq_reason`.
    case deadLettered
    /// A normal event caused by it: the mutation happened to be valid.
    case accepted
    /// A rejection without a reason code, or a dead letter without reason headers.
    case reasonless
}

/// The command half of the fuzz: generate from the seed, publish, then read `*.events`
/// and `*.dlq` with the Kafka protocol until every message has an outcome or time is up.
struct CommandFuzz {
    let bootstrap: String
    let seed: UInt64
    let count: Int
    let tag: String
    let deadline: Duration
    let services: ServiceEndpoints
    let logger: Logger

    struct Result {
        var messages: [FuzzMessage]
        var outcomes: [String: Outcome]
        /// Messages with no event and no dead letter that the consumer did handle (its
        /// `omni_messages_consumed_total` moved past them): for `channels.interactions`, whose
        /// success publishes nothing, that is the success.
        var silentlyConsumed: [String: Int]
        var finalCheck: String?
        /// How many were refused or dead-lettered for each reason code.
        var reasonCounts: [String: Int]
    }

    /// Generates `count` messages, spread over every command type; a quarter with a broken envelope.
    func generate(fixture: Fixture) throws -> [FuzzMessage] {
        var random = SeededRandom(seed: seed)
        var ids = IDSource(tag: tag)
        var messages: [FuzzMessage] = []
        let specs = CommandCatalog.all
        for index in 0..<count {
            let spec = specs[index % specs.count]
            var mutator = Mutator(random: random.fork())
            let known = mutator.random.chance(0.5)
            let example = try spec.example(&ids, known, fixture)
            let id = UUID(uuidString: Self.uuid(&mutator.random))!.uuidString.lowercased()
            var headers = Mutator.envelope(id: id, type: spec.type, subject: example.key)
            var value = example.payload.bytes
            let description: String
            switch mutator.random.int(0..<20) {
            case 0, 1:
                description = "valid example" + (known ? " (known ids)" : " (unknown ids)")
            case 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14:
                (value, description) = mutator.mutate(example.payload)
            default:
                (headers, value, description) = mutator.breakEnvelope(headers, value: value, type: spec.type, service: spec.service)
            }
            let key: String? = mutator.random.chance(0.05) ? nil : example.key
            messages.append(FuzzMessage(fuzzID: id, topic: spec.topic, type: spec.type, service: spec.service, mutation: description,
                                        key: key, headers: headers, value: value))
        }
        return messages
    }

    /// Every numeric field of every command's example that names the fixture (the cart with
    /// its line, the customer with a balance, the priced sku exist by then), set in turn to
    /// each of `CommandCatalog.extremeNumbers`: one message each, envelope intact.
    func extremes(fixture: Fixture) throws -> [FuzzMessage] {
        var random = SeededRandom(seed: seed ^ 0x4558_5452)
        var ids = IDSource(tag: tag + "x")
        var messages: [FuzzMessage] = []
        for spec in CommandCatalog.all {
            let example = try spec.example(&ids, true, fixture)
            for path in example.payload.paths {
                guard case .number = example.payload[path] else { continue }
                for extreme in CommandCatalog.extremeNumbers {
                    let id = UUID(uuidString: Self.uuid(&random))!.uuidString.lowercased()
                    messages.append(FuzzMessage(fuzzID: id, topic: spec.topic, type: spec.type, service: spec.service,
                                                mutation: "extreme \(path.dotted)=\(extreme)", key: example.key,
                                                headers: Mutator.envelope(id: id, type: spec.type, subject: example.key),
                                                value: example.payload.replacing(path, with: .number(extreme)).bytes))
                }
            }
        }
        return messages
    }

    /// A UUID from the seed (reproducible bytes; the run tag keeps entity ids unique).
    static func uuid(_ random: inout SeededRandom) -> String {
        let a = random.next(), b = random.next()
        let hex = String(format: "%016llx%016llx", a, b)
        let chars = Array(hex)
        return "\(String(chars[0..<8]))-\(String(chars[8..<12]))-4\(String(chars[13..<16]))-a\(String(chars[17..<20]))-\(String(chars[20..<32]))"
    }

    func run() async throws -> Result {
        let fixture = Fixture(tag: tag)
        let watcher = try OutcomeWatcher(bootstrap: bootstrap, logger: logger)
        let producer = try KafkaProducer(configuration: .init(kafka: .init(bootstrapServers: bootstrap, clientID: "omni-fuzz-\(tag)")), logger: logger)
        do {
            let result = try await run(fixture: fixture, watcher: watcher, producer: producer)
            await watcher.close()
            await producer.shutdown()
            return result
        } catch {
            await watcher.close()
            await producer.shutdown()
            throw error
        }
    }

    private func run(fixture: Fixture, watcher: OutcomeWatcher, producer: KafkaProducer) async throws -> Result {
        try await watcher.start()
        // The fixture first, and wait for it: later commands name it.
        var fixtureIDs: [String] = []
        for command in try CommandCatalog.fixtureCommands(fixture) {
            let id = UUID().uuidString.lowercased()
            fixtureIDs.append(id)
            let headers = Mutator.envelope(id: id, type: command.type, subject: command.key)
            _ = try await producer.send(OutgoingMessage(topic: command.topic, key: Array(command.key.utf8), value: command.payload.bytes, headers: headers))
        }
        let fixtureDone = await watcher.wait(for: Set(fixtureIDs), until: ContinuousClock.now + .seconds(30))
        if fixtureDone.count < fixtureIDs.count { logger.warning("fixture incomplete: \(fixtureDone.count)/\(fixtureIDs.count) commands answered") }
        try await prepareState(fixture: fixture, watcher: watcher, producer: producer)

        // The extremes first, on the state just made; then the random inputs.
        let messages = try extremes(fixture: fixture) + generate(fixture: fixture)
        let topics = Set(messages.map(\.topic))
        let consumedBefore = await services.consumedCounts(topics: topics)
        for chunk in stride(from: 0, to: messages.count, by: 200) {
            let slice = messages[chunk..<min(messages.count, chunk + 200)]
            let results = try await producer.send(slice.map(\.record))
            for case .failure(let error) in results { throw error }
        }
        let ids = Set(messages.map(\.fuzzID))
        let end = ContinuousClock.now + deadline
        var outcomes: [String: Outcome] = [:]
        var silent: [String: Int] = [:]
        while true {
            outcomes = await watcher.wait(for: ids, until: min(end, ContinuousClock.now + .seconds(1)))
            let pending = messages.filter { outcomes[$0.fuzzID] == nil }
            if pending.isEmpty { break }
            // Silent successes on `channels.interactions` (nothing is published for them):
            // every message of the topic consumed, and the rest all have an outcome.
            silent = [:]
            let consumed = await services.consumedCounts(topics: topics)
            var allExplained = true
            for topic in topics {
                let sent = messages.filter { $0.topic == topic }.count
                let pendingHere = pending.filter { $0.topic == topic }.count
                guard pendingHere > 0 else { continue }
                let moved = (consumed[topic] ?? 0) - (consumedBefore[topic] ?? 0)
                if moved >= sent {
                    silent[topic] = pendingHere
                    if topic != Topics.channelInteractions { allExplained = false }
                } else {
                    allExplained = false
                }
            }
            if allExplained || ContinuousClock.now >= end { break }
        }
        var reasonCounts: [String: Int] = [:]
        for (id, reason) in await watcher.reasons where ids.contains(id) { reasonCounts[reason, default: 0] += 1 }
        let finalCheck = await knownGoodCommand(fixture: fixture, watcher: watcher, producer: producer)
        return Result(messages: messages, outcomes: outcomes, silentlyConsumed: silent, finalCheck: finalCheck, reasonCounts: reasonCounts)
    }

    /// The cart with its line and the points balance; each retried for a while, since orders
    /// learns the fixture's product from catalog's events on its own time.
    private func prepareState(fixture: Fixture, watcher: OutcomeWatcher, producer: KafkaProducer) async throws {
        for command in try CommandCatalog.stateCommands(fixture) {
            var answer: String?
            for _ in 0..<20 {
                let id = UUID().uuidString.lowercased()
                let headers = Mutator.envelope(id: id, type: command.type, subject: command.key)
                _ = try await producer.send(OutgoingMessage(topic: command.topic, key: Array(command.key.utf8), value: command.payload.bytes, headers: headers))
                _ = await watcher.wait(for: [id], until: ContinuousClock.now + .seconds(10))
                answer = await watcher.eventType(causedBy: id)
                if let answer, !answer.hasSuffix("Rejected.v1") { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            if answer == nil || answer!.hasSuffix("Rejected.v1") {
                logger.warning("fixture state incomplete: \(command.type) answered \(answer ?? "nothing")")
            }
        }
    }

    /// UpsertProduct → ProductUpserted after the fuzz: the consumers are not stuck. Nil when it worked.
    private func knownGoodCommand(fixture: Fixture, watcher: OutcomeWatcher, producer: KafkaProducer) async -> String? {
        let id = UUID().uuidString.lowercased()
        let sku = "fz-\(tag)-final"
        do {
            let payload = try JSONValue(encoding: UpsertProduct(sku: sku, name: "After the fuzz", category: "shoes"))
            _ = try await producer.send(OutgoingMessage(topic: Topics.commands(.catalog), key: Array(sku.utf8), value: payload.bytes,
                                                        headers: Mutator.envelope(id: id, type: CatalogType.upsertProduct, subject: sku)))
        } catch {
            return "could not publish the final UpsertProduct: \(error)"
        }
        let done = await watcher.wait(for: [id], until: ContinuousClock.now + .seconds(30))
        guard let type = await watcher.eventType(causedBy: id) else {
            return "the final UpsertProduct got no answer within 30 s (outcome: \(done[id].map(\.rawValue) ?? "none"))"
        }
        return type == CatalogType.productUpserted ? nil : "the final UpsertProduct was answered by \(type), not ProductUpserted"
    }
}

/// Reads every service's `*.events` and every commands topic's `.dlq` from the beginning
/// (a group of its own) and keeps what was caused by, or is, a fuzz message.
actor OutcomeWatcher {
    private let consumer: KafkaConsumer
    private var outcomes: [String: Outcome] = [:]
    private var eventTypes: [String: String] = [:]
    /// `rejected:<reasonCode>` or `dlq:<omni_dlq_reason_code>`, per message.
    private(set) var reasons: [String: String] = [:]
    private var reader: Task<Void, Never>?

    static var topics: [String] {
        ServiceName.allCases.map { Topics.events($0) }
            + (ServiceName.allCases.map { Topics.commands($0) } + [Topics.channelInteractions]).map { Topics.deadLetter(of: $0) }
    }

    init(bootstrap: String, logger: Logger) throws {
        let group = "omni-fuzz-\(UUID().uuidString.lowercased().prefix(8))"
        var configuration = KafkaConsumerConfiguration(kafka: .init(bootstrapServers: bootstrap, clientID: group), groupID: group, topics: Self.topics)
        configuration.startFromEarliest = true
        configuration.fetchWaitMaxMilliseconds = 20
        consumer = try KafkaConsumer(configuration: configuration, logger: logger)
    }

    func start() async throws {
        try await consumer.waitForAssignment()
        let consumer = self.consumer
        reader = Task {
            for await message in consumer.messages {
                consumer.storeOffset(message)
                self.record(message)
            }
        }
    }

    private func record(_ message: ConsumedMessage) {
        if message.topic.hasSuffix(".dlq") {
            guard let id = message.headers.string(FuzzMessage.fuzzHeader) ?? message.headers.string(CloudEvent.Header.id) else { return }
            let code = message.headers.string(DeadLetter.reasonCode) ?? ""
            let reason = message.headers.string(DeadLetter.reason) ?? ""
            outcomes[id] = code.isEmpty || reason.isEmpty ? .reasonless : .deadLettered
            reasons[id] = "dlq:" + code
            return
        }
        guard let cause = message.headers.string(CloudEvent.Header.causationID), let type = message.headers.string(CloudEvent.Header.type) else { return }
        if eventTypes[cause] == nil { eventTypes[cause] = type }
        let isRefusal = type.hasSuffix("Rejected.v1") || type == CatalogType.stockReservationFailed
        if isRefusal {
            let reasonCode = (try? JSONDecoder().decode(ReasonCode.self, from: Data(message.value)))?.reasonCode
                ?? (try? JSONDecoder().decode(CodeRejections.self, from: Data(message.value)))?.rejections.first?.reasonCode
            outcomes[cause] = (reasonCode ?? "").isEmpty ? .reasonless : .rejected
            reasons[cause] = "rejected:" + (reasonCode ?? "")
        } else if outcomes[cause] == nil {
            outcomes[cause] = .accepted
        }
    }

    private struct ReasonCode: Decodable { var reasonCode: String }
    /// `PromotionsRejected` gives a reason per code.
    private struct CodeRejections: Decodable {
        struct Rejection: Decodable { var reasonCode: String }
        var rejections: [Rejection]
    }

    /// Waits until every id has an outcome or `until`; returns the outcomes known.
    func wait(for ids: Set<String>, until: ContinuousClock.Instant) async -> [String: Outcome] {
        while ContinuousClock.now < until, !ids.allSatisfy({ outcomes[$0] != nil }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return outcomes.filter { ids.contains($0.key) }
    }

    func eventType(causedBy id: String) -> String? { eventTypes[id] }

    func close() async {
        await consumer.close()
        reader?.cancel()
    }
}

