import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// Carts follow their owner across channels: every change is one row update and one
/// `CartUpdated` with the whole cart.
enum CartHandlers {
    static func add(_ command: AddCartItem, _ context: CommandContext) async throws {
        try await change(owner: command.ownerId, sku: command.sku, context) { cart in try cart.add(command.sku, command.quantity) }
    }

    static func setQuantity(_ command: SetCartItemQuantity, _ context: CommandContext) async throws {
        try await change(owner: command.ownerId, sku: command.quantity > 0 ? command.sku : nil, context) { cart in
            try cart.set(command.sku, command.quantity)
        }
    }

    static func remove(_ command: RemoveCartItem, _ context: CommandContext) async throws {
        try await change(owner: command.ownerId, sku: nil, context) { cart in try cart.set(command.sku, 0) }
    }

    /// Login: the anonymous cart joins the customer's, and is emptied.
    static func attach(_ command: AttachCart, _ context: CommandContext) async throws {
        guard !command.anonymousId.isEmpty, !command.customerId.isEmpty else { throw Rejection("missing-field", "anonymousId and customerId are required") }
        guard command.anonymousId != command.customerId else { throw Rejection("same-owner", "a cart cannot be attached to itself") }
        let (cart, folded) = try await merge([command.anonymousId], into: command.customerId, channel: context.command.channel,
                                             emitter: OrdersEmitter(context))
        // The session had no cart to fold: the channel still gets an answer, the cart as it stands.
        if !folded {
            try await context.emit(OrdersType.cartUpdated, CartUpdated(ownerId: command.customerId, lines: cart.lines, channel: context.command.channel),
                                   subject: command.customerId)
        }
    }

    /// Folds the carts of `merged` into `survivor`'s; emits `CartsMerged` when any had lines.
    /// Returns the survivor's cart and whether anything was folded into it.
    @discardableResult
    static func merge(_ merged: [String], into survivor: String, channel: String?, emitter: OrdersEmitter) async throws -> (cart: Cart, folded: Bool) {
        let connection = emitter.connection, logger = emitter.logger
        // Lock in one global order so two merges never deadlock.
        var stored: [String: CartRecords.Stored] = [:]
        for owner in Set(merged + [survivor]).sorted() { stored[owner] = try await CartRecords.lock(owner, on: connection, logger: logger) }
        var cart = stored[survivor]!.cart
        var folded: [String] = []
        for owner in merged where owner != survivor {
            guard let other = stored[owner], !other.cart.lines.isEmpty else { continue }
            cart.merge(other.cart)
            folded.append(owner)
            try await CartRecords.close(owner, mergedInto: survivor, checkedOutOrder: nil, on: connection, logger: logger)
        }
        guard !folded.isEmpty else { return (cart, false) }
        try await CartRecords.save(survivor, cart, channel: channel, on: connection, logger: logger)
        try await emitter.event(OrdersType.cartsMerged, CartsMerged(ownerId: survivor, mergedOwnerIds: folded, lines: cart.lines), orderId: survivor)
        return (cart, true)
    }

    /// `sku`, when given, must be a product the catalog sells.
    private static func change(owner: String, sku: String?, _ context: CommandContext, _ body: (inout Cart) throws -> Void) async throws {
        guard !owner.isEmpty else { throw Rejection("missing-field", "ownerId is required") }
        if let sku {
            let products = try await CatalogReadModel.products([sku], on: context.connection, logger: context.logger)
            guard products[sku]?.active == true else { throw Rejection("unknown-sku", "\(sku) is not sold") }
        }
        var stored = try await CartRecords.lock(owner, on: context.connection, logger: context.logger)
        do {
            try body(&stored.cart)
        } catch let refusal as Cart.Refusal {
            throw Rejection(refusal.code, refusal.message)
        }
        try await CartRecords.save(owner, stored.cart, channel: context.command.channel, on: context.connection, logger: context.logger)
        try await context.emit(OrdersType.cartUpdated, CartUpdated(ownerId: owner, lines: stored.cart.lines, channel: context.command.channel), subject: owner)
    }
}
