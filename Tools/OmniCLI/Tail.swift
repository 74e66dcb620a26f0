import ArgumentParser
import Foundation
import OmniKafka
import OmniMessaging

/// Follows topics and prints every record readably: where it is, its key, the envelope's
/// headers by name, and the JSON payload. DLQ records show why they were dead-lettered.
struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a topic's records with their CloudEvents headers decoded."
    )

    @OptionGroup var broker: BrokerOptions

    @Argument(help: "One or more topics, e.g. orders.events orders.events.dlq.")
    var topics: [String]

    @Flag(help: "Start from the oldest record instead of new ones only.")
    var fromBeginning = false

    @Option(help: "Stop after this many records.")
    var count: Int?

    @Option(help: "Keep only records whose ce_type contains this text.")
    var type: String?

    @Flag(help: "One JSON object per line instead of the readable form.")
    var json = false

    @Option(help: "Stop after this many seconds without a record.")
    var idleTimeout: Double?

    func validate() throws {
        if topics.isEmpty { throw ValidationError("name at least one topic") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let bootstrap = try broker.resolve()
        // A throwaway group: tailing never moves a service's offsets.
        let group = "omni-cli-tail-\(UUID().uuidString.lowercased().prefix(8))"
        var configuration = KafkaConsumerConfiguration(kafka: .init(bootstrapServers: bootstrap, clientID: group), groupID: group, topics: topics)
        configuration.startFromEarliest = fromBeginning
        configuration.fetchWaitMaxMilliseconds = 50
        let consumer = try KafkaConsumer(configuration: configuration, logger: CLILogging.logger())
        try await consumer.waitForAssignment()
        let idle = idleTimeout
        var printed = 0
        let stopper = Task {
            guard let idle else { return }
            // Re-armed by each record: see `lastSeen`.
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                if Date().timeIntervalSince(LastSeen.shared.value) > idle { await consumer.close(); return }
            }
        }
        LastSeen.shared.touch()
        for await message in consumer.messages {
            LastSeen.shared.touch()
            consumer.storeOffset(message)
            let record = TailRecord(message: message)
            if let type, !(record.type ?? "").contains(type) { continue }
            // Unbuffered, so a pipe (`| grep`, a test) sees each record as it arrives.
            FileHandle.standardOutput.write(Data((json ? record.jsonLine() + "\n" : record.readable() + "\n\n").utf8))
            printed += 1
            if let count, printed >= count { break }
        }
        stopper.cancel()
        await consumer.close()
    }
}

/// The time of the last record, for `--idle-timeout`.
final class LastSeen: @unchecked Sendable {
    static let shared = LastSeen()
    private let lock = NSLock()
    private var instant = Date()
    var value: Date { lock.withLock { instant } }
    func touch() { lock.withLock { instant = Date() } }
}
