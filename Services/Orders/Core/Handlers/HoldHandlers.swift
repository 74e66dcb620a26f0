import CatalogContracts
import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// Holds without an order: a cart held in store from the app ("reserve in store"), or an
/// associate holding goods for a customer. Catalog holds them like an order's stock, at
/// the store, with their source, and releases them by itself when their time runs out.
enum HoldHandlers {
    static func hold(_ command: HoldStock, _ context: CommandContext, policy: OrdersPolicy) async throws {
        let connection = context.connection, logger = context.logger
        guard !command.holdId.isEmpty, command.holdId.count <= 100 else { throw Rejection("missing-field", "holdId is 1 to 100 characters") }
        guard let store = try await CatalogReadModel.location(command.storeId, on: connection, logger: logger), store.kind == "store", store.active else {
            throw Rejection("unknown-store", "unknown store \(command.storeId)")
        }
        guard store.clickAndCollect else { throw Rejection("no-click-and-collect", "\(store.name) does not hold goods for collection") }
        let seconds = command.holdSeconds ?? policy.holdAtMostSeconds
        guard (1...policy.holdAtMostSeconds).contains(seconds) else {
            throw Rejection("invalid-hold", "a hold lasts 1 to \(policy.holdAtMostSeconds) seconds, got \(seconds)")
        }
        var lines = command.lines ?? []
        let source: HoldSource
        if let owner = command.cartOwnerId {
            guard lines.isEmpty else { throw Rejection("invalid-hold", "hold a cart or lines, not both") }
            lines = try await CartRecords.find(owner, on: connection, logger: logger)?.cart.lines.map { OrderLineRequest(sku: $0.sku, quantity: $0.quantity) } ?? []
            guard !lines.isEmpty else { throw Rejection("empty-cart", "the cart of \(owner) is empty") }
            source = HoldSource(kind: .cart, id: owner)
        } else {
            guard !lines.isEmpty else { throw Rejection("missing-field", "a hold needs a cart (cartOwnerId) or lines") }
            source = HoldSource(kind: .associate, id: command.customerId ?? command.holdId)
        }
        guard lines.count <= 100, lines.allSatisfy({ (1...ReturnPlan.maxLineQuantity).contains($0.quantity) }) else {
            throw Rejection("invalid-quantity", "at most 100 lines of 1 to \(ReturnPlan.maxLineQuantity) units")
        }
        let reservationId = "hold-\(command.holdId)"
        try await OutboxEmitter(context).send(CatalogType.reserveStock, ReserveStock(
            reservationId: reservationId, orderId: command.holdId, channel: context.command.channel ?? "web",
            lines: lines.map { SkuQuantity(sku: $0.sku, quantity: $0.quantity) }, fulfilment: .pickup(at: command.storeId), holdSeconds: seconds,
            source: source), to: .catalog, subject: command.holdId)
        try await context.emit(OrdersType.stockHoldRequested, StockHoldRequested(
            holdId: command.holdId, reservationId: reservationId, source: source.kind.rawValue, sourceId: source.id, storeId: command.storeId,
            customerId: command.customerId, lines: lines, expiresAt: context.command.time.addingTimeInterval(TimeInterval(seconds))), subject: command.holdId)
    }
}
