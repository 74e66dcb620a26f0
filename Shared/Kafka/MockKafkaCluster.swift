import CRdKafka
import Logging

/// librdkafka's in-memory mock cluster (`rdkafka_mock.h`): the real Kafka protocol on
/// loopback, for the dev broker and tests. Any client connects to `bootstrapServers`.
public final class MockKafkaCluster: Sendable {
    private let host: RdKafkaClient
    private let cluster: MockHandle
    public let bootstrapServers: String

    private final class MockHandle: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
    }

    public init(brokers: Int = 1, logger: Logger) throws {
        // The mock cluster lives inside a client handle; a bare producer hosts it.
        host = try RdKafkaClient(kind: .producer, properties: ["client.id": "omni-mock-host"], callbacks: .init(logger: logger))
        guard let pointer = rd_kafka_mock_cluster_new(host.handle, Int32(brokers)) else {
            throw KafkaError.configuration("could not create the mock cluster")
        }
        cluster = MockHandle(pointer)
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(pointer))
    }

    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws {
        let err = rd_kafka_mock_topic_create(cluster.pointer, name, Int32(partitions), Int32(replicationFactor))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "create topic \(name)") }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster.pointer)
        host.destroy()
    }
}
