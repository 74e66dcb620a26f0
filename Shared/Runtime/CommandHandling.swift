import Foundation
import Logging
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// What a command handler gets: the command's envelope, its open transaction, and a way
/// to publish the service's own events caused-by the command.
public struct CommandContext: Sendable {
    public let command: CloudEvent
    public let handler: HandlerContext
    public let service: ServiceName

    public var connection: PostgresConnection { handler.connection }
    public var logger: Logger { handler.logger }

    /// Queues an event of this service on its `*.events` topic, caused-by the command.
    public func emit(_ type: String, _ payload: some Encodable, subject: String, key: String? = nil) async throws {
        try await CommandContext.emit(type, payload, subject: subject, key: key, service: service, cause: command, on: connection, logger: logger)
    }

    /// The same with the event's data already encoded as JSON (an answer stored as it was sent).
    public func emit(_ type: String, json data: [UInt8], subject: String, key: String? = nil) async throws {
        try await CommandContext.emit(type, json: data, subject: subject, key: key, service: service, cause: command, on: connection, logger: logger)
    }

    /// The same for work that no command caused (a timer, a poller): `correlation` ties it
    /// to its journey.
    public static func emit(_ type: String, _ payload: some Encodable, subject: String, key: String? = nil, service: ServiceName,
                            cause: CloudEvent?, correlation: String? = nil, causation: String? = nil, on connection: PostgresConnection,
                            logger: Logger) async throws {
        try await emit(type, json: Array(try JSONCoding.encoder.encode(payload)), subject: subject, key: key, service: service, cause: cause,
                       correlation: correlation, causation: causation, on: connection, logger: logger)
    }

    private static func emit(_ type: String, json data: [UInt8], subject: String, key: String?, service: ServiceName,
                             cause: CloudEvent?, correlation: String? = nil, causation: String? = nil, on connection: PostgresConnection,
                             logger: Logger) async throws {
        let source = "/services/\(service.rawValue)"
        let event = if let cause {
            CloudEvent(type: type, source: source, subject: subject, data: data, causedBy: cause)
        } else {
            CloudEvent(type: type, source: source, subject: subject, correlationID: correlation, causationID: causation, data: data)
        }
        try await Outbox.append(event, topic: Topics.events(service), key: key ?? subject, on: connection, logger: logger)
    }
}

extension EventHandlers {
    /// Registers the handler of a command of `service`. The payload is decoded as `Command`
    /// (undecodable → DLQ). A `Rejection` thrown by `body` undoes the handler's writes and
    /// publishes `omni.<service>.CommandRejected.v1` with the reason, so the sender learns
    /// why and nothing else is lost. Alone in its transaction, a command's writes are undone
    /// with a savepoint; in a transaction other messages share, the rejection fails the
    /// transaction, and its messages are handled again one per transaction. Rejections are
    /// rare, so a shared run saves the `SAVEPOINT` round trip of every command in it.
    public mutating func command<Command: Decodable & Sendable>(
        _ type: String, as _: Command.Type, service: ServiceName,
        _ body: @escaping @Sendable (Command, CommandContext) async throws -> Void
    ) {
        let body: @Sendable (Command, CommandContext) async throws -> Void = { command, context in
            // A saga's steps come from the saga's owner only (see `SagaStep`).
            if let step = Command.self as? any SagaStep.Type,
               let violation = ChannelSource.sagaViolation(step, type: context.command.type, source: context.command.source) {
                throw violation
            }
            // A channel acts only as itself and for its own store (see `ActsForChannel`).
            if let acting = command as? any ActsForChannel, let source = ChannelSource(context.command.source),
               let violation = source.violation(envelopeChannel: context.command.channel, command: acting) {
                throw violation
            }
            try await body(command, context)
        }
        on(type) { event, handlerContext in
            let command = try event.decode(Command.self)
            let context = CommandContext(command: event, handler: handlerContext, service: service)
            if handlerContext.sharesTransaction {
                try await body(command, context)
                return
            }
            // Never released: COMMIT ends it, which saves a statement.
            try await handlerContext.connection.run("SAVEPOINT command", logger: handlerContext.logger)
            let outboxMark = OutboxBuffer.current?.mark()
            do {
                try await body(command, context)
            } catch let rejection as Rejection {
                try await handlerContext.connection.run("ROLLBACK TO SAVEPOINT command", logger: handlerContext.logger)
                if let outboxMark { OutboxBuffer.current?.rollback(to: outboxMark) }
                handlerContext.logger.info("command rejected", metadata: [
                    "type": "\(event.type)", "id": "\(event.id)", "reason": "\(rejection.code)", "message": "\(rejection.message)",
                ])
                let subject = event.subject ?? event.id.uuidString.lowercased()
                try await context.emit(
                    "omni.\(service.rawValue).CommandRejected.v1",
                    CommandRejected(commandID: event.id.uuidString.lowercased(), commandType: event.type, reasonCode: rejection.code,
                                    message: rejection.message, subject: event.subject),
                    subject: subject, key: handlerContext.message.keyString ?? subject)
            }
        }
    }
}
