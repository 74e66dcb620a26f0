import CustomersContracts
import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime
import OrdersContracts

/// Points that pay part of an order, on any channel: held by the order saga's
/// `HoldLoyalty` (deducted at once, so no other spend can use them), spent when orders
/// confirms the order, given back when it is rejected, cancelled or returned (orders'
/// events). One rate for every channel: `OMNI_CUSTOMERS_POINT_VALUE_MINOR`.
struct LoyaltySpendHandlers: Sendable {
    /// What one point pays, in minor units of the order's currency (1: 100 points = 1.00).
    let pointValueMinor: Int64

    static func pointValue(_ environment: [String: String]) -> Int64 {
        environment["OMNI_CUSTOMERS_POINT_VALUE_MINOR"].flatMap(Int64.init).map { min(max($0, 1), 1_000_000) } ?? 1
    }

    func hold(_ command: HoldLoyalty, _ context: CommandContext) async throws {
        let connection = context.connection, logger = context.logger
        guard !command.orderId.isEmpty else { throw Rejection("missing-field", "orderId is required") }
        guard command.points > 0, command.points <= LoyaltyRules.maxBalance else {
            throw Rejection("invalid-points", "points to spend are 1 to \(LoyaltyRules.maxBalance), got \(command.points)")
        }
        let customer = try await CustomerRecords.resolve(.id(command.customerId), on: connection, logger: logger)
        try await EngagementRecords.lockCustomer(customer, on: connection, logger: logger)
        let subject = customer.uuidString.lowercased()
        if let spend = try await LoyaltySpends.lock(command.orderId, on: connection, logger: logger) {
            guard spend.status == "held" || spend.status == "spent" else {
                throw Rejection("order-closed", "order \(command.orderId) was rejected or cancelled: its points are not held")
            }
            // A retried step: the same answer.
            let balance = try await EngagementRecords.balance(customer, on: connection, logger: logger)
            try await context.emit(CustomersType.loyaltyHeld, LoyaltyHeld(orderId: command.orderId, customerId: subject, points: spend.points,
                                                                          valueMinor: spend.valueMinor, balance: balance), subject: subject)
            return
        }
        let value = Int64(command.points) * pointValueMinor
        var left = 0
        let booked = try await EngagementHandlers.book(customer, kind: .redeem, reference: "order:\(command.orderId)", reason: "spent on order \(command.orderId)",
                                                       emitter: OutboxEmitter(context)) { balance throws(Rejection) in
            left = try LoyaltyRules.redeem(command.points, balance: balance)
            // The balance first: a short one is the reason the customer must hear.
            guard value <= command.maxValueMinor else {
                throw Rejection("points-exceed-total", "\(command.points) points pay \(value) \(command.currency) minor units, more than the order's \(command.maxValueMinor)")
            }
            return (-command.points, left)
        }
        guard booked != nil else { throw Rejection("already-booked", "points for order \(command.orderId) were spent before") }
        try await LoyaltySpends.insert(command.orderId, customer: customer, points: command.points, valueMinor: value, status: "held",
                                       on: connection, logger: logger)
        try await context.emit(CustomersType.loyaltyHeld, LoyaltyHeld(orderId: command.orderId, customerId: subject, points: command.points,
                                                                      valueMinor: value, balance: left), subject: subject)
        try await ProfileHandlers.timeline(customer, context, kind: "loyalty", summary: "-\(command.points) points held for order \(command.orderId)")
    }

    /// Orders confirmed the order: its held points are spent.
    static func confirmed(_ orderId: String, _ context: HandlerContext) async throws {
        try await LoyaltySpends.setStatus(orderId, "spent", where: ["held"], on: context.connection, logger: context.logger)
    }

    /// Orders rejected the order: held points come back; none held yet, the order is marked
    /// so a hold arriving late is refused.
    static func rejected(_ rejected: OrderRejected, _ event: CloudEvent, _ context: HandlerContext) async throws {
        let connection = context.connection, logger = context.logger
        guard let spend = try await LoyaltySpends.lock(rejected.orderId, on: connection, logger: logger) else {
            try await LoyaltySpends.insert(rejected.orderId, customer: nil, points: 0, valueMinor: 0, status: "released", on: connection, logger: logger)
            return
        }
        guard spend.status == "held" || spend.status == "spent" else { return }
        try await restore(spend, points: spend.points - spend.restoredPoints, reference: "order:\(rejected.orderId)", reason: "order \(rejected.orderId) rejected",
                          status: "released", event: event, context)
    }

    /// A cancelled order gives back what its points paid.
    static func cancelled(_ orderId: String, _ event: CloudEvent, _ context: HandlerContext) async throws {
        guard let spend = try await LoyaltySpends.lock(orderId, on: context.connection, logger: context.logger),
              spend.status == "held" || spend.status == "spent" else { return }
        try await restore(spend, points: spend.points - spend.restoredPoints, reference: "order:\(orderId)", reason: "order \(orderId) cancelled",
                          status: "restored", event: event, context)
    }

    /// Returned goods give back the points' share of them (orders computes it).
    static func returned(_ returned: ItemsReturned, _ event: CloudEvent, _ context: HandlerContext) async throws {
        guard let points = returned.loyaltyPointsRestored, points > 0,
              let spend = try await LoyaltySpends.lock(returned.orderId, on: context.connection, logger: context.logger), spend.status == "spent" else { return }
        let status = spend.restoredPoints + points >= spend.points ? "restored" : "spent"
        try await restore(spend, points: min(points, spend.points - spend.restoredPoints), reference: "return:\(returned.returnId)",
                          reason: "return \(returned.returnId) of order \(returned.orderId)", status: status, event: event, context)
    }

    private static func restore(_ spend: LoyaltySpends.Spend, points: Int, reference: String, reason: String, status: String, event: CloudEvent,
                                _ context: HandlerContext) async throws {
        let connection = context.connection, logger = context.logger
        if points > 0, let customer = spend.customer {
            let restored = try await EngagementHandlers.book(customer, kind: .restore, reference: reference, reason: reason,
                                                             emitter: OutboxEmitter(context, service: .customers, cause: event)) { balance in
                let back = LoyaltyRules.earn(points, balance: balance)
                return (back.points, back.balance)
            }
            if let restored {
                try await EngagementRecords.addToTimeline(customer, at: event.time, channel: nil, kind: "loyalty", summary: "+\(restored) points: \(reason)",
                                                          reference: spend.orderId, messageID: event.id, on: connection, logger: logger)
            }
        }
        try await LoyaltySpends.restore(spend.orderId, points: points, status: status, on: connection, logger: logger)
    }
}
