import Logging
import OmniKafka
import OmniMessaging
import OmniRuntime
import ServiceLifecycle

/// Every service's `*.events` as the edge reads them, for its outcomes and its live feed:
/// one consumer, its poll batches handed to `handle` in order, offsets stored after each
/// (neither reader writes anything a replay could double); stops on graceful shutdown.
enum EventsTail {
    static func run(resources: ServiceResources, group: String, clientSuffix: String, fromEarliest: Bool,
                    assigned: (@Sendable () -> Void)? = nil, handle: @escaping @Sendable ([ConsumedMessage]) async -> Void) async throws {
        let configuration = resources.configuration
        var consumerConfiguration = KafkaConsumerConfiguration(kafka: configuration.kafka, groupID: group, topics: ServiceName.allCases.map { Topics.events($0) })
        consumerConfiguration.kafka.clientID += clientSuffix
        consumerConfiguration.fetchWaitMaxMilliseconds = configuration.fetchWaitMaxMilliseconds
        consumerConfiguration.startFromEarliest = fromEarliest
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: resources.logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await consumer.run() }
            if let assigned {
                group.addTask {
                    try? await consumer.waitForAssignment(timeout: .seconds(300))
                    assigned()
                }
            }
            await withGracefulShutdownHandler {
                while true {
                    let batch = await consumer.nextBatch(max: 500)
                    if batch.isEmpty { break }
                    await handle(batch)
                    for message in batch { consumer.storeOffset(message) }
                }
            } onGracefulShutdown: {
                Task { await consumer.close() }
            }
            await consumer.close()
        }
    }
}
