import CatalogContracts
import Foundation
import Logging
import OmniMessaging
import OmniRuntime
import PostgresNIO

/// Publishes catalog events into the outbox of the current transaction: caused-by the
/// command being handled, or (for the expiry poller) correlated to the order.
struct CatalogEmitter: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    let cause: CloudEvent?
    let correlation: String?

    init(_ context: CommandContext) {
        connection = context.connection
        logger = context.logger
        cause = context.command
        correlation = nil
    }

    init(connection: PostgresConnection, logger: Logger, correlation: String?) {
        self.connection = connection
        self.logger = logger
        cause = nil
        self.correlation = correlation
    }

    var commandID: UUID? { cause?.id }

    func emit(_ type: String, _ payload: some Encodable, subject: String, key: String? = nil) async throws {
        try await CommandContext.emit(type, payload, subject: subject, key: key, service: .catalog, cause: cause,
                                      correlation: correlation, on: connection, logger: logger)
    }
}
