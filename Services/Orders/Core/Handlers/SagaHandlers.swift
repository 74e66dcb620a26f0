import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts
import PromotionsContracts

/// The participants' answers, turned into `SagaReply`s for the pure `OrderSaga`, whose
/// decision is then carried out in the same transaction.
enum SagaHandlers {
    /// A run of `StockReserved` (the saga's most frequent answer, with `PromotionsApplied`)
    /// handled together: each as alone, with the orders locked and written back once.
    static func stockReserved(_ events: [CloudEvent], _ context: HandlerContext, policy: OrdersPolicy) async throws {
        try await answers(events, as: StockReserved.self, orderId: \.orderId, context) { reserved, event, order in
            try await stockReserved(reserved, event, order: order, context, policy: policy)
        }
    }

    static func promotionsApplied(_ events: [CloudEvent], _ context: HandlerContext, policy: OrdersPolicy) async throws {
        try await answers(events, as: PromotionsApplied.self, orderId: \.orderId, context) { applied, event, order in
            try await promotionsApplied(applied, event, order: order, context, policy: policy)
        }
    }

    /// Answers of one type, in order: their orders locked in one statement, each answer
    /// applied to its order as this run left it, the orders and their history written in
    /// one statement at the end (`OrderWrites`). One answer alone takes the plain path.
    private static func answers<Answer: Decodable>(_ events: [CloudEvent], as _: Answer.Type, orderId: (Answer) -> String, _ context: HandlerContext,
                                                   _ step: (Answer, CloudEvent, OrderRecord?) async throws -> Void) async throws {
        let decoded = try events.map { (answer: try $0.decode(Answer.self), event: $0) }
        if decoded.count == 1, let (answer, event) = decoded.first {
            // Alone (a quiet moment, or a retry): one row, written as it is changed.
            return try await step(answer, event, try await OrderRecords.lock(orderId(answer), on: context.connection, logger: context.logger))
        }
        let locked = try await OrderRecords.lock(decoded.map { orderId($0.answer) }, on: context.connection, logger: context.logger)
        let writes = OrderWrites()
        try await OrderWrites.$current.withValue(writes) {
            for (answer, event) in decoded {
                let id = orderId(answer)
                try await step(answer, event, writes.latest(id) ?? locked[id])
            }
        }
        try await writes.flush(on: context.connection, logger: context.logger)
    }

    static func stockReserved(_ reserved: StockReserved, _ event: CloudEvent, order: OrderRecord?, _ context: HandlerContext, policy: OrdersPolicy) async throws {
        guard var order, order.reservationId == reserved.reservationId else { return }  // another service's reservation
        if reserved.sold == true { order.stockSold = true }
        try await SagaExecutor.handle(.stockReserved(reservationId: reserved.reservationId), order: order,
                                      emitter: OrdersEmitter(context, cause: event), policy: policy)
    }

    static func stockReservationFailed(_ failed: StockReservationFailed, _ event: CloudEvent, _ context: HandlerContext, policy: OrdersPolicy) async throws {
        guard let order = try await OrderRecords.lock(failed.orderId, on: context.connection, logger: context.logger),
              order.reservationId == failed.reservationId else { return }
        let details = failed.shortfall.map { "\($0.sku): \($0.requested) requested, \($0.available) available" }
        try await SagaExecutor.handle(.stockRefused(code: failed.reasonCode, message: "not enough stock: " + details.joined(separator: "; "), details: details),
                                      order: order, emitter: OrdersEmitter(context, cause: event), policy: policy)
    }

    static func promotionsApplied(_ applied: PromotionsApplied, _ event: CloudEvent, order: OrderRecord?, _ context: HandlerContext,
                                  policy: OrdersPolicy) async throws {
        guard var order else { return }
        if order.status == .placed, [.applyingPromotions, .reservingAndApplying].contains(order.sagaStep) {
            let discounts = Dictionary(applied.pricing.lines.map { ($0.lineId, $0.discountMinor) }, uniquingKeysWith: +)
            for index in order.lines.indices { order.lines[index].discountMinor = discounts[order.lines[index].lineId] ?? 0 }
            order.discountMinor = applied.pricing.totalDiscountMinor
            order.totalMinor = applied.pricing.totalMinor
            let used = applied.pricing.applied.map {
                OrderPromotion(promotionId: $0.promotionId, name: $0.name, code: $0.code, discountMinor: $0.discountMinor)
            }
            order.promotions = used.isEmpty ? nil : used
        }
        try await SagaExecutor.handle(.promotionsApplied, order: order, emitter: OrdersEmitter(context, cause: event), policy: policy)
    }

    static func promotionsRejected(_ rejected: PromotionsRejected, _ event: CloudEvent, _ context: HandlerContext, policy: OrdersPolicy) async throws {
        guard let order = try await OrderRecords.lock(rejected.orderId, on: context.connection, logger: context.logger) else { return }
        let details = rejected.rejections.map { "\($0.code): \($0.reasonCode)" }
        let code = rejected.rejections.count == 1 ? rejected.rejections[0].reasonCode : "promotion-rejected"
        try await SagaExecutor.handle(.promotionsRefused(code: code, message: rejected.message, details: details), order: order,
                                      emitter: OrdersEmitter(context, cause: event), policy: policy)
    }

