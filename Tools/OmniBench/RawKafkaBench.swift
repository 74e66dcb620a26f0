import Foundation
import Logging
import OmniKafka
import OmniMessaging

/// The baseline: librdkafka through our module with nothing of Omni's around it
/// (no envelope, no database), on the same broker the delivery phase uses.
struct RawKafkaBench {
    var bootstrap: String
    var logger: Logger

    private func producer() throws -> KafkaProducer {
        try KafkaProducer(configuration: .init(kafka: .init(bootstrapServers: bootstrap, clientID: "omni-bench")), logger: logger)
    }

    /// Produce `messages` records, batches of 1,000 with up to 8 batches in flight, every
    /// delivery report awaited (acks=all, idempotence on, as the relay produces).
    func produceRate(messages: Int, payloadBytes: Int) async throws -> BenchFigure {
        let producer = try producer()
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: payloadBytes)
        let batches = stride(from: 0, to: messages, by: 1_000).map { start in
            (start..<min(start + 1_000, messages)).map { OutgoingMessage(topic: BenchTopics.raw, key: "k\($0 % 64)", value: payload) }
        }
        let started = ContinuousClock.now
        var failed = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func launch() {
                let batch = batches[next]
                next += 1
                group.addTask { try await producer.send(batch).filter { if case .failure = $0 { true } else { false } }.count }
            }
            while next < min(8, batches.count) { launch() }
            for try await failures in group {
                failed += failures
                if next < batches.count { launch() }
            }
        }
        let seconds = (ContinuousClock.now - started).seconds
        await producer.shutdown()
        return BenchFigure(name: "raw librdkafka produce", count: messages - failed, seconds: seconds,
                           note: failed > 0 ? "\(failed) failed" : "")
    }

    /// Read back what `produceRate` wrote, from the beginning, in a new consumer group.
    func consumeRate(messages: Int) async throws -> BenchFigure {
        let group = "omni-bench-raw-\(UUID().uuidString.prefix(8))"
        var configuration = KafkaConsumerConfiguration(kafka: .init(bootstrapServers: bootstrap, clientID: group), groupID: group, topics: [BenchTopics.raw])
        configuration.bufferCapacity = 10_000
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try await consumer.waitForAssignment()
        var received = 0
        var started: ContinuousClock.Instant?
        while received < messages {
            let batch = await consumer.nextBatch(max: 1_000)
            if batch.isEmpty { break }
            if started == nil { started = .now }
            received += batch.count
            if let last = batch.last { consumer.storeOffset(last) }
            for message in batch.dropLast() { consumer.abandon(message) }
        }
        let seconds = started.map { (ContinuousClock.now - $0).seconds } ?? 0
        await consumer.close()
        return BenchFigure(name: "raw librdkafka consume", count: received, seconds: seconds, note: "from the first record on")
    }

    /// Produce at a steady `rate` while a consumer follows: time from `send` to the record
    /// reaching the consumer, both in this process.
    func latency(rate: Int, seconds: Int, payloadBytes: Int) async throws -> BenchFigure {
        let topic = BenchTopics.raw
        let group = "omni-bench-lat-\(UUID().uuidString.prefix(8))"
        var configuration = KafkaConsumerConfiguration(kafka: .init(bootstrapServers: bootstrap, clientID: group), groupID: group, topics: [topic])
        configuration.startFromEarliest = false
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try await consumer.waitForAssignment()
        let producer = try producer()
        // Warm up until the consumer's fetch positions are resolved and it sees new records,
        // so the first measured records don't wait for the group to settle.
        let warmer = Task {
            while !Task.isCancelled {
                _ = try? await producer.send(OutgoingMessage(topic: topic, key: "warm", value: Array("warm-up".utf8)))
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        for message in await consumer.nextBatch(max: 1_000) { consumer.storeOffset(message) }
        warmer.cancel()
        try await Task.sleep(for: .milliseconds(300))
        let total = rate * seconds
        let marker = "lat-\(UUID().uuidString.prefix(8))-"
        let reader = Task { () -> [Double] in
            var latencies: [Double] = []
            let deadline = ContinuousClock.now + .seconds(seconds + 30)
            while latencies.count < total, ContinuousClock.now < deadline {
                let batch = await consumer.nextBatch(max: 500)
                if batch.isEmpty { break }
                let now = Date().timeIntervalSince1970
                for message in batch {
                    consumer.storeOffset(message)
                    guard let text = String(validating: message.value.prefix(64), as: UTF8.self), text.hasPrefix(marker),
                          let sent = Double(text.dropFirst(marker.count).prefix { $0 != " " }) else { continue }
                    latencies.append((now - sent) * 1_000)
                }
            }
            return latencies
        }
        let padding = String(repeating: " ", count: max(0, payloadBytes - 40))
        await withTaskGroup(of: Void.self) { group in
            do {
                for try await index in FixedRate(rate: rate, seconds: seconds) {
                    let value = Array("\(marker)\(Date().timeIntervalSince1970) \(padding)".utf8)
                    group.addTask { _ = try? await producer.send(OutgoingMessage(topic: topic, key: "k\(index % 64)", value: value)) }
                }
            } catch {
                // Cancelled: stop sending, and read what went.
            }
        }
        let latencies = await reader.value
        await consumer.close()
        await producer.shutdown()
        return BenchFigure(name: "raw librdkafka produce → consume, hop latency", count: latencies.count, seconds: Double(seconds),
                           latencies: LatencySummary(milliseconds: latencies), note: "at \(rate) msg/s")
    }
}
