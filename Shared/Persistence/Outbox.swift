import Foundation
import NIOCore
import OmniKafka
import OmniMessaging
import PostgresNIO
import Synchronization

/// Writes events into the outbox table inside the caller's transaction; the relay
/// publishes them after commit. Nothing is published for a rolled-back transaction.
///
/// Inside `Database.withTransaction` the rows are gathered (`OutboxBuffer`) and written
/// in one statement just before COMMIT: a handler emits several events, and each
/// statement costs a round trip and a parse/plan in Postgres (PRACTICES.md: statements,
/// not bytes, are what the system spends its CPU on). Elsewhere each is written at once.
public enum Outbox {
    public static func append(_ event: CloudEvent, topic: String, key: String, on connection: PostgresConnection, logger: Logger) async throws {
        let row = OutboxBuffer.Row(id: event.id, topic: topic, key: key, type: event.type,
                                   headersJSON: OutboxHeaders.json(event.kafkaHeaders), payload: ByteBuffer(bytes: event.data))
        if let buffer = OutboxBuffer.current {
            buffer.append(row)
        } else {
            try await OutboxBuffer.insert([row], on: connection, logger: logger)
        }
    }
}

/// The outbox rows of the current transaction, not yet written. Savepoint-aware: rows
/// appended after a savepoint go when the transaction rolls back to it.
public final class OutboxBuffer: Sendable {
    struct Row: Sendable {
        var id: UUID
        var topic: String
        var key: String
        var type: String
        var headersJSON: String
        var payload: ByteBuffer
    }

    /// The buffer of the transaction the current task runs in (set by `Database.withTransaction`).
    @TaskLocal public static var current: OutboxBuffer?

    private let rows = Mutex<[Row]>([])

    public init() {}

    func append(_ row: Row) { rows.withLock { $0.append(row) } }

    /// A position to roll back to (taken with a `SAVEPOINT`).
    public func mark() -> Int { rows.withLock { $0.count } }

    /// Forgets the rows appended since `mark` (with `ROLLBACK TO SAVEPOINT`).
    public func rollback(to mark: Int) { rows.withLock { $0.removeSubrange(min(mark, $0.count)...) } }

    /// Writes the gathered rows, in order, in one statement.
    public func flush(on connection: PostgresConnection, logger: Logger) async throws {
        let pending = rows.withLock { rows in
            defer { rows = [] }
            return rows
        }
        try await Self.insert(pending, on: connection, logger: logger)
    }

    static func insert(_ rows: [Row], on connection: PostgresConnection, logger: Logger) async throws {
        switch rows.count {
        case 0:
            return
        case 1:
            let row = rows[0]
            try await connection.run("""
                INSERT INTO outbox (id, topic, message_key, type, headers, payload)
                VALUES (\(row.id), \(row.topic), \(row.key), \(row.type), \(row.headersJSON)::jsonb, \(row.payload))
                """, logger: logger)
        default:
            // `sequence` follows the order of the arrays: the relay publishes in that order.
            try await connection.run("""
                INSERT INTO outbox (id, topic, message_key, type, headers, payload)
                SELECT id, topic, message_key, type, headers::jsonb, payload
                FROM unnest(\(rows.map(\.id)), \(rows.map(\.topic)), \(rows.map(\.key)), \(rows.map(\.type)),
                            \(rows.map(\.headersJSON)), \(rows.map(\.payload)))
                     WITH ORDINALITY AS r (id, topic, message_key, type, headers, payload, position)
                ORDER BY position
                """, logger: logger)
        }
    }
}

/// The outbox's `headers` column: a flat JSON object of header name → text value.
/// Written by hand (a few string appends instead of a `JSONEncoder` run per event) and
/// split back into pairs by Postgres (`jsonb_each_text`) when the relay reads it.
public enum OutboxHeaders {
    /// `{"name":"value",...}`; a repeated name keeps its last value, a header that is not
    /// UTF-8 text is left out.
    public static func json(_ headers: [KafkaHeader]) -> String {
        var json = "{"
        var written = Set<String>()
        // Backwards, so the last of a repeated name is the one kept.
        for header in headers.reversed() where written.insert(header.key).inserted {
            guard let value = header.stringValue else { continue }
            if json.utf8.count > 1 { json += "," }
            appendQuoted(header.key, to: &json)
            json += ":"
            appendQuoted(value, to: &json)
        }
        return json + "}"
    }

    /// A JSON string literal (RFC 8259): quote, backslash and control characters escaped.
    private static func appendQuoted(_ text: String, to json: inout String) {
        json += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }
}
