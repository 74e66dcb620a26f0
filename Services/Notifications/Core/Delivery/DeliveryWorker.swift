import Foundation
import Logging
import NotificationsContracts
import OmniPersistence
import OmniRuntime
import ServiceLifecycle

/// Sends pending messages: claimed with `SKIP LOCKED` (replicas share the work), sent,
/// marked in the same transaction, `NotificationSent` through the outbox. A provider that
/// fails is retried with back-off, then `NotificationFailed`. A crash between the send and
/// the commit sends that message again: delivery is at least once, the log shows one.
final class DeliveryWorker: Service, Sendable {
    private let database: Database
    private let smtp: SMTPClient
    private let from: String
    private let logger: Logger
    static let maxAttempts = 5

    init(database: Database, smtp: SMTPClient, from: String, logger: Logger) {
        self.database = database
        self.smtp = smtp
        self.from = from
        self.logger = logger
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while try await self.deliverBatch(limit: 20) > 0 {}
                } catch {
                    self.logger.warning("delivery batch failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func deliverBatch(limit: Int) async throws -> Int {
        let logger = self.logger, smtp = self.smtp, from = self.from
        return try await database.withTransaction { connection in
            let due = try await MessageRecords.claimDue(limit: limit, on: connection, logger: logger)
            for message in due {
                let emitter = OutboxEmitter(connection: connection, logger: logger, service: .notifications, correlation: message.event.messageId)
                var event = message.event
                do {
                    try await smtp.send(SMTPClient.Message(from: from, to: message.address, subject: message.subject, body: message.body))
                    try await MessageRecords.mark(message.messageId, status: "sent", reason: nil, on: connection, logger: logger)
                    try await emitter.emit(NotificationsType.notificationSent, event, subject: event.customerId ?? event.messageId)
                } catch {
                    let permanent = (error as? SMTPClient.Refused).map { !$0.isTransient } ?? false
                    event.reason = "\(error)"
                    if permanent || message.attempts + 1 >= Self.maxAttempts {
                        try await MessageRecords.mark(message.messageId, status: "failed", reason: event.reason, on: connection, logger: logger)
                        try await emitter.emit(NotificationsType.notificationFailed, event, subject: event.customerId ?? event.messageId)
                    } else {
                        let backoff = min(300, pow(2, Double(message.attempts)))
                        try await MessageRecords.mark(message.messageId, status: "pending", reason: event.reason, retryIn: backoff, on: connection, logger: logger)
                    }
                }
            }
            return due.count
        }
    }
}
