/// One Kafka record header. Values are bytes; CloudEvents headers are UTF-8.
public struct KafkaHeader: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]

    public init(key: String, value: [UInt8]) {
        self.key = key
        self.value = value
    }

    public init(key: String, string: String) {
        self.init(key: key, value: Array(string.utf8))
    }

    public var stringValue: String? { String(validating: value, as: UTF8.self) }
}

extension Array where Element == KafkaHeader {
    /// The last value of a header (Kafka allows repeats; the last one wins).
    public func string(_ key: String) -> String? {
        last { $0.key == key }?.stringValue
    }
}

public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A record to produce. `partition` nil lets the partitioner choose from the key.
public struct OutgoingMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    public var partition: Int32?

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    public init(topic: String, key: String?, value: [UInt8], headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: key.map { Array($0.utf8) }, value: value, headers: headers)
    }
}

/// Where librdkafka put a produced record.
public struct DeliveryReport: Sendable, Hashable {
    public var topicPartition: TopicPartition
    public var offset: Int64
}

/// A record read by a consumer.
public struct ConsumedMessage: Sendable {
    public var topicPartition: TopicPartition
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Broker or producer timestamp, milliseconds since the epoch (-1 when absent).
    public var timestampMilliseconds: Int64

    public var topic: String { topicPartition.topic }
    public var partition: Int32 { topicPartition.partition }
    public var keyString: String? { key.flatMap { String(validating: $0, as: UTF8.self) } }
}
