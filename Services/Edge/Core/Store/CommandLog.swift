import Foundation
import Logging
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// A command the edge sent, as its `commands` row says, with its outcome once known.
struct CommandRecord: Sendable {
    var id: UUID
    var client: String
    var type: String
    var digest: String
    var acceptedAt: Date
    var outcome: Outcome?

    struct Outcome: Sendable {
        var type: String
        /// 200 for a success, 422 for a refusal.
        var status: Int
        var eventID: UUID?
        /// The ending event's data (JSON text as published).
        var data: String?
        var at: Date
    }
}

/// The edge's table of sent commands: one row per client and idempotency key, written
/// with the command's outbox row in one transaction, so a command is published once and
/// only if its row exists.
enum CommandLog {
    /// Records `admitted` and queues it for publishing; a command already recorded (a
    /// retry) is returned as it stands and not queued again.
    static func record(_ admitted: AdmittedCommand, database: Database) async throws -> (record: CommandRecord, isNew: Bool) {
        try await database.withTransaction { connection in
            let inserted = try await connection.run("""
                INSERT INTO commands (command_id, client, idempotency_key, type, digest, awaits, rejects)
                VALUES (\(admitted.id), \(admitted.client), \(admitted.idempotencyKey), \(admitted.command.type), \(admitted.digest),
                        \(admitted.command.awaits)::text[], \(admitted.command.rejects)::text[])
                ON CONFLICT (command_id) DO NOTHING
                RETURNING accepted_at
                """, logger: database.logger).all()
            if let row = inserted.first {
                try await Outbox.append(admitted.event, topic: admitted.command.topic, key: admitted.recordKey, on: connection, logger: database.logger)
                let acceptedAt = try row.decode(Date.self)
                return (CommandRecord(id: admitted.id, client: admitted.client, type: admitted.command.type, digest: admitted.digest, acceptedAt: acceptedAt), true)
            }
            guard let existing = try await find(admitted.id, on: connection, logger: database.logger) else {
                throw DatabaseError.connectionLost
            }
            return (existing, false)
        }
    }

    static func find(_ id: UUID, database: Database) async throws -> CommandRecord? {
        try await database.withConnection { connection in try await find(id, on: connection, logger: database.logger) }
    }

    static func find(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CommandRecord? {
        let rows = try await connection.run("""
            SELECT command_id, client, type, digest, accepted_at, outcome_type, outcome_status, outcome_event, outcome_data, outcome_at
            FROM commands WHERE command_id = \(id)
            """, logger: logger).all()
        guard let row = rows.first else { return nil }
        let (id, client, type, digest, acceptedAt, outcomeType, status, eventID, data, at) =
            try row.decode((UUID, String, String, String, Date, String?, Int?, UUID?, String?, Date?).self)
        var record = CommandRecord(id: id, client: client, type: type, digest: digest, acceptedAt: acceptedAt)
        if let outcomeType, let status, let at {
            record.outcome = CommandRecord.Outcome(type: outcomeType, status: status, eventID: eventID, data: data, at: at)
        }
        return record
    }

    /// An event that may end a command the edge sent.
    struct EndingCandidate: Sendable {
        var eventID: UUID
        var type: String
        var causation: UUID?
        var correlation: UUID?
        var data: String?
    }

    /// Records the outcome of every command one of `events` ends (the first ending event
    /// wins) and notifies the waiting requests (`channel`); returns the commands ended.
    @discardableResult
    static func recordOutcomes(_ events: [EndingCandidate], notify channel: String, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        guard !events.isEmpty else { return [] }
        let rejected = "%.CommandRejected.v1"
        // No causation or correlation: an id no command has.
        let none = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let rows = try await connection.run("""
            WITH ended AS (
                UPDATE commands c SET outcome_type = e.type,
                    outcome_status = CASE WHEN e.type = ANY(c.rejects) OR e.type LIKE \(rejected) THEN 422 ELSE 200 END,
                    outcome_event = e.id, outcome_data = NULLIF(e.data, ''), outcome_at = now()
                FROM unnest(\(events.map(\.eventID))::uuid[], \(events.map(\.type))::text[], \(events.map { $0.causation ?? none })::uuid[],
                            \(events.map { $0.correlation ?? none })::uuid[], \(events.map { $0.data ?? "" })::text[]) AS e(id, type, causation, correlation, data)
                WHERE c.outcome_type IS NULL
                  AND ((c.command_id = e.causation AND (cardinality(c.awaits) = 0 OR e.type LIKE \(rejected) OR e.type = ANY(c.awaits)))
                       OR (c.command_id = e.correlation AND e.type = ANY(c.awaits)))
                RETURNING c.command_id
            )
            SELECT ended.command_id FROM ended, LATERAL (SELECT pg_notify(\(channel), ended.command_id::text)) AS notified
            """, logger: logger).all()
        return try rows.map { try $0.decode(UUID.self) }
    }
}

extension PostgresRows {
    /// Every row, read to the end.
    func all() async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in self { rows.append(row) }
        return rows
    }
}
