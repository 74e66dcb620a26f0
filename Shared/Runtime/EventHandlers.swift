import Logging
import OmniKafka
import OmniMessaging
import OmniPersistence
import PostgresNIO

/// What a handler gets: the message, and the open transaction its effects go into.
/// Events it publishes land in the outbox of the same transaction.
public struct HandlerContext: Sendable {
    public let connection: PostgresConnection
    public let message: ConsumedMessage
    public let logger: Logger
    /// Other messages share this transaction: a failure undoes their work too, and they
    /// are then handled again one per transaction.
    public let sharesTransaction: Bool

    public init(connection: PostgresConnection, message: ConsumedMessage, logger: Logger, sharesTransaction: Bool = false) {
        self.connection = connection
        self.message = message
        self.logger = logger
        self.sharesTransaction = sharesTransaction
    }

    /// Queues `event` for `topic` in this transaction's outbox.
    public func publish(_ event: CloudEvent, to topic: String, key: String) async throws {
        try await Outbox.append(event, topic: topic, key: key, on: connection, logger: logger)
    }
}

public typealias EventHandler = @Sendable (CloudEvent, HandlerContext) async throws -> Void

/// Handles consecutive events of one type together (see `EventHandlers.onBatch`).
public typealias BatchEventHandler = @Sendable ([CloudEvent], HandlerContext) async throws -> Void

/// The handlers of one consumer, by `ce_type`. A type with no handler goes to the DLQ.
public struct EventHandlers: Sendable {
    public private(set) var byType: [String: EventHandler] = [:]
    public private(set) var batchByType: [String: BatchEventHandler] = [:]
    private var unneededByType: [String: @Sendable (CloudEvent) throws -> Bool] = [:]

    public init() {}

    public mutating func on(_ type: String, _ handler: @escaping EventHandler) {
        precondition(CloudEvent.isValidType(type), "invalid ce_type \(type)")
        byType[type] = handler
        batchByType[type] = nil
    }

    /// A handler given, in order, the consecutive events of `type` that share a
    /// transaction, so it can do for all of them in one statement what it would do for
    /// each (a frequent event where most do nothing). It gets one event alone when that one
    /// is retried; the context's `message` is the first event's. A failure fails them all,
    /// and they are then handled one per transaction, as with `on`.
    public mutating func onBatch(_ type: String, _ handler: @escaping BatchEventHandler) {
        precondition(CloudEvent.isValidType(type), "invalid ce_type \(type)")
        byType[type] = { event, context in try await handler([event], context) }
        batchByType[type] = handler
    }

    /// Events of `type` its handler would do nothing with (`unneeded` says which, from the
    /// event alone) are passed over before any transaction: no inbox row, no round trip.
    /// Only for handlers whose "nothing to do" needs no database (a walk-in's till sale for a
    /// service that acts on named customers); an event the check cannot read goes to the
    /// handler, which dead-letters it as before.
    public mutating func skip(_ type: String, when unneeded: @escaping @Sendable (CloudEvent) throws -> Bool) {
        precondition(byType[type] != nil, "no handler for \(type) to skip")
        unneededByType[type] = unneeded
    }

    /// Whether `event` can be passed over without its handler (see `skip`).
    public func isUnneeded(_ event: CloudEvent) -> Bool {
        guard let unneeded = unneededByType[event.type] else { return false }
        return (try? unneeded(event)) ?? false
    }

    public var types: [String] { byType.keys.sorted() }
}

/// Thrown by a handler for input that will never succeed: dead-lettered at once.
public struct PermanentHandlerError: Error, CustomStringConvertible {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}