    /// Customers held the points: what they pay comes off the total.
    static func loyaltyHeld(_ held: LoyaltyHeld, _ event: CloudEvent, _ context: HandlerContext, policy: OrdersPolicy) async throws {
        guard var order = try await OrderRecords.lock(held.orderId, on: context.connection, logger: context.logger) else { return }
        if order.status == .placed, order.sagaStep == .holdingPoints {
            order.loyaltyValueMinor = held.valueMinor
            order.totalMinor = max(0, order.totalMinor - held.valueMinor)
        }
        try await SagaExecutor.handle(.pointsHeld, order: order, emitter: OrdersEmitter(context, cause: event), policy: policy)
    }

    /// A participant refused one of the saga's commands outright (`CommandRejected`).
    static func participantRejected(_ rejected: CommandRejected, _ event: CloudEvent, _ context: HandlerContext, policy: OrdersPolicy) async throws {
        guard let commandId = UUID(uuidString: rejected.commandID),
              let order = try await OrderRecords.lockBySagaCommand(commandId, on: context.connection, logger: context.logger) else {
            if rejected.commandType.hasPrefix("omni.catalog.") || rejected.commandType.hasPrefix("omni.promotions.")
                || rejected.commandType == CustomersType.holdLoyalty {
                context.logger.debug("participant refused a command", metadata: ["type": "\(rejected.commandType)", "reason": "\(rejected.reasonCode)"])
            }
            return
        }
        let reply: SagaReply = if order.reserveCommandId == commandId {
            .stockRefused(code: rejected.reasonCode, message: rejected.message, details: [])
        } else if order.loyaltyCommandId == commandId {
            .pointsRefused(code: rejected.reasonCode, message: rejected.message)
        } else {
            .promotionsRefused(code: rejected.reasonCode, message: rejected.message, details: [])
        }
        try await SagaExecutor.handle(reply, order: order, emitter: OrdersEmitter(context, cause: event), policy: policy)
    }
}

/// Carries out `OrderSaga`'s decisions: the commands, the new step and status, the events.
enum SagaExecutor {
    static func handle(_ reply: SagaReply, order: OrderRecord, emitter: OrdersEmitter, policy: OrdersPolicy) async throws {
        var order = order
        let previous = order.status
        let decision = OrderSaga.decide(step: order.sagaStep, status: order.status, reply: reply, spendsPoints: (order.loyaltyPoints ?? 0) > 0)
        order.sagaStep = decision.step
        for command in decision.commands {
            switch command {
            case .applyPromotions:
                order.promotionsCommandId = try await emitter.applyPromotions(for: order)
                order.sagaDeadline = policy.deadline()
            case .releaseStock(let reason): try await emitter.releaseStock(of: order, reason: reason)
            case .releaseRedemptions(let reason): try await emitter.releaseRedemptions(of: order, reason: reason)
            case .holdPoints:
                order.loyaltyCommandId = try await emitter.holdLoyalty(for: order)
                order.sagaDeadline = policy.deadline()
            }
        }
        var detail: String?
        switch decision.outcome {
        case .confirm:
            order.status = .confirmed
            order.sagaDeadline = nil
        case .reject(let code, let message, _):
            order.status = .rejected
            order.sagaDeadline = nil
            order.rejectCode = code
            order.rejectMessage = message
            detail = code
        case nil:
            break
        }
        if decision.step == .done { order.sagaDeadline = nil }
        order = try await OrderRecords.update(order, previous: previous, detail: detail, on: emitter.connection, logger: emitter.logger)
        switch decision.outcome {
        case .confirm:
            try await emitter.event(OrdersType.orderConfirmed, OrderEvent(order: order.snapshot), orderId: order.orderId)
            if order.fulfilment.mode == .inStore { try await complete(order, emitter: emitter) }
        case .reject(let code, let message, let details):
            emitter.logger.info("order rejected", metadata: ["orderId": "\(order.orderId)", "reason": "\(code)"])
            try await emitter.event(OrdersType.orderRejected, OrderRejected(orderId: order.orderId, customerId: order.customerId, channel: order.channel,
                                                                            reasonCode: code, message: message, details: details,
                                                                            loyaltyPoints: order.loyaltyPoints), orderId: order.orderId)
        case nil:
            break
        }
        // Crash tests: killed with the step's writes and commands not committed.
        FaultPoints.hit("orders.saga-step")
    }

    /// Paid and taken at the till: the held stock becomes a sale at once.
    private static func complete(_ confirmed: OrderRecord, emitter: OrdersEmitter) async throws {
        var order = confirmed
        guard case .success(let status) = OrderLifecycle.next(from: order.status, .complete, mode: order.fulfilment.mode) else { return }
        order.status = status
        try await OrderRecords.update(order, previous: confirmed.status, detail: nil, on: emitter.connection, logger: emitter.logger)
        // Sold when catalog reserved it (ReserveStock.sell); a catalog that did not sell it is asked to commit.
        if !order.stockSold { try await emitter.commitStock(of: order) }
        try await emitter.event(OrdersType.orderCompleted, OrderEvent(order: order.snapshot), orderId: order.orderId)
    }
}
