import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime
import PromotionsContracts

/// What promotions and notifications tell customers: the offers a person used and the
/// messages sent (or held back) to them go on their timeline, so every team sees them.
enum OutreachEventHandlers {
    /// An order's promotions counted for good: one entry for what it used.
    static func promotionsUsed(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let committed = try event.decode(RedemptionsCommitted.self)
        guard let promotions = committed.promotions, !promotions.isEmpty,
              let customer = try await OrderEventHandlers.customer(committed.customerId, context) else { return }
        let used = promotions.map { promotion in
            let code = promotion.code.map { " (code \($0))" } ?? ""
            return "\(promotion.name)\(code) −\(promotion.discountMinor)"
        }
        try await EngagementRecords.addToTimeline(customer, at: event.time, channel: committed.channel, kind: "promotion",
                                                  summary: "used \(used.joined(separator: ", ")) on order \(committed.orderId)",
                                                  reference: committed.orderId, messageID: event.id, on: context.connection, logger: context.logger)
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
