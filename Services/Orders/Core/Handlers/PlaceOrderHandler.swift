import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// `PlaceOrder` from any channel: checked and priced here, then the saga starts by asking
/// the catalog for the stock and promotions for the discounts, both at once; its answer,
/// `OrderConfirmed` or `OrderRejected`, is the first event the order causes. A refused order gets `OrderRejected` and leaves no row, so
/// the channel may correct it and retry with the same id.
enum PlaceOrderHandler {
    /// A reservation id nobody can guess from the order id (`res-<orderId>` could be
    /// released by anyone who knew the order); stored on the order row with the saga.
    static func newReservationID() -> String { "res-\(UUID().uuidString.lowercased())" }

    /// `agreedPrices`: unit prices by sku that override today's (a converted quote).
    /// Returns whether the order was placed (false: refused with `OrderRejected`, or a retry).
    @discardableResult
    /// `replacingHold`: a hold the order's reservation takes over (its quote's).
    static func place(_ command: PlaceOrder, _ context: CommandContext, policy: OrdersPolicy, agreedPrices: [String: Int64]? = nil,
                      replacingHold: String? = nil) async throws -> Bool {
        let connection = context.connection, logger = context.logger
        let emitter = OrdersEmitter(context)
        guard !command.orderId.isEmpty else { throw Rejection("missing-field", "orderId is required") }
        // A retried command is answered with where the order stands instead of placing it
        // twice. Whether the order exists is read with the prices (one round trip less per
        // order), or here before a refusal.
        func answerIfPlaced() async throws -> Bool {
            guard let existing = try await OrderRecords.find(command.orderId, on: connection, logger: logger) else { return false }
            try await answerRetry(existing, emitter: emitter)
            return true
        }
        func refuse(_ code: String, _ message: String, _ details: [String] = []) async throws -> Bool {
            if try await answerIfPlaced() { return false }
            logger.info("order refused", metadata: ["orderId": "\(command.orderId)", "reason": "\(code)"])
            try await emitter.event(OrdersType.orderRejected, OrderRejected(orderId: command.orderId, customerId: command.customerId, channel: command.channel,
                                                                            reasonCode: code, message: message, details: details), orderId: command.orderId)
            return false
        }
        guard let channel = SalesChannel(rawValue: command.channel) else {
            return try await refuse("unknown-channel", "unknown channel \(command.channel)")
        }
        guard !command.paymentReference.isEmpty else { return try await refuse("payment-required", "a payment reference is required") }
        if let points = command.loyaltyPoints {
            guard (1...Int(Int32.max)).contains(points) else { return try await refuse("invalid-points", "loyaltyPoints are 1 to \(Int32.max), got \(points)") }
            guard command.customerId != nil else { return try await refuse("customer-required", "spending loyalty points needs the customer's id") }
        }
        // The contact's address goes into `RCPT TO:<…>` when the order is announced.
        if let email = command.contact?.email, let problem = EmailAddress.problem(email) {
            return try await refuse("invalid-email", "contact.email is not an email address: \(problem)")
        }
        if channel.isInStore, command.storeId == nil {
            return try await refuse("store-required", "a \(channel.rawValue) order names the store it is placed in")
        }
        if let storeId = command.storeId, try await CatalogReadModel.location(storeId, on: connection, logger: logger) == nil {
            return try await refuse("unknown-store", "unknown store \(storeId)", [storeId])
        }
        switch command.fulfilment.mode {
        case .pickup:
            guard let storeId = command.fulfilment.storeId else { return try await refuse("store-required", "click & collect needs fulfilment.storeId") }
            guard let store = try await CatalogReadModel.location(storeId, on: connection, logger: logger), store.kind == "store", store.active else {
                return try await refuse("unknown-store", "unknown store \(storeId)", [storeId])
            }
            guard store.clickAndCollect else {
                return try await refuse("no-click-and-collect", "\(store.name) does not offer click & collect", [storeId])
            }
        case .delivery:
            guard command.fulfilment.address != nil else { return try await refuse("address-required", "home delivery needs fulfilment.address") }
        case .inStore:
            guard channel.isInStore else {
                return try await refuse("in-store-channel-required", "a purchase taken away at once is placed at a till, kiosk or tablet, not on \(channel.rawValue)")
            }
            guard let storeId = command.fulfilment.storeId ?? command.storeId,
                  let store = try await CatalogReadModel.location(storeId, on: connection, logger: logger), store.kind == "store", store.active else {
                return try await refuse("unknown-store", "unknown store \(command.fulfilment.storeId ?? command.storeId ?? "")")
            }
        }

        // The lines: given, or the owner's cart checked out.
        var requested = command.lines ?? []
        let cartOwner = requested.isEmpty ? (command.cartOwnerId ?? command.customerId) : nil
        var checkedOut: String?
        if let cartOwner, let cart = try await CartRecords.find(cartOwner, on: connection, logger: logger) {
            requested = cart.cart.lines.map { OrderLineRequest(sku: $0.sku, quantity: $0.quantity) }
            if !requested.isEmpty { checkedOut = cartOwner }
        }
        var fulfilment = command.fulfilment
        if fulfilment.mode == .inStore, fulfilment.storeId == nil { fulfilment.storeId = command.storeId }
        let priceStore = command.storeId ?? (fulfilment.mode == .delivery ? nil : fulfilment.storeId)
        let priced: OrderPricing.Priced
        let read = try await CatalogReadModel.placing(command.orderId, skus: requested.map(\.sku), on: connection, logger: logger)
        if read.placedAlready, try await answerIfPlaced() { return false }
        switch OrderPricing.price(requested, products: read.products, channel: channel.rawValue, storeId: priceStore, at: Date()) {
        case .success(var value):
            if let agreedPrices {
                for index in value.lines.indices { value.lines[index].unitPriceMinor = agreedPrices[value.lines[index].sku] ?? value.lines[index].unitPriceMinor }
                value.subtotalMinor = value.lines.reduce(0) { $0 + $1.unitPriceMinor * Int64($1.quantity) }
            }
            priced = value
        case .failure(let refusal): return try await refuse(refusal.code, refusal.message, refusal.details)
        }
        let codes = Array(Set((command.promoCodes ?? []).map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })).sorted()

