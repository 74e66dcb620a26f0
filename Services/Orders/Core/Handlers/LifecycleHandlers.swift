import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// After confirmation the store, the warehouse and the carrier move the order along; each
/// move is checked by `OrderLifecycle` and refused with its reason otherwise.
enum LifecycleHandlers {
    static func markReadyForPickup(_ command: OrderStep, _ context: CommandContext, policy: OrdersPolicy) async throws {
        var order = try await move(command.orderId, .markReadyForPickup, context)
        try requireOwnStore(order.record, context)
        let code = PickupCode.generate()
        order.record.pickupCode = code
        order.record.collectBy = Date().addingTimeInterval(policy.collectWithin.seconds)
        try await order.save(context)
        try await context.emit(OrdersType.orderReadyForPickup, OrderReadyForPickup(
            order: order.record.snapshot, pickupCode: code, qrPayload: PickupCode.qrPayload(orderId: command.orderId, code: code),
            collectBy: order.record.collectBy!), subject: command.orderId)
    }

    /// The customer collected, showing the pickup code or its QR code: the reservation
    /// becomes a sale.
    static func confirmPickup(_ command: OrderStep, _ context: CommandContext) async throws {
        var order = try await move(command.orderId, .pickUp, context)
        try requireOwnStore(order.record, context)
        guard let shown = command.reference, !shown.isEmpty else {
            throw Rejection("missing-field", "the pickup code (or the QR code) the customer shows is required")
        }
        if let locked = try await PickupAttempts.lockedFor(command.orderId, on: context.connection, logger: context.logger) {
            throw Rejection("pickup-locked", "\(PickupAttempts.limit) wrong codes in a row: the handover is locked for \(locked) more seconds")
        }
        let accepted = order.record.pickupCode.map { [$0, PickupCode.qrPayload(orderId: command.orderId, code: $0)] } ?? []
        guard accepted.contains(shown) else {
            // Counted, then refused: a thrown rejection would undo the count with the rest.
            let wrong = try await PickupAttempts.recordWrong(command.orderId, on: context.connection, logger: context.logger)
            try await context.emit(OrdersType.commandRejected, CommandRejected(
                commandID: context.command.id.uuidString.lowercased(), commandType: context.command.type, reasonCode: "wrong-pickup-code",
                message: "the pickup code does not match this order (\(wrong) of \(PickupAttempts.limit) tries)", subject: context.command.subject),
                subject: context.command.subject ?? command.orderId)
            return
        }
        try await PickupAttempts.clear(command.orderId, on: context.connection, logger: context.logger)
        order.record.collectBy = nil
        try await order.save(context)
        try await OrdersEmitter(context).commitStock(of: order.record)
        try await context.emit(OrdersType.orderPickedUp, OrderEvent(order: order.record.snapshot), subject: command.orderId)
    }

    static func ship(_ command: OrderStep, _ context: CommandContext) async throws {
        let order = try await move(command.orderId, .ship, context)
        try await order.save(context, detail: command.reference)
        try await OrdersEmitter(context).commitStock(of: order.record)
        try await context.emit(OrdersType.orderShipped, OrderEvent(order: order.record.snapshot), subject: command.orderId)
    }

    static func confirmDelivery(_ command: OrderStep, _ context: CommandContext) async throws {
        let order = try await move(command.orderId, .deliver, context)
        try await order.save(context)
        try await context.emit(OrdersType.orderDelivered, OrderEvent(order: order.record.snapshot), subject: command.orderId)
    }

    static func cancel(_ command: CancelOrder, _ context: CommandContext) async throws {
        guard !command.reason.isEmpty else { throw Rejection("missing-field", "a cancellation needs a reason") }
        let order = try await lockOrder(command.orderId, context)
        try await cancel(order, reason: command.reason, emitter: OrdersEmitter(context))
    }

    /// Cancels `order` and gives back what it holds (stock, redemptions). Used by the
    /// command and by the timer for click & collect orders nobody collected.
    static func cancel(_ order: OrderRecord, reason: String, emitter: OrdersEmitter) async throws {
        var record = order
        switch OrderLifecycle.next(from: order.status, .cancel, mode: order.fulfilment.mode) {
        case .failure(let refusal): throw Rejection(refusal.code, refusal.message)
        case .success(let status): record.status = status
        }
        let wasRunningSaga = order.status == .placed
        record.sagaStep = .done
        record.sagaDeadline = nil
        record.collectBy = nil
        try await OrderRecords.update(record, previous: order.status, detail: reason, on: emitter.connection, logger: emitter.logger)
        try await emitter.releaseStock(of: record, reason: "order-cancelled")
        // Promotions were asked with the stock, but for orders placed before that was so.
        if !wasRunningSaga || order.sagaStep != .reservingStock || !order.promoCodes.isEmpty {
            try await emitter.releaseRedemptions(of: record, reason: "order-cancelled")
        }
        try await emitter.event(OrdersType.orderCancelled, OrderCancelled(order: record.snapshot, reason: reason), orderId: record.orderId)
    }

    // MARK: Plumbing

    struct Moved {
        var record: OrderRecord
        let previous: OrderStatus

        func save(_ context: CommandContext, detail: String? = nil) async throws {
            try await OrderRecords.update(record, previous: previous, detail: detail, on: context.connection, logger: context.logger)
        }
    }

    /// A store's till or tablet (`ce_source` `/channels/<channel>/<store>`) prepares and
    /// hands over its own store's pickups only.
    private static func requireOwnStore(_ order: OrderRecord, _ context: CommandContext) throws {
        guard let store = ChannelSource(context.command.source)?.store else { return }
        let pickupStore = order.fulfilment.storeId ?? order.storeId
        guard pickupStore == store else {
            throw Rejection("source-store-mismatch", "order \(order.orderId) is collected at \(pickupStore ?? "no store"); its source acts for store \(store) only")
        }
    }

    private static func lockOrder(_ orderId: String, _ context: CommandContext) async throws -> OrderRecord {
        guard !orderId.isEmpty else { throw Rejection("missing-field", "orderId is required") }
        guard let order = try await OrderRecords.lock(orderId, on: context.connection, logger: context.logger) else {
            throw Rejection("unknown-order", "no order \(orderId)")
        }
        return order
    }

    private static func move(_ orderId: String, _ action: OrderAction, _ context: CommandContext) async throws -> Moved {
        var order = try await lockOrder(orderId, context)
        let previous = order.status
        switch OrderLifecycle.next(from: order.status, action, mode: order.fulfilment.mode) {
        case .failure(let refusal): throw Rejection(refusal.code, refusal.message)
        case .success(let status): order.status = status
        }
        return Moved(record: order, previous: previous)
    }
}
