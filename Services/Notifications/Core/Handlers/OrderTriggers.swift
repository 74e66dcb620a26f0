import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// Orders' events that tell the customer something: all transactional (they always go,
/// on a medium the customer has not refused), once per (trigger, order, template).
struct OrderTriggers: Sendable {
    let dispatch: MessageDispatch

    /// A walk-in's sale at the till (nobody named, no contact): the receipt is in their hand,
    /// there is nobody to tell and nothing to record (a guest who orders for later without a
    /// contact still gets a suppression, with its reason).
    static func isWalkInSale(mode: OrderFulfilment.Mode, customerId: String?, contact: OrderContact?) -> Bool {
        mode == .inStore && customerId == nil && contact?.email == nil && contact?.phone == nil
    }

    /// The fields of an order event that say whether anybody is to be told.
    private struct OrderAddressee: Decodable {
        struct Order: Decodable {
            struct Fulfilment: Decodable { var mode: OrderFulfilment.Mode }
            var customerId: String?
            var contact: OrderContact?
            var fulfilment: Fulfilment
        }
        var order: Order
    }

    func register(_ handlers: inout EventHandlers) {
        handlers.on(OrdersType.orderConfirmed) { event, context in
            let order = try event.decode(OrderEvent.self).order
            if Self.isWalkInSale(mode: order.fulfilment.mode, customerId: order.customerId, contact: order.contact) { return }
            try await send("order-confirmed", order, event, context)
        }
        // Passed over before any transaction (read from the few fields that say it).
        handlers.skip(OrdersType.orderConfirmed) { event in
            let order = try event.decode(OrderAddressee.self).order
            return Self.isWalkInSale(mode: order.fulfilment.mode, customerId: order.customerId, contact: order.contact)
        }
        handlers.on(OrdersType.orderReadyForPickup) { event, context in
            let ready = try event.decode(OrderReadyForPickup.self)
            let extra: [String: Any] = ["pickupCode": ready.pickupCode, "qrPayload": ready.qrPayload, "collectBy": Self.day(ready.collectBy)]
            try await send("ready-for-pickup", ready.order, event, context, extra: extra)
            // A day before the collect-by date, unless it is collected first.
            let remindAt = ready.collectBy.addingTimeInterval(-86_400)
            if remindAt > Date() { try await send("pickup-reminder", ready.order, event, context, extra: extra, at: remindAt) }
        }
        handlers.on(OrdersType.orderPickedUp) { event, context in
            let order = try event.decode(OrderEvent.self).order
            _ = try await MessageRecords.cancelPending(dedupeKey: Self.key("pickup-reminder", order), reason: "picked-up",
                                                       on: context.connection, logger: context.logger)
        }
        handlers.on(OrdersType.orderShipped) { event, context in
            try await send("order-shipped", try event.decode(OrderEvent.self).order, event, context)
        }
        handlers.on(OrdersType.orderCancelled) { event, context in
            let cancelled = try event.decode(OrderCancelled.self)
            _ = try await MessageRecords.cancelPending(dedupeKey: Self.key("pickup-reminder", cancelled.order), reason: "order-cancelled",
                                                       on: context.connection, logger: context.logger)
            if cancelled.reason == "not-collected" {
                try await send("pickup-expired", cancelled.order, event, context)
            } else {
                try await send("order-cancelled", cancelled.order, event, context, extra: ["reason": cancelled.reason])
            }
        }
        handlers.on(OrdersType.cartAbandoned) { event, context in
            // Marketing: only to a known person who agreed to it, within the weekly cap, never in quiet hours.
            let cart = try event.decode(CartAbandoned.self)
            guard try await RecipientRecords.find(cart.ownerId, on: context.connection, logger: context.logger) != nil else { return }
            let request = MessageRequest(trigger: "cart-abandoned", template: "cart-abandoned", customerId: cart.ownerId, transactional: false,
                                         dedupeKey: "cart-abandoned/\(cart.ownerId)/\(Int(cart.idleSince.timeIntervalSince1970))",
                                         values: ["lines": cart.lines.map { ["quantity": $0.quantity, "sku": $0.sku] as [String: Any] }])
            try await dispatch.dispatch(request, emitter: OutboxEmitter(context, service: .notifications, cause: event))
        }
        handlers.on(OrdersType.quoteIssued) { event, context in
            // B2B quotes (telesales, field sales) reach the customer's or the lead's contact.
            let quote = try event.decode(QuoteEvent.self).quote
            guard quote.status == "open" else { return }
            var given: [DeliveryRules.Medium: String] = [:]
            given[.email] = quote.contact?.email
            given[.sms] = quote.contact?.phone
            var values: [String: Any] = [
                "quoteId": quote.quoteId, "total": Self.amount(quote.totalMinor, quote.currency), "validUntil": Self.day(quote.validUntil),
                "lines": quote.lines.map { ["quantity": $0.quantity, "name": $0.name] as [String: Any] },
            ]
            if quote.discountMinor > 0 { values["discount"] = Self.amount(quote.discountMinor, quote.currency) }
            values["note"] = quote.note
            let request = MessageRequest(trigger: "quote-issued", template: "quote-issued", customerId: quote.customerId, transactional: true,
                                         dedupeKey: "quote-issued/\(quote.quoteId)", values: values, given: given, firstName: quote.contact?.firstName)
            try await dispatch.dispatch(request, emitter: OutboxEmitter(context, service: .notifications, cause: event))
        }
        handlers.on(OrdersType.itemsReturned) { event, context in
            let returned = try event.decode(ItemsReturned.self)
            guard returned.refundMinor > 0 else { return }
            let request = MessageRequest(trigger: "return-refunded", template: "return-refunded", customerId: returned.customerId, transactional: true,
                                         dedupeKey: "return-refunded/\(returned.returnId)/return-refunded",
                                         values: ["orderId": returned.orderId, "returnId": returned.returnId,
                                                  "refund": Self.amount(returned.refundMinor, returned.currency),
                                                  "lines": returned.lines.map { ["quantity": $0.quantity, "sku": $0.sku] as [String: Any] }])
            try await dispatch.dispatch(request, emitter: OutboxEmitter(context, service: .notifications, cause: event))
        }
    }

