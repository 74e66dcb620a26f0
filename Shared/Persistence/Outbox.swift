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
        let row = OutboxBuffer.Row(id: event.id, topic: topic, key: key, attributes: event.attributes, payload: ByteBuffer(bytes: event.data))
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
        var attributes: CloudEvent.Attributes
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
            let row = rows[0], a = row.attributes
            try await connection.run("""
                INSERT INTO outbox (id, topic, message_key, type, source, event_time, subject, content_type,
                                    correlation_id, causation_id, channel, traceparent, payload)
                VALUES (\(row.id), \(row.topic), \(row.key), \(a.type), \(a.source), \(a.time), \(a.subject), \(a.contentType),
                        \(a.correlationID), \(a.causationID), \(a.channel), \(a.traceparent), \(row.payload))
                """, logger: logger)
        default:
            // `sequence` follows the order of the arrays: the relay publishes in that order.
            // Text arrays carry no NULLs here: an absent attribute travels as '' and is put back.
            let attributes = rows.map(\.attributes)
            func optional(_ values: [String?]) -> [String] { values.map { $0 ?? "" } }
            try await connection.run("""
                INSERT INTO outbox (id, topic, message_key, type, source, event_time, subject, content_type,
                                    correlation_id, causation_id, channel, traceparent, payload)
                SELECT id, topic, message_key, type, source, event_time, NULLIF(subject, ''), content_type,
                       NULLIF(correlation_id, ''), NULLIF(causation_id, ''), NULLIF(channel, ''), NULLIF(traceparent, ''), payload
                FROM unnest(\(rows.map(\.id)), \(rows.map(\.topic)), \(rows.map(\.key)), \(attributes.map(\.type)), \(attributes.map(\.source)),
                            \(attributes.map(\.time)), \(optional(attributes.map(\.subject))), \(attributes.map(\.contentType)),
                            \(optional(attributes.map(\.correlationID))), \(optional(attributes.map(\.causationID))),
                            \(optional(attributes.map(\.channel))), \(optional(attributes.map(\.traceparent))), \(rows.map(\.payload)))
                     WITH ORDINALITY AS r (id, topic, message_key, type, source, event_time, subject, content_type,
                                           correlation_id, causation_id, channel, traceparent, payload, position)
                ORDER BY position
                """, logger: logger)
        }
    }
}
