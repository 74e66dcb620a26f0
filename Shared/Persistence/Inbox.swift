import OmniKafka
import OmniMessaging
import PostgresNIO

/// Idempotent inbox: a message id is recorded in the same transaction as its effects.
public enum Inbox {
    /// Records `event` for `consumer`; false when it was handled before (skip it).
    public static func claim(consumer: String, event: CloudEvent, message: ConsumedMessage, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("""
            INSERT INTO inbox (consumer, message_id, type, topic, kafka_partition, kafka_offset)
            VALUES (\(consumer), \(event.id), \(event.type), \(message.topic), \(Int(message.partition)), \(message.offset))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
