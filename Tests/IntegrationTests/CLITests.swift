import Foundation
import OmniKafka
import OmniMessaging
import Testing

/// `omni-cli` as a person uses it: publish a command from JSON, tail it back readably.
@Suite("omni-cli: publish from JSON, tail with the envelope decoded")
struct CLITests {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `omni-cli` with `arguments` against `broker`, feeding `input` on stdin.
    static func cli(_ arguments: [String], broker: DevBrokerProcess, input: String? = nil) async throws -> Run {
        try await run("omni-cli", arguments, environment: ["OMNI_KAFKA_BOOTSTRAP": broker.bootstrap], input: input)
    }

    /// Runs the built `executable` (in `OMNI_BIN_DIR`) with `arguments` to its end.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil) async throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestStack.env("OMNI_BIN_DIR")).appendingPathComponent(executable)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read while it runs: a full pipe would block the process.
        async let out = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        async let err = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
        let (outData, errData) = await (out, err)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self), errors: String(decoding: errData, as: UTF8.self))
    }

    @Test("A command published from JSON arrives as a valid CloudEvent, and tail shows its headers decoded")
    func publishThenTail() async throws {
        let broker = try await DevBrokerProcess()
        let published = try await Self.cli([
            "publish", "catalog.commands", "omni.catalog.ReceiveStock.v1", "--subject", "SKU-CLI", "--channel", "pos",
            "--correlation-id", "journey-7", "--file", "-",
        ], broker: broker, input: #"{"sku":"SKU-CLI","locationId":"wh-1","quantity":5}"#)
        #expect(published.status == 0, "\(published.errors)")
        let id = try #require(published.output.firstMatch(of: /id=([0-9a-f-]{36})/)?.1)

        // What a service's consumer would see.
        let group = TestStack.unique("cli-check")
        let consumer = try KafkaConsumer(
            configuration: .init(kafka: .init(bootstrapServers: broker.bootstrap, clientID: group), groupID: group, topics: ["catalog.commands"]),
            logger: TestStack.quietLogger
        )
        let message = try #require(await consumer.nextBatch(max: 1).first)
        await consumer.close()
        let event = try CloudEvent(message: message)
        #expect(event.id.uuidString.lowercased() == String(id))
        #expect(event.type == "omni.catalog.ReceiveStock.v1")
        #expect(event.subject == "SKU-CLI" && message.keyString == "SKU-CLI")
        #expect(event.channel == "pos" && event.correlationID == "journey-7")
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(event.data)) as? [String: Any])
        #expect(payload["quantity"] as? Int == 5)

        let readable = try await Self.cli(["tail", "catalog.commands", "--from-beginning", "--count", "1"], broker: broker)
        #expect(readable.status == 0, "\(readable.errors)")
        #expect(readable.output.contains("omni.catalog.ReceiveStock.v1"))
        #expect(readable.output.contains("key=SKU-CLI"))
        #expect(readable.output.contains(String(id)))
        #expect(readable.output.contains("correlationid  journey-7") || readable.output.contains("correlationid   journey-7"))
        #expect(readable.output.contains("\"quantity\" : 5"))
        #expect(!readable.output.contains("not a valid Omni envelope"))

        let json = try await Self.cli(["tail", "catalog.commands", "--from-beginning", "--count", "1", "--json"], broker: broker)
        let line = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let headers = try #require(line["headers"] as? [String: String])
        #expect(headers["ce_type"] == "omni.catalog.ReceiveStock.v1")
        #expect(headers["ce_channel"] == "pos")
        #expect((line["data"] as? [String: Any])?["sku"] as? String == "SKU-CLI")
    }

    @Test("Bad input is refused with a clear message and nothing is published")
    func refusesBadInput() async throws {
        let broker = try await DevBrokerProcess()
        let notJSON = try await Self.cli(["publish", "orders.commands", "omni.orders.PlaceOrder.v1", "--data", "{oops"], broker: broker)
        #expect(notJSON.status != 0)
        #expect(notJSON.errors.contains("not valid JSON"))
        let badType = try await Self.cli(["publish", "orders.commands", "PlaceOrder", "--data", "{}"], broker: broker)
        #expect(badType.status != 0)
        #expect(badType.errors.contains("omni.<service>.<Name>.v<N>"))
        let noTopic = try await Self.cli(["publish", "orders.comands", "omni.orders.PlaceOrder.v1", "--data", "{}"], broker: broker)
        #expect(noTopic.status != 0)
        #expect(noTopic.errors.contains("does not exist"))
        let empty = try await Self.cli(["tail", "orders.commands", "--from-beginning", "--idle-timeout", "2"], broker: broker)
        #expect(empty.status == 0)
        #expect(empty.output.isEmpty, "nothing may have been published: \(empty.output)")
    }

    @Test("A dead letter shows why it was dead-lettered, and that its envelope is broken")
    func tailsDeadLetters() async throws {
        let broker = try await DevBrokerProcess()
        let producer = try KafkaProducer(configuration: .init(kafka: .init(bootstrapServers: broker.bootstrap, clientID: "cli-test")), logger: TestStack.quietLogger)
        _ = try await producer.send(OutgoingMessage(topic: "orders.commands.dlq", key: "k", value: Array("\u{01}\u{02}garbage".utf8), headers: [
            KafkaHeader(key: "omni_dlq_reason_code", string: "missing-header"),
            KafkaHeader(key: "omni_dlq_reason", string: "ce_type is missing"),
            KafkaHeader(key: "omni_dlq_topic", string: "orders.commands"),
        ]))
        await producer.shutdown()
        let run = try await Self.cli(["tail", "orders.commands.dlq", "--from-beginning", "--count", "1"], broker: broker)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("omni_dlq_reason_code"))
        #expect(run.output.contains("ce_type is missing"))
        #expect(run.output.contains("not a valid Omni envelope"))
        #expect(run.output.contains("(not JSON)"))
    }
}
