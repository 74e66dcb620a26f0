import Foundation
import Logging
import OmniMessaging
import OmniPersistence
import OmniRuntime
import PostgresNIO
import PromotionsContracts
import ServiceLifecycle

/// Gives back the uses an `ApplyPromotions` held when the saga never commits nor releases
/// them (an order whose saga was lost, a forged apply): after
/// `OMNI_PROMOTIONS_HOLD_SECONDS` (1 hour; the saga decides within its step timeout, 30 s)
/// the hold is released as `ReleaseRedemptions` would, announced as `RedemptionsReleased`
/// with reason `hold-expired`. Rows are locked with `SKIP LOCKED`, so replicas share the work.
final class HoldExpiry: Service, Sendable {
    private let database: Database
    private let logger: Logger
    let holdFor: Duration

    init(database: Database, logger: Logger, holdFor: Duration) {
        self.database = database
        self.logger = logger
        self.holdFor = holdFor
    }

    static func holdDuration(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration {
        guard let text = environment["OMNI_PROMOTIONS_HOLD_SECONDS"], let seconds = Double(text), seconds > 0, seconds <= 30 * 24 * 3600 else {
            return .seconds(3_600)
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    func run() async throws {
        // Looks a few times per hold, at least every 30 s.
        let every = min(.seconds(30), max(.milliseconds(200), holdFor / 4))
        await repeatUntilShutdown(every: every, logger: logger, what: "promotion hold expiry") {
            while try await self.releaseExpired(limit: 200) == 200 {}
        }
    }

    func releaseExpired(limit: Int) async throws -> Int {
        let logger = self.logger, seconds = Double(holdFor.components.seconds) + Double(holdFor.components.attoseconds) / 1e18
        return try await database.withTransaction { connection in
            var expired: [(orderId: String, count: Int, cause: String?, correlation: String?)] = []
            let rows = try await connection.run("""
                WITH expired AS (
                    SELECT order_id, cause_id, correlation_id FROM applications
                    WHERE status = 'applied' AND updated_at < now() - make_interval(secs => \(seconds))
                    ORDER BY updated_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
                ), released AS (
                    UPDATE redemptions r SET status = 'released' FROM expired e
                    WHERE r.order_id = e.order_id AND r.status = 'held' RETURNING r.order_id
                ), marked AS (
                    UPDATE applications a SET status = 'released', updated_at = now() FROM expired e WHERE a.order_id = e.order_id
                )
                SELECT e.order_id, (SELECT count(*) FROM released x WHERE x.order_id = e.order_id)::int, e.cause_id, e.correlation_id FROM expired e
                """, logger: logger).decode((String, Int, String?, String?).self)
            for try await row in rows { expired.append(row) }
            for (orderId, count, cause, correlation) in expired {
                logger.notice("promotion hold expired", metadata: ["orderId": "\(orderId)", "redemptions": "\(count)"])
                try await CommandContext.emit(PromotionsType.redemptionsReleased, RedemptionsReleased(orderId: orderId, reason: "hold-expired", redemptions: count),
                                              subject: orderId, service: .promotions, cause: nil, correlation: correlation ?? orderId, causation: cause,
                                              on: connection, logger: logger)
            }
            return expired.count
        }
    }
}
