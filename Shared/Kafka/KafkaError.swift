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

    public var description: String { "KafkaError(\(code)): \(message)" }

    static func configuration(_ message: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: message)
    }

    static let closed = KafkaError(code: RD_KAFKA_RESP_ERR__DESTROY.rawValue, message: "client is closed")
}
