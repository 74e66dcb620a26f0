import Foundation
import Logging
import OmniPersistence
import OmniRuntime
import ServiceLifecycle

/// Releases holds that ran out, by itself: every second it locks expired held
/// reservations (`SKIP LOCKED`, so replicas share the work) and releases them with the
/// reason `expired`, in one transaction with their events.
final class ReservationExpiry: Service, Sendable {
    private let database: Database
    private let logger: Logger
    private let interval: Duration

    init(database: Database, logger: Logger, interval: Duration = .seconds(1)) {
        self.database = database
        self.logger = logger
        self.interval = interval
    }

    func run() async throws {
        await repeatUntilShutdown(every: interval, logger: logger, what: "reservation expiry") {
            while try await self.releaseExpired(limit: 100) == 100 {}
        }
    }

    /// Releases up to `limit` expired reservations; returns how many.
    func releaseExpired(limit: Int) async throws -> Int {
        let logger = self.logger
        return try await database.withTransaction { connection in
            let expired = try await ReservationRecords.lockExpired(limit: limit, on: connection, logger: logger)
            for held in expired {
                let emitter = OutboxEmitter(connection: connection, logger: logger, service: .catalog, correlation: held.correlationId ?? held.orderId,
                                            causation: held.causeId)
                try await ReservationHandlers.release(held, reason: "expired", emitter: emitter)
            }
            if !expired.isEmpty { logger.info("reservations expired", metadata: ["count": "\(expired.count)"]) }
            return expired.count
        }
    }
}
