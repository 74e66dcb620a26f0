/// Typed configuration for Omni's Kafka clients, with an escape hatch (`properties`)
/// for any librdkafka property the typed fields do not cover.
public struct KafkaConfiguration: Sendable {
    /// `host:port[,host:port]` of the brokers (the dev broker or a real Kafka).
    public var bootstrapServers: String
    /// `client.id`, visible in broker logs.
    public var clientID: String
    /// Any librdkafka property; applied last, so it overrides the typed fields.
    public var properties: [String: String]

    public init(bootstrapServers: String, clientID: String, properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
    }

    var baseProperties: [String: String] {
        ["bootstrap.servers": bootstrapServers, "client.id": clientID]
    }
}

/// Producer settings. Defaults give the outbox relay what DESIGN.md asks for:
/// idempotence, `acks=all`, murmur2 partitioning so keys land where Java clients put them.
public struct KafkaProducerConfiguration: Sendable {
    public var kafka: KafkaConfiguration
    /// `linger.ms`: how long librdkafka waits to fill a batch. A fifth of a millisecond: the
    /// outbox relay hands over a whole batch at once (enqueued well within it), so waiting
    /// longer only delays each hop of a saga; not waiting at all sends a busy relay's batch
    /// in pieces (measured: 0 ms cost 9 % more CPU per order at the maximum, docs/benchmarks.md).
    public var lingerMilliseconds: Double = 0.2
    /// `message.timeout.ms`: a delivery report fails after this long.
    public var messageTimeoutMilliseconds: Int = 30_000
    /// `queue.buffering.max.messages`: the local queue librdkafka keeps.
    public var maxQueuedMessages: Int = 100_000

    public init(kafka: KafkaConfiguration) { self.kafka = kafka }

    var librdkafkaProperties: [String: String] {
        var p = kafka.baseProperties
        p["enable.idempotence"] = "true"
        p["acks"] = "all"
        p["partitioner"] = "murmur2_random"
        p["linger.ms"] = String(lingerMilliseconds)
        p["message.timeout.ms"] = String(messageTimeoutMilliseconds)
        p["queue.buffering.max.messages"] = String(maxQueuedMessages)
        p.merge(kafka.properties) { _, override in override }
        return p
    }
}

/// Consumer-group settings. Offsets are stored by the application only after its
/// transaction commits (`enable.auto.offset.store=false`) and committed in the background
/// and on revoke/close.
public struct KafkaConsumerConfiguration: Sendable {
    public var kafka: KafkaConfiguration
    public var groupID: String
    public var topics: [String]
    /// `fetch.wait.max.ms`: keep low on the dev stack (PRACTICES.md: 500 ms default → 258 ms p50 hop).
    public var fetchWaitMaxMilliseconds: Int = 10
    /// `session.timeout.ms`: how long a member that stopped heartbeating (a `kill -9`, a
    /// lost host) keeps its partitions before the group gives them to another. Kafka's
    /// least (`group.min.session.timeout.ms`): librdkafka heartbeats from a thread of its
    /// own, so a busy service does not miss them, and every second here is a second the
    /// dead member's partitions stand still (chaos: 10 s left 371 of 1,200 orders past the
    /// saga's timeout where 6 s left none).
    public var sessionTimeoutMilliseconds: Int = 6_000
    /// `heartbeat.interval.ms`: a third of the session timeout, as Kafka advises.
    public var heartbeatIntervalMilliseconds: Int = 2_000
    public var maxPollIntervalMilliseconds: Int = 300_000
    public var autoCommitIntervalMilliseconds: Int = 1_000
    /// Where a group with no committed offset starts.
    public var startFromEarliest: Bool = true
    /// Messages buffered between the poll thread and the application; past it the
    /// consumer pauses its partitions, so librdkafka's own queue bounds memory.
    public var bufferCapacity: Int = 1_000

    public init(kafka: KafkaConfiguration, groupID: String, topics: [String]) {
        self.kafka = kafka
        self.groupID = groupID
        self.topics = topics
    }

    var librdkafkaProperties: [String: String] {
        var p = kafka.baseProperties
        p["group.id"] = groupID
        p["enable.auto.commit"] = "true"
        p["enable.auto.offset.store"] = "false"
        p["auto.commit.interval.ms"] = String(autoCommitIntervalMilliseconds)
        p["auto.offset.reset"] = startFromEarliest ? "earliest" : "latest"
        p["fetch.wait.max.ms"] = String(fetchWaitMaxMilliseconds)
        p["session.timeout.ms"] = String(sessionTimeoutMilliseconds)
        p["heartbeat.interval.ms"] = String(heartbeatIntervalMilliseconds)
        p["max.poll.interval.ms"] = String(maxPollIntervalMilliseconds)
        p["partition.assignment.strategy"] = "range,roundrobin"
        p["enable.partition.eof"] = "false"
        p.merge(kafka.properties) { _, override in override }
        return p
    }
}
