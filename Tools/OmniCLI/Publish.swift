import ArgumentParser
import Foundation
import OmniKafka
import OmniMessaging

/// Publishes one command (or event) from JSON, wrapped in the CloudEvents envelope.
struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish a JSON payload to a topic as a CloudEvent.",
        discussion: """
            The payload comes from --data, --file, or standard input. Example:
              omni-cli publish catalog.commands omni.catalog.ReceiveStock.v1 --key SKU-1 \\
                --data '{"sku":"SKU-1","locationId":"wh-1","quantity":5}'
            """
    )

    @OptionGroup var broker: BrokerOptions

    @Argument(help: "The topic, e.g. orders.commands.")
    var topic: String

    @Argument(help: "The ce_type, e.g. omni.orders.PlaceOrder.v1.")
    var type: String

    @Option(help: "The payload as JSON.")
    var data: String?

    @Option(help: "A file holding the JSON payload ('-' for standard input).")
    var file: String?

    @Option(help: "The record key (the aggregate id); defaults to the subject.")
    var key: String?

    @Option(help: "ce_subject: the aggregate id.")
    var subject: String?

    @Option(help: "ce_source.")
    var source: String = "/tools/omni-cli"

    @Option(help: "ce_channel: web, app, pos, kiosk, tablet, telesales, field, social, marketplace.")
    var channel: String?

    @Option(help: "ce_correlationid: the journey this belongs to.")
    var correlationId: String?

    @Option(help: "ce_id (a UUID); a new one by default. Reuse one to test deduplication.")
    var id: String?

    func validate() throws {
        guard CloudEvent.isValidType(type) else {
            throw ValidationError("'\(type)' is not a ce_type of the form omni.<service>.<Name>.v<N>")
        }
        if data != nil && file != nil { throw ValidationError("give the payload with --data or --file, not both") }
        if let channel, SalesChannel(rawValue: channel) == nil {
            throw ValidationError("unknown channel '\(channel)' (one of \(SalesChannel.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let id, UUID(uuidString: id) == nil { throw ValidationError("--id must be a UUID") }
    }

    func run() async throws {
        let payload = try readPayload()
        let event = CloudEvent(
            id: id.flatMap(UUID.init(uuidString:)) ?? UUID(), type: type, source: source, subject: subject,
            correlationID: correlationId, channel: channel, data: Array(payload)
        )
        let producer = try KafkaProducer(
            configuration: .init(kafka: .init(bootstrapServers: try broker.resolve(), clientID: "omni-cli")),
            logger: CLILogging.logger()
        )
        let report: DeliveryReport
        do {
            let counts = try await producer.topicPartitionCounts(timeout: .seconds(10))
            guard counts[topic] != nil else {
                throw CLIError("topic '\(topic)' does not exist (omni-cli topics lists them)")
            }
            report = try await producer.send(event.outgoingMessage(topic: topic, key: key ?? subject ?? event.id.uuidString.lowercased()))
        } catch {
            await producer.shutdown()
            throw error
        }
        await producer.shutdown()
        print("published \(type) id=\(event.id.uuidString.lowercased()) to \(report.topicPartition)@\(report.offset)")
    }

    /// The payload bytes, checked to be one JSON object (what every Omni payload is).
    private func readPayload() throws -> Data {
        let bytes: Data
        if let data {
            bytes = Data(data.utf8)
        } else if let file, file != "-" {
            guard let contents = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            bytes = contents
        } else {
            bytes = FileHandle.standardInput.readDataToEndOfFile()
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: bytes)
        } catch {
            throw CLIError("the payload is not valid JSON: \(error.localizedDescription)")
        }
        guard parsed is [String: Any] else { throw CLIError("the payload must be a JSON object") }
        return bytes
    }
}
