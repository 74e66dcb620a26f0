/// The steps of placing an order, orchestrated by the orders service and persisted with
/// the order so a restarted process goes on where the last one stopped. Catalog and
/// promotions are asked at once (one round trip less than one after the other); the step
/// says which answers are still awaited.
public enum SagaStep: String, Codable, Sendable {
    /// Both asked, neither answered.
    case reservingAndApplying = "reserving-and-applying"
    /// Promotions held, the stock not answered yet.
    case awaitingStock = "awaiting-stock"
    /// The stock held, promotions not answered yet.
    case applyingPromotions = "applying-promotions"
    /// Only the stock asked: orders placed before both were asked at once, whose
    /// promotions are asked once the stock is held.
    case reservingStock = "reserving-stock"
    /// Stock and promotions held; the customer's points asked (an order that spends them).
    case holdingPoints = "holding-points"
    case done
}

/// What the participants answered (or didn't).
public enum SagaReply: Equatable, Sendable {
    case stockReserved(reservationId: String)
    case stockRefused(code: String, message: String, details: [String])
    case promotionsApplied
    case promotionsRefused(code: String, message: String, details: [String])
    case pointsHeld
    case pointsRefused(code: String, message: String)
    case timedOut
}

/// What the handler must do: write the new step and status, send these commands.
public struct SagaDecision: Equatable, Sendable {
    public enum Command: Equatable, Sendable {
        case applyPromotions
        case releaseStock(reason: String)
        case releaseRedemptions(reason: String)
        /// Ask customers to hold the points the order spends (they are spent when the
        /// order is confirmed and given back when it is rejected, cancelled or returned).
        case holdPoints
    }
    public enum Outcome: Equatable, Sendable {
        case confirm
        case reject(code: String, message: String, details: [String])
    }
    public var step: SagaStep
    public var outcome: Outcome?
    public var commands: [Command]
    public init(step: SagaStep, outcome: Outcome?, commands: [Command]) {
        self.step = step
        self.outcome = outcome
        self.commands = commands
    }
}

/// The saga's decisions, pure: given where the order is and what arrived, what happens.
/// Replies that come late (after a timeout or a cancellation) undo what they hold. A
/// confirmation sends nothing: `OrderConfirmed` itself tells promotions to commit its uses.
public enum OrderSaga {
    /// `spendsPoints`: the order pays part with loyalty points, asked once stock and
    /// promotions are held (the points' value is known against the promotions' total).
    public static func decide(step: SagaStep, status: OrderStatus, reply: SagaReply, spendsPoints: Bool = false) -> SagaDecision {
        let running = status == .placed
        switch (step, reply) {
        // Both asked: the first answer.
        case (.reservingAndApplying, .stockReserved) where running:
            return SagaDecision(step: .applyingPromotions, outcome: nil, commands: [])
        case (.reservingAndApplying, .promotionsApplied) where running:
            return SagaDecision(step: .awaitingStock, outcome: nil, commands: [])
        case (.reservingAndApplying, .stockRefused(let code, let message, let details)) where running,
             (.awaitingStock, .stockRefused(let code, let message, let details)) where running:
            // Promotions may hold (or be about to hold) redemptions: release them.
            return SagaDecision(step: .done, outcome: .reject(code: code, message: message, details: details),
                                commands: [.releaseRedemptions(reason: "order-rejected")])
        case (.reservingAndApplying, .timedOut) where running:
            return SagaDecision(step: .done, outcome: .reject(code: "timeout", message: "stock and promotions could not be confirmed in time", details: []),
                                commands: [.releaseStock(reason: "saga-timeout"), .releaseRedemptions(reason: "saga-timeout")])
        // The last answer: confirmed, or the points asked first.
        case (.awaitingStock, .stockReserved) where running && spendsPoints,
             (.applyingPromotions, .promotionsApplied) where running && spendsPoints:
            return SagaDecision(step: .holdingPoints, outcome: nil, commands: [.holdPoints])
        case (.awaitingStock, .stockReserved) where running,
             (.applyingPromotions, .promotionsApplied) where running:
            return SagaDecision(step: .done, outcome: .confirm, commands: [])
        // The points (customers spends them on the confirmation, releases them on the rejection).
        case (.holdingPoints, .pointsHeld) where running:
            return SagaDecision(step: .done, outcome: .confirm, commands: [])
        case (.holdingPoints, .pointsRefused(let code, let message)) where running:
            return SagaDecision(step: .done, outcome: .reject(code: code, message: message, details: []),
                                commands: [.releaseStock(reason: "order-rejected"), .releaseRedemptions(reason: "order-rejected")])
        case (.holdingPoints, .timedOut) where running:
            return SagaDecision(step: .done, outcome: .reject(code: "timeout", message: "the loyalty points could not be confirmed in time", details: []),
                                commands: [.releaseStock(reason: "saga-timeout"), .releaseRedemptions(reason: "saga-timeout")])
        case (.awaitingStock, .timedOut) where running:
            // The reservation may still land: release it (catalog ignores an unknown one).
            return SagaDecision(step: .done, outcome: .reject(code: "timeout", message: "stock could not be confirmed in time", details: []),
                                commands: [.releaseStock(reason: "saga-timeout"), .releaseRedemptions(reason: "saga-timeout")])
        case (.reservingAndApplying, .promotionsRefused(let code, let message, let details)) where running,
             (.applyingPromotions, .promotionsRefused(let code, let message, let details)) where running:
            return SagaDecision(step: .done, outcome: .reject(code: code, message: message, details: details),
                                commands: [.releaseStock(reason: "order-rejected")])
        case (.applyingPromotions, .timedOut) where running:
            return SagaDecision(step: .done, outcome: .reject(code: "timeout", message: "promotions could not be confirmed in time", details: []),
                                commands: [.releaseStock(reason: "saga-timeout"), .releaseRedemptions(reason: "saga-timeout")])
        // An order placed when promotions were asked only once the stock was held.
        case (.reservingStock, .stockReserved) where running:
            return SagaDecision(step: .applyingPromotions, outcome: nil, commands: [.applyPromotions])
        case (.reservingStock, .stockRefused(let code, let message, let details)) where running:
            return SagaDecision(step: .done, outcome: .reject(code: code, message: message, details: details), commands: [])
        case (.reservingStock, .timedOut) where running:
            return SagaDecision(step: .done, outcome: .reject(code: "timeout", message: "stock could not be confirmed in time", details: []),
                                commands: [.releaseStock(reason: "saga-timeout")])
        // Late: the order was rejected or cancelled meanwhile.
        case (_, .stockReserved) where !OrderLifecycle.holdsReservation(status):
            return SagaDecision(step: step, outcome: nil, commands: [.releaseStock(reason: "order-\(status.rawValue)")])
        case (_, .promotionsApplied) where !OrderLifecycle.holdsReservation(status):
            return SagaDecision(step: step, outcome: nil, commands: [.releaseRedemptions(reason: "order-\(status.rawValue)")])
        default:
            // A duplicate or a reply to a step already passed: nothing to do.
            return SagaDecision(step: step, outcome: nil, commands: [])
        }
    }
}
