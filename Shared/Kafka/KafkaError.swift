import CRdKafka

/// An error from librdkafka, with its code and message.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(_ err: rd_kafka_resp_err_t, context: String? = nil) {
        self.code = err.rawValue
        let text = String(cString: rd_kafka_err2str(err))
        self.message = context.map { "\($0): \(text)" } ?? text
    }

    /// The local queue is full: back off and try again, never block.
    public var isQueueFull: Bool { code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue }

    /// The broker (or librdkafka before it) refuses this message as it is, however often it
    /// is sent: too large, malformed, a topic name Kafka cannot have. A broker that is down
    /// or a topic not created yet are not refusals: they pass.
    public var refusesMessageForGood: Bool {
        [RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE,
         RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION].contains { $0.rawValue == code }
    }

    public var description: String { "KafkaError(\(code)): \(message)" }

    static func configuration(_ message: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: message)
    }

    static let closed = KafkaError(code: RD_KAFKA_RESP_ERR__DESTROY.rawValue, message: "client is closed")
}
