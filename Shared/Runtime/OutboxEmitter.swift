import Foundation
import Logging
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// Writes a service's events, and the commands it sends to other services, into the
/// outbox of the current transaction. Everything is caused by `cause` when there is one
/// (a command, another service's event) and correlated to its journey otherwise (a timer).
public struct OutboxEmitter: Sendable {
    public let connection: PostgresConnection
    public let logger: Logger
    public let service: ServiceName
    public let cause: CloudEvent?
    public let correlation: String?
    /// Without a `cause` at hand (a timer, a worker), the id of the message that set the
    /// work going, kept with it: what it emits names it as its `ce_causationid`.
    public let causation: String?

    public init(_ context: CommandContext) {
        self.init(connection: context.connection, logger: context.logger, service: context.service, cause: context.command)
    }

    public init(_ context: HandlerContext, service: ServiceName, cause: CloudEvent) {
        self.init(connection: context.connection, logger: context.logger, service: service, cause: cause)
    }

    public init(connection: PostgresConnection, logger: Logger, service: ServiceName, cause: CloudEvent? = nil, correlation: String? = nil,
                causation: String? = nil) {
        self.connection = connection
        self.logger = logger
        self.service = service
        self.cause = cause
        self.correlation = correlation
        self.causation = causation
    }

    /// The id of what caused what this emitter writes: its cause's, or the one kept for a timer.
    public var causationID: String? { cause?.id.uuidString.lowercased() ?? causation }

    /// The journey what this emitter writes belongs to.
    public var correlationID: String? { cause.map { $0.correlationID ?? $0.id.uuidString.lowercased() } ?? correlation }

    /// The id of the command being handled, if any.
    public var commandID: UUID? { cause?.id }

    /// An event of this service on its `*.events` topic.
    public func emit(_ type: String, _ payload: some Encodable, subject: String, key: String? = nil) async throws {
        try await CommandContext.emit(type, payload, subject: subject, key: key, service: service, cause: cause,
                                      correlation: correlation, causation: causation, on: connection, logger: logger)
    }

    /// A command to `target`'s `*.commands` topic, keyed by `key` so its steps stay in order there.
    @discardableResult
    public func send(_ type: String, _ payload: some Encodable, to target: ServiceName, subject: String, key: String? = nil) async throws -> UUID {
        let source = "/services/\(service.rawValue)"
        let event = if let cause {
            try CloudEvent(type: type, source: source, subject: subject, payload: payload, causedBy: cause)
        } else {
            try CloudEvent(type: type, source: source, subject: subject, payload: payload, correlationID: correlation ?? subject, causationID: causation)
        }
        try await Outbox.append(event, topic: Topics.commands(target), key: key ?? subject, on: connection, logger: logger)
        return event.id
    }
}
