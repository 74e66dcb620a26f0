import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// What the offers a person used and the messages sent (or held back) to them put on
/// their timeline, so every team sees them.
enum OutreachEventHandlers {
    /// A confirmed order's promotions (they count for good from its confirmation on): one
    /// entry for what it used.
    static func promotionsUsed(by order: OrderSnapshot, customer: UUID, _ event: CloudEvent, _ context: HandlerContext) async throws {
        guard let promotions = order.promotions, !promotions.isEmpty else { return }
        let used = promotions.map { promotion in
            let code = promotion.code.map { " (code \($0))" } ?? ""
            return "\(promotion.name)\(code) −\(promotion.discountMinor)"
        }
        try await EngagementRecords.addToTimeline(customer, at: event.time, channel: order.channel, kind: "promotion",
                                                  summary: "used \(used.joined(separator: ", ")) on order \(order.orderId)",
                                                  reference: order.orderId, messageID: event.id, on: context.connection, logger: context.logger)
    }

    /// A message sent, suppressed (and why) or failed, on the medium it used.
    static func notification(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let message = try event.decode(NotificationEvent.self)
        guard let customer = try await OrderEventHandlers.customer(message.customerId, context) else { return }
        let outcome = switch event.type {
        case NotificationsType.notificationSent: "sent"
        case NotificationsType.notificationSuppressed: "not sent (\(message.reason ?? "suppressed"))"
        default: "failed (\(message.reason ?? "unknown"))"
        }
        try await EngagementRecords.addToTimeline(customer, at: event.time, channel: message.medium, kind: "notification",
                                                  summary: "\(message.medium) \(message.template) \(outcome)", reference: message.messageId,
                                                  messageID: event.id, on: context.connection, logger: context.logger)
    }
}