        var order = OrderRecord(
            orderId: command.orderId, status: .placed, sagaStep: .reservingAndApplying, sagaDeadline: policy.deadline(), channel: channel.rawValue,
            storeId: command.storeId, customerId: command.customerId, currency: priced.currency, lines: priced.lines, promoCodes: codes,
            fulfilment: fulfilment, contact: command.contact, paymentReference: command.paymentReference, subtotalMinor: priced.subtotalMinor,
            discountMinor: 0, totalMinor: priced.subtotalMinor, reservationId: Self.newReservationID(), reserveCommandId: nil, promotionsCommandId: nil,
            pickupCode: nil, collectBy: nil, rejectCode: nil, rejectMessage: nil,
            correlationId: context.command.correlationID ?? context.command.id.uuidString.lowercased(), placedAt: Date()
        )
        order.loyaltyPoints = command.loyaltyPoints
        order.reserveCommandId = try await emitter.reserveStock(for: order, holdSeconds: policy.reservationHoldSeconds, replacing: replacingHold)
        order.promotionsCommandId = try await emitter.applyPromotions(for: order)
        try await OrderRecords.insert(order, on: connection, logger: logger)
        if let cartOwner { try await CartRecords.close(cartOwner, mergedInto: nil, checkedOutOrder: order.orderId, on: connection, logger: logger) }
        // No `OrderPlaced`: no service read it, and the saga's answer (`OrderConfirmed` or
        // `OrderRejected`, same correlation) follows within a few hops; the order's row says
        // `placed` meanwhile (`GET /orders/{id}`).
        // The cart it took is empty now: said, so every read model of open carts closes it.
        if let checkedOut {
            try await emitter.event(OrdersType.cartUpdated, CartUpdated(ownerId: checkedOut, lines: [], channel: channel.rawValue, checkedOutOrder: order.orderId),
                                    orderId: checkedOut)
        }
        // Crash tests: killed with the order written but not committed.
        FaultPoints.hit("orders.place-order")
        return true
    }

    private static func answerRetry(_ order: OrderRecord, emitter: OrdersEmitter) async throws {
        switch order.status {
        case .placed:
            break  // the outcome is on its way
        case .rejected:
            try await emitter.event(OrdersType.orderRejected, OrderRejected(orderId: order.orderId, customerId: order.customerId, channel: order.channel,
                                                                            reasonCode: order.rejectCode ?? "rejected", message: order.rejectMessage ?? "",
                                                                            loyaltyPoints: order.loyaltyPoints),
                                    orderId: order.orderId)
        default:
            try await emitter.event(OrdersType.orderConfirmed, OrderEvent(order: order.snapshot), orderId: order.orderId)
        }
    }
}
