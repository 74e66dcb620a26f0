import Foundation
import Logging
import OmniPersistence
import OmniRuntime
import ServiceLifecycle

/// Keeps memberships current when nothing happens: every interval it takes the customers
/// whose review is due (a segment was defined, a purchase left a window), re-evaluates a
/// batch in one transaction with its events, and goes on until none is due.
final class SegmentReviews: Service, Sendable {
    private let database: Database
    private let logger: Logger
    private let interval: Duration
    private let batch: Int

    init(database: Database, logger: Logger, interval: Duration = .seconds(1), batch: Int = 200) {
        self.database = database
        self.logger = logger
        self.interval = interval
        self.batch = batch
    }

    func run() async throws {
        await repeatUntilShutdown(every: interval, logger: logger, what: "segment review") {
            while try await self.reviewDue() == self.batch, !Task.isCancelled {}
        }
    }

    /// Re-evaluates up to one batch of due customers; returns how many.
    func reviewDue() async throws -> Int {
        let logger = self.logger, batch = self.batch
        return try await database.withTransaction { connection in
            let due = try await SegmentRecords.lockDueReviews(limit: batch, on: connection, logger: logger)
            let emitter = OutboxEmitter(connection: connection, logger: logger, service: .customers, correlation: "segment-review")
            for customer in due.sorted(by: { $0.uuidString < $1.uuidString }) { try await SegmentHandlers.reevaluate(customer, emitter: emitter) }
            if !due.isEmpty { logger.info("segment memberships reviewed", metadata: ["customers": "\(due.count)"]) }
            return due.count
        }
    }
}
