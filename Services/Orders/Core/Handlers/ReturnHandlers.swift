import CatalogContracts
import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// Returns in any channel: checked against what was bought and already returned
/// (`ReturnPlan`), refunded with the order's discounts, restocked where they came back.
enum ReturnHandlers {
    static func returnItems(_ command: ReturnItems, _ context: CommandContext) async throws {
        let connection = context.connection, logger = context.logger
        guard !command.returnId.isEmpty, !command.orderId.isEmpty, !command.locationId.isEmpty else {
            throw Rejection("missing-field", "returnId, orderId and locationId are required")
        }
        guard var order = try await OrderRecords.lock(command.orderId, on: connection, logger: logger) else {
            throw Rejection("unknown-order", "no order \(command.orderId)")
        }
        let emitter = OrdersEmitter(context)
        if let earlier = try await ReturnRecords.find(command.returnId, on: connection, logger: logger) {
            // A retried command: the same answer, nothing restocked or refunded twice.
            guard earlier.orderId == command.orderId else { throw Rejection("return-id-taken", "return \(command.returnId) belongs to another order") }
            try await emitter.event(OrdersType.itemsReturned, earlier.event, orderId: command.orderId)
            return
        }
        guard order.status.isInCustomersHands else {
            throw Rejection("not-returnable", "an order that is \(order.status.rawValue) cannot be returned; cancel it instead if it is still open")
        }
        guard try await CatalogReadModel.location(command.locationId, on: connection, logger: logger)?.active == true else {
            throw Rejection("unknown-location", "unknown location \(command.locationId)")
        }
        var returned = try await ReturnRecords.returnedUnits(of: command.orderId, on: connection, logger: logger)
        let lines: [ReturnedLine]
        switch ReturnPlan.plan(command.lines, lines: order.lines, alreadyReturned: returned) {
        case .failure(let refusal): throw Rejection(refusal.code, refusal.message)
        case .success(let planned): lines = planned
        }
        let valueBefore = ReturnPlan.value(order.lines, returned: returned)
        for line in lines { returned[line.lineId, default: 0] += line.quantity }
        let fully = ReturnPlan.fullyReturned(order.lines, returned: returned)
        // What points paid of these goods goes back as points, not money.
        let points = ReturnPlan.loyaltyShare(points: order.loyaltyPoints ?? 0, valueMinor: order.loyaltyValueMinor ?? 0,
                                             orderValue: order.lines.reduce(0) { $0 + $1.totalMinor }, valueBefore: valueBefore,
                                             valueAfter: ReturnPlan.value(order.lines, returned: returned))
        let event = ItemsReturned(returnId: command.returnId, orderId: order.orderId, customerId: order.customerId, channel: context.command.channel,
                                  locationId: command.locationId, lines: lines, refundMinor: lines.reduce(0) { $0 + $1.refundMinor } - points.valueMinor,
                                  currency: order.currency, fullyReturned: fully,
                                  loyaltyPointsRestored: order.loyaltyValueMinor == nil ? nil : points.points)
        try await ReturnRecords.insert(event, reason: command.reason, on: connection, logger: logger)
        if fully, case .success(let status) = OrderLifecycle.next(from: order.status, .returnAll, mode: order.fulfilment.mode) {
            let previous = order.status
            order.status = status
            try await OrderRecords.update(order, previous: previous, detail: command.returnId, on: connection, logger: logger)
        }
        try await emitter.command(CatalogType.restockReturn, RestockReturn(returnId: command.returnId, orderId: order.orderId, locationId: command.locationId,
                                                                           lines: lines.map { SkuQuantity(sku: $0.sku, quantity: $0.quantity) }),
                                  to: .catalog, orderId: order.orderId)
        try await emitter.event(OrdersType.itemsReturned, event, orderId: order.orderId)
    }
}
