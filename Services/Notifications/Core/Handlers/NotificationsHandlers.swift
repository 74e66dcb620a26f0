import CatalogContracts
import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime
import OrdersContracts
import PostgresNIO

/// Events that become messages (orders), and the read models that say to whom, in which
/// language and with what consent (customers, catalog).
enum NotificationsHandlers {
    static func all(renderer: MessageRenderer) -> EventHandlers {
        var handlers = EventHandlers()
        handlers.on(OrdersType.orderConfirmed) { event, context in
            let order = try event.decode(OrderEvent.self).order
            try await transactional("order-confirmed", template: "order-confirmed", order: order, extra: [:], event, context, renderer: renderer)
        }
        handlers.on(OrdersType.orderReadyForPickup) { event, context in
            let ready = try event.decode(OrderReadyForPickup.self)
            try await transactional("ready-for-pickup", template: "ready-for-pickup", order: ready.order,
                                    extra: ["pickupCode": ready.pickupCode, "qrPayload": ready.qrPayload,
                                            "collectBy": ready.collectBy.formatted(.iso8601.year().month().day())], event, context, renderer: renderer)
        }
        handlers.on(CustomersType.customerRegistered) { event, context in
            let profile = try event.decode(CustomerRegistered.self).profile
            try await MessageRecords.upsertRecipient(profile.customerId, firstName: profile.firstName, locale: profile.locale,
                                                     on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.identifierLinked) { event, context in
            let linked = try event.decode(IdentifierLinked.self)
            guard linked.identifier.kind == .email else { return }
            try await MessageRecords.upsertRecipient(linked.customerId, email: linked.identifier.value, on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.consentChanged) { event, context in
            let consent = try event.decode(ConsentChanged.self)
            guard consent.medium == .email else { return }
            try await MessageRecords.upsertRecipient(consent.customerId, emailConsent: consent.granted, on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.customerErased) { event, context in
            let erased = try event.decode(CustomerErased.self)
            try await MessageRecords.erase([erased.customerId] + erased.formerIds, on: context.connection, logger: context.logger)
        }
        handlers.on(CatalogType.locationUpserted) { event, context in
            let location = try event.decode(LocationUpserted.self)
            try await context.connection.query("""
                INSERT INTO stores (location_id, name) VALUES (\(location.location.locationId), \(location.location.name))
                ON CONFLICT (location_id) DO UPDATE SET name = excluded.name
                """, logger: context.logger)
        }
        return handlers
    }

    /// A transactional email about an order: always sent (no consent needed), once per
    /// (trigger, order, template), to the order's contact or the customer's email.
    static func transactional(_ trigger: String, template: String, order: OrderSnapshot, extra: [String: String], _ event: CloudEvent,
                              _ context: HandlerContext, renderer: MessageRenderer) async throws {
        let connection = context.connection, logger = context.logger
        let recipient = try await MessageRecords.recipient(order.customerId, on: connection, logger: logger)
        let locale = MessageRenderer.locale(for: recipient?.locale)
        let address = order.contact?.email ?? recipient?.email
        let store = try await MessageRecords.storeName(order.fulfilment.storeId ?? order.storeId, on: connection, logger: logger)
        var values: [String: Any] = [
            "orderId": order.orderId, "firstName": order.contact?.firstName ?? recipient?.firstName ?? "",
            "storeName": store ?? order.fulfilment.storeId ?? "", "total": Self.amount(order.totalMinor, order.currency),
            "lines": order.lines.map { ["quantity": $0.quantity, "name": $0.name] as [String: Any] },
        ]
        for (key, value) in extra { values[key] = value }
        let rendered = renderer.render(template, locale: locale, values: values)
        var notification = NotificationEvent(messageId: UUID().uuidString.lowercased(), customerId: order.customerId, trigger: trigger, template: template,
                                             locale: locale, medium: "email", transactional: true)
        let dedupe = "\(trigger)/\(order.orderId)/\(template)"
        guard let address, let rendered else {
            notification.reason = address == nil ? "no-address" : "no-template"
            if try await MessageRecords.insert(notification, dedupeKey: dedupe, address: nil, subject: nil, body: nil, status: "suppressed",
                                               on: connection, logger: logger) {
                try await OutboxEmitter(context, service: .notifications, cause: event)
                    .emit(NotificationsType.notificationSuppressed, notification, subject: order.customerId ?? order.orderId)
            }
            return
        }
        _ = try await MessageRecords.insert(notification, dedupeKey: dedupe, address: address, subject: rendered.subject, body: rendered.body,
                                            status: "pending", on: connection, logger: logger)
    }

    static func amount(_ minor: Int64, _ currency: String) -> String {
        String(format: "%.2f %@", Double(minor) / 100, currency)
    }
}
