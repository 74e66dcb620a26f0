import Foundation
import Logging
import OmniPersistence
import OmniRuntime
import OrdersContracts
import ServiceLifecycle

/// The saga's clock: every second it gives up on steps that waited past their deadline
/// (`timedOut`, compensated by `OrderSaga`) and cancels click & collect orders nobody
/// collected in time. Rows are locked with `SKIP LOCKED`, so replicas share the work.
final class OrderTimers: Service, Sendable {
    private let database: Database
    private let logger: Logger
    private let policy: OrdersPolicy

    init(database: Database, logger: Logger, policy: OrdersPolicy) {
        self.database = database
        self.logger = logger
        self.policy = policy
    }

    func run() async throws {
        // After a start (a restart after a crash, say) the participants' answers may be
        // waiting in Kafka: give the consumer one full step timeout to read them before
        // giving up on any step.
        let timeoutsFrom = ContinuousClock.now + policy.stepTimeout
        await repeatUntilShutdown(every: policy.timerInterval, logger: logger, what: "order timers") {
            if ContinuousClock.now >= timeoutsFrom { while try await self.timeOutSteps(limit: 100) == 100 {} }
            while try await self.cancelUncollected(limit: 100) == 100 {}
            while try await self.announceAbandonedCarts(limit: 100) == 100 {}
            while try await self.expireQuotes(limit: 100) == 100 {}
        }
    }

    func timeOutSteps(limit: Int) async throws -> Int {
        let logger = self.logger, policy = self.policy
        return try await database.withTransaction { connection in
            let overdue = try await OrderRecords.lockOverdue(limit: limit, on: connection, logger: logger)
            for order in overdue {
                logger.notice("saga step timed out", metadata: ["orderId": "\(order.orderId)", "step": "\(order.sagaStep.rawValue)"])
                // Caused by the step's command that got no answer in time.
                let pending = switch order.sagaStep {
                case .applyingPromotions: order.promotionsCommandId
                case .holdingPoints: order.loyaltyCommandId
                default: order.reserveCommandId
                }
                let emitter = OrdersEmitter(connection: connection, logger: logger, correlation: order.correlationId,
                                            causation: (pending ?? order.reserveCommandId)?.uuidString.lowercased())
                try await SagaExecutor.handle(.timedOut, order: order, emitter: emitter, policy: policy)
            }
            return overdue.count
        }
    }

    func cancelUncollected(limit: Int) async throws -> Int {
        let logger = self.logger
        return try await database.withTransaction { connection in
            let uncollected = try await OrderRecords.lockUncollected(limit: limit, on: connection, logger: logger)
            for order in uncollected {
                let emitter = OrdersEmitter(connection: connection, logger: logger, correlation: order.correlationId)
                try await LifecycleHandlers.cancel(order, reason: "not-collected", emitter: emitter)
            }
            return uncollected.count
        }
    }

    /// Carts idle past the shop's limit: announced once each (notifications remind where
    /// consent allows; analytics count them).
    func announceAbandonedCarts(limit: Int) async throws -> Int {
        let logger = self.logger, idleSince = Date().addingTimeInterval(-policy.cartAbandonedAfter.seconds)
        return try await database.withTransaction { connection in
            let carts = try await CartRecords.claimAbandoned(idleSince: idleSince, limit: limit, on: connection, logger: logger)
            for cart in carts {
                let emitter = OutboxEmitter(connection: connection, logger: logger, service: .orders, correlation: "cart-\(cart.ownerId)")
                try await emitter.emit(OrdersType.cartAbandoned, CartAbandoned(ownerId: cart.ownerId, lines: cart.cart.lines, lastChannel: cart.lastChannel,
                                                                               idleSince: cart.updatedAt), subject: cart.ownerId)
            }
            return carts.count
        }
    }

    /// Open quotes past their date: expired, announced.
    func expireQuotes(limit: Int) async throws -> Int {
        let logger = self.logger
        return try await database.withTransaction { connection in
            let expired = try await QuoteRecords.lockExpired(limit: limit, on: connection, logger: logger)
            for var quote in expired {
                quote.status = "expired"
                try await QuoteRecords.save(quote, on: connection, logger: logger)
                let cause = try await QuoteRecords.cause(of: quote.quoteId, on: connection, logger: logger)
                let emitter = OutboxEmitter(connection: connection, logger: logger, service: .orders, correlation: cause.correlation ?? "quote-\(quote.quoteId)",
                                            causation: cause.id)
                try await emitter.emit(OrdersType.quoteExpired, QuoteEvent(quote: quote), subject: quote.quoteId)
            }
            return expired.count
        }
    }
}