    static func key(_ template: String, _ order: OrderSnapshot) -> String { "\(template)/\(order.orderId)/\(template)" }

    /// A message about `order`, to its contact first, then the customer's profile.
    private func send(_ template: String, _ order: OrderSnapshot, _ event: CloudEvent, _ context: HandlerContext, extra: [String: Any] = [:],
                      at: Date? = nil) async throws {
        let connection = context.connection, logger = context.logger
        let store = try await StoreRecords.find(order.fulfilment.storeId ?? order.storeId, on: connection, logger: logger)
        var values: [String: Any] = [
            "orderId": order.orderId, "storeName": store?.name ?? order.fulfilment.storeId ?? "", "total": Self.amount(order.totalMinor, order.currency),
            "lines": order.lines.map { ["quantity": $0.quantity, "name": $0.name] as [String: Any] },
        ]
        // Absent rather than empty, so a template's section about them is left out.
        values["storeAddress"] = store?.address
        values["openingHours"] = store?.openingHours
        for (key, value) in extra { values[key] = value }
        var given: [DeliveryRules.Medium: String] = [:]
        given[.email] = order.contact?.email
        given[.sms] = order.contact?.phone
        let request = MessageRequest(trigger: template, template: template, customerId: order.customerId, transactional: true,
                                     dedupeKey: Self.key(template, order), values: values, given: given, firstName: order.contact?.firstName, sendAt: at)
        try await dispatch.dispatch(request, emitter: OutboxEmitter(context, service: .notifications, cause: event))
    }

    static func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }

    static func amount(_ minor: Int64, _ currency: String) -> String {
        String(format: "%.2f %@", Double(minor) / 100, currency)
    }
}
