import Foundation
import Logging
import NotificationsContracts
import OmniMessaging
import OmniPersistence
import OmniRuntime
import ServiceLifecycle

/// Sends due messages, at most once each:
/// 1. claims a batch (`SKIP LOCKED`, replicas share the work) and marks it `sending` in a
///    short transaction of its own;
/// 2. hands the batch to the providers concurrently, with no database lock held;
/// 3. records each outcome with its event (`NotificationSent`, or `NotificationFailed`
///    once a provider refused for good or the attempts ran out; a transient failure goes
///    back to `pending` with back-off).
/// A process killed between 1 and 3 leaves rows in `sending`: once their lease is over
/// they fail as `outcome-unknown` instead of being sent a second time.
final class DeliveryWorker: Service, Sendable {
    struct Settings: Sendable {
        var batch = 32
        var maxAttempts = 5
        /// How long a claimed message may stay `sending` before it counts as abandoned.
        var lease: Duration = .seconds(60)
        var idle: Duration = .milliseconds(200)
    }

    private let database: Database
    private let providers: Providers
    private let settings: Settings
    private let logger: Logger

    init(database: Database, providers: Providers, settings: Settings = Settings(), logger: Logger) {
        self.database = database
        self.providers = providers
        self.settings = settings
        self.logger = logger
    }

    func run() async throws {
        await repeatUntilShutdown(every: settings.idle, logger: logger, what: "delivery batch") {
            try await self.failAbandoned()
            while try await self.deliverBatch() > 0, !Task.isCancelled {}
        }
    }

    /// Claims, sends and records one batch; returns how many messages it took.
    func deliverBatch() async throws -> Int {
        let logger = self.logger, batch = settings.batch
        let claimed = try await database.withTransaction { connection in
            try await MessageRecords.claimDue(limit: batch, on: connection, logger: logger)
        }
        guard !claimed.isEmpty else { return 0 }
        FaultPoints.hit("notifications.after-claim")
        let providers = self.providers
        let outcomes = await withTaskGroup(of: (MessageRecords.Claimed, DeliveryFailure?).self) { group in
            for message in claimed {
                group.addTask {
                    let medium = DeliveryRules.Medium(rawValue: message.event.medium) ?? .email
                    do throws(DeliveryFailure) {
                        try await providers.send(Outgoing(messageId: message.event.messageId, medium: medium, address: message.address,
                                                          subject: message.subject, body: message.body))
                        return (message, nil)
                    } catch {
                        return (message, error)
                    }
                }
            }
            var outcomes: [(MessageRecords.Claimed, DeliveryFailure?)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        FaultPoints.hit("notifications.after-send")
        try await record(outcomes)
        return claimed.count
    }

    /// Records the batch's outcomes in one statement, then the events of the ones still its own.
    private func record(_ outcomes: [(MessageRecords.Claimed, DeliveryFailure?)]) async throws {
        let logger = self.logger, maxAttempts = settings.maxAttempts
        let decided = outcomes.map { message, failure -> (message: MessageRecords.Claimed, outcome: MessageRecords.Outcome) in
            let id = UUID(uuidString: message.event.messageId)!
            guard let failure else { return (message, .init(messageId: id, status: "sent")) }
            guard failure.transient, message.attempts < maxAttempts else {
                return (message, .init(messageId: id, status: "failed", reason: failure.description))
            }
            let backoff = min(300, pow(2, Double(message.attempts - 1)))
            return (message, .init(messageId: id, status: "pending", reason: failure.description, retryIn: backoff))
        }
        try await database.withTransaction { connection in
            let recorded = try await MessageRecords.finish(decided.map(\.outcome), on: connection, logger: logger)
            for (message, outcome) in decided where recorded.contains(outcome.messageId) {
                var event = message.event
                event.reason = outcome.reason
                let emitter = OutboxEmitter(connection: connection, logger: logger, service: .notifications,
                                            correlation: message.correlation ?? event.messageId, causation: message.causation)
                let subject = event.customerId ?? event.messageId
                switch outcome.status {
                case "sent": try await emitter.emit(NotificationsType.notificationSent, event, subject: subject)
                case "failed": try await emitter.emit(NotificationsType.notificationFailed, event, subject: subject)
                default: continue  // pending again: nothing to tell yet
                }
            }
        }
    }

    /// Fails the messages a dead process left in `sending`.
    func failAbandoned() async throws {
        let logger = self.logger, lease = Double(settings.lease.components.seconds)
        try await database.withTransaction { connection in
            for (event, correlation, causation) in try await MessageRecords.failAbandoned(lease: lease, on: connection, logger: logger) {
                try await OutboxEmitter(connection: connection, logger: logger, service: .notifications, correlation: correlation ?? event.messageId,
                                        causation: causation)
                    .emit(NotificationsType.notificationFailed, event, subject: event.customerId ?? event.messageId)
                logger.warning("message abandoned mid-send, not resent", metadata: ["message": "\(event.messageId)"])
            }
        }
    }
}
