import ArgumentParser
import Foundation
import Logging
import OmniKafka
import OmniMessaging

/// Hosts librdkafka's mock cluster on loopback: the real Kafka protocol, in memory, with
/// every topic of DESIGN.md (and its `.dlq`) created. Writes the bootstrap address where
/// the scripts, services and tests find it, and runs until SIGINT/SIGTERM.
@main
struct DevBroker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "omni-dev-broker",
        abstract: "Run librdkafka's mock Kafka cluster with Omni's topics."
    )

    @Option(help: "Number of mock brokers.")
    var brokers = 1

    @Option(help: "Partitions per topic (at least 12 so services can run as replicas).")
    var partitions = Topics.devPartitions

    @Option(help: "File to write the bootstrap address to.")
    var bootstrapFile = ".omni/broker.bootstrap"

    @Option(help: "Extra topics to create (repeatable), besides DESIGN.md's.")
    var topic: [String] = []

    func run() throws {
        var logger = Logger(label: "omni.dev-broker")
        logger.logLevel = .warning
        let cluster = try MockKafkaCluster(brokers: brokers, logger: logger)
        let topics = Topics.all + topic
        for name in topics { try cluster.createTopic(name, partitions: partitions) }

        let url = URL(fileURLWithPath: bootstrapFile)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (cluster.bootstrapServers + "\n").write(to: url, atomically: true, encoding: .utf8)
        FileHandle.standardOutput.write(Data("omni-dev-broker: \(cluster.bootstrapServers) (\(topics.count) topics × \(partitions) partitions), address in \(bootstrapFile)\n".utf8))

        let stop = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        try? FileManager.default.removeItem(at: url)
        withExtendedLifetime((cluster, sources)) {}
        print("omni-dev-broker: stopped")
    }
}
