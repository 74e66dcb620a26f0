import ArgumentParser
import Foundation
import OmniKafka
import OmniMessaging

/// The topics the cluster has, with their partition counts.
struct ListTopics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topics", abstract: "List the cluster's topics and partitions.")

    @OptionGroup var broker: BrokerOptions

    func run() async throws {
        let producer = try KafkaProducer(
            configuration: .init(kafka: .init(bootstrapServers: try broker.resolve(), clientID: "omni-cli")),
            logger: CLILogging.logger()
        )
        let counts = try await producer.topicPartitionCounts(timeout: .seconds(10))
        await producer.shutdown()
        for (topic, partitions) in counts.sorted(by: { $0.key < $1.key }) where !topic.hasPrefix("__") {
            print("\(topic)\t\(partitions) partitions")
        }
    }
}
