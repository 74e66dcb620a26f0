import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts
import OmniPersistence
import PostgresNIO

/// What orders tells customers: purchases land on the timeline, earn points when they
/// complete in any channel (picked up, delivered, taken at the till), returns reverse
/// them, and a person's first order converts their open leads (J1, J4, J9).
enum OrderEventHandlers {
    static func confirmed(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let order = try event.decode(OrderEvent.self).order
        if (order.loyaltyPoints ?? 0) > 0 { try await LoyaltySpendHandlers.confirmed(order.orderId, context) }
        guard let customer = try await customer(order.customerId, context) else { return }
        try await timeline(customer, event, channel: order.channel, summary: "order \(order.orderId) on \(order.channel), \(order.totalMinor) \(order.currency)",
                           reference: order.orderId, context)
        try await OutreachEventHandlers.promotionsUsed(by: order, customer: customer, event, context)
        let emitter = OutboxEmitter(context, service: .customers, cause: event)
        try await SegmentRecords.record(customer, reference: order.orderId, purchase: SegmentRules.Purchase(
            orderId: order.orderId, channel: order.channel, amountMinor: order.totalMinor, currency: order.currency, at: event.time),
            fulfilment: order.fulfilment.mode.rawValue, on: context.connection, logger: context.logger)
        try await SegmentHandlers.reevaluate(customer, emitter: emitter)
        let converted = try await context.connection.run("""
            UPDATE leads SET status = 'converted', converted_order = \(order.orderId), converted_at = now(), status_changed_at = now(), due_at = NULL
            WHERE customer_id = \(customer) AND status IN ('new', 'contacted', 'qualified') RETURNING lead_id
            """, logger: context.logger)
        for try await leadId in converted.decode(String.self) {
            try await emitter.emit(CustomersType.leadConverted, LeadConverted(leadId: leadId, customerId: customer.uuidString.lowercased(), orderId: order.orderId),
                                   subject: leadId)
        }
    }

    /// Picked up, delivered or completed at the till: the purchase earns its points once.
    static func completed(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let order = try event.decode(OrderEvent.self).order
        guard let customer = try await customer(order.customerId, context) else { return }
        let points = LoyaltyRules.pointsEarned(amountMinor: order.totalMinor, currency: order.currency)
        _ = try await EngagementHandlers.book(customer, kind: .earn, reference: order.orderId, reason: "purchase \(order.orderId) (\(order.channel))",
                                              emitter: OutboxEmitter(context, service: .customers, cause: event)) { balance in LoyaltyRules.earn(points, balance: balance) }
        try await timeline(customer, event, channel: order.channel, summary: "order \(order.orderId) \(order.status)", reference: order.orderId, context)
    }

    /// A return takes back the points its refund earned (never below zero).
    static func returned(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let returned = try event.decode(ItemsReturned.self)
        guard let customer = try await customer(returned.customerId, context) else { return }
        // What points paid of the goods comes back as points, before the earned ones are taken back.
        try await LoyaltySpendHandlers.returned(returned, event, context)
        let earned = LoyaltyRules.pointsEarned(amountMinor: returned.refundMinor, currency: returned.currency)
        _ = try await EngagementHandlers.book(customer, kind: .reverse, reference: returned.returnId, reason: "return \(returned.returnId) of order \(returned.orderId)",
                                              emitter: OutboxEmitter(context, service: .customers, cause: event)) { balance in
            let points = min(balance, earned)
            return (-points, balance - points)
        }
        try await timeline(customer, event, channel: returned.channel, summary: "return \(returned.returnId): \(returned.refundMinor) \(returned.currency) refunded",
                           reference: returned.orderId, context)
        try await SegmentRecords.record(customer, reference: returned.returnId, purchase: SegmentRules.Purchase(
            orderId: returned.orderId, channel: returned.channel ?? "unknown", amountMinor: -returned.refundMinor, currency: returned.currency, at: event.time),
            on: context.connection, logger: context.logger)
        try await SegmentHandlers.reevaluate(customer, emitter: OutboxEmitter(context, service: .customers, cause: event))
    }

    // MARK: Plumbing

    /// The active customer an event names, following merges; nil for a guest or a stranger.
    static func customer(_ id: String?, _ context: HandlerContext) async throws -> UUID? {
        guard let id, UUID(uuidString: id) != nil else { return nil }
        do {
            return try await CustomerRecords.resolve(.id(id), on: context.connection, logger: context.logger)
        } catch is Rejection {
            return nil
        }
    }

    private static func timeline(_ customer: UUID, _ event: CloudEvent, channel: String?, summary: String, reference: String,
                                 _ context: HandlerContext) async throws {
        try await EngagementRecords.addToTimeline(customer, at: event.time, channel: channel, kind: "order", summary: summary, reference: reference,
                                                  messageID: event.id, on: context.connection, logger: context.logger)
    }

    /// A cart changed on some device: kept as the person's open cart (J7).
    static func cartUpdated(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let cart = try event.decode(CartUpdated.self)
        try await OpenCartRecords.store(ownerId: cart.ownerId, lines: cart.lines, channel: cart.channel, at: event.time,
                                        person: try await person(owning: cart.ownerId, context), on: context.connection, logger: context.logger)
    }

    /// Carts folded into one at login: the others are gone.
    static func cartsMerged(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let merged = try event.decode(CartsMerged.self)
        try await OpenCartRecords.remove(ownerIds: merged.mergedOwnerIds, on: context.connection, logger: context.logger)
        try await OpenCartRecords.store(ownerId: merged.ownerId, lines: merged.lines, channel: nil, at: event.time,
                                        person: try await person(owning: merged.ownerId, context), on: context.connection, logger: context.logger)
    }

    /// Whose cart `ownerId` is: a customer's id, or an anonymous session linked to a profile.
    private static func person(owning ownerId: String, _ context: HandlerContext) async throws -> UUID? {
        if let owner = try await customer(ownerId, context) { return owner }
        return try await CustomerRecords.owners(of: [CustomerIdentifier(.anonymous, ownerId)], on: context.connection, logger: context.logger).first
    }

    /// A cart left idle: counted for the shop, and for the person when the owner is known
    /// (a customer id, or an anonymous session linked to a profile).
    static func cartAbandoned(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let cart = try event.decode(CartAbandoned.self)
        let owner = try await person(owning: cart.ownerId, context)
        try await context.connection.run("""
            INSERT INTO abandoned_carts (owner_id, customer_id, last_channel, abandoned_at) VALUES (\(cart.ownerId), \(owner), \(cart.lastChannel), \(event.time))
            ON CONFLICT DO NOTHING
            """, logger: context.logger)
        if let owner {
            try await EngagementRecords.addToTimeline(owner, at: event.time, channel: cart.lastChannel, kind: "cart-abandoned",
                                                      summary: "left a cart of \(cart.lines.reduce(0) { $0 + $1.quantity }) items", reference: nil,
                                                      messageID: event.id, on: context.connection, logger: context.logger)
        }
    }
}

/// The fields of an order event that say whether it concerns a customer at all.
struct OrderCustomer: Decodable {
    struct Order: Decodable {
        var customerId: String?
        var loyaltyPoints: Int?
    }
    var order: Order

    /// Nobody named and no points spent (a walk-in's sale): no timeline, points or segment to touch.
    var concernsNobody: Bool { order.customerId == nil && (order.loyaltyPoints ?? 0) == 0 }
}
