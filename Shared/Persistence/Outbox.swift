import Foundation
import NIOCore
import OmniMessaging
import PostgresNIO

/// Writes events into the outbox table inside the caller's transaction; the relay
/// publishes them after commit. Nothing is published for a rolled-back transaction.
public enum Outbox {
    public static func append(_ event: CloudEvent, topic: String, key: String, on connection: PostgresConnection, logger: Logger) async throws {
        var headers: [String: String] = [:]
        for header in event.kafkaHeaders { headers[header.key] = header.stringValue }
        let headersJSON = String(decoding: try JSONCoding.encoder.encode(headers), as: UTF8.self)
        let payload = ByteBuffer(bytes: event.data)
        try await connection.query("""
            INSERT INTO outbox (id, topic, message_key, type, headers, payload)
            VALUES (\(event.id), \(topic), \(key), \(event.type), \(headersJSON)::jsonb, \(payload))
            """, logger: logger)
    }
}
