import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// Every command on `customers.commands` and the channel interactions the service reads.
enum CustomersHandlers {
    static func all(loyalty: LoyaltySpendHandlers = LoyaltySpendHandlers(pointValueMinor: 1)) -> EventHandlers {
        var handlers = EventHandlers()
        handlers.command(CustomersType.registerCustomer, as: RegisterCustomer.self, service: .customers, ProfileHandlers.register)
        handlers.command(CustomersType.updateProfile, as: UpdateProfile.self, service: .customers, ProfileHandlers.update)
        handlers.command(CustomersType.linkIdentifier, as: LinkIdentifier.self, service: .customers, ProfileHandlers.link)
        handlers.command(CustomersType.eraseCustomer, as: EraseCustomer.self, service: .customers, ProfileHandlers.erase)
        handlers.command(CustomersType.recordConsent, as: RecordConsent.self, service: .customers, EngagementHandlers.recordConsent)
        handlers.command(CustomersType.setContactPreferences, as: SetContactPreferences.self, service: .customers, EngagementHandlers.setPreferences)
        handlers.command(CustomersType.adjustLoyalty, as: AdjustLoyalty.self, service: .customers, EngagementHandlers.adjustLoyalty)
        handlers.command(CustomersType.redeemLoyalty, as: RedeemLoyalty.self, service: .customers, EngagementHandlers.redeemLoyalty)
        handlers.command(CustomersType.holdLoyalty, as: HoldLoyalty.self, service: .customers) { command, context in
            try await loyalty.hold(command, context)
        }
        handlers.command(CustomersType.submitLead, as: SubmitLead.self, service: .customers, LeadHandlers.submit)
        handlers.command(CustomersType.setLeadRules, as: SetLeadRules.self, service: .customers, LeadHandlers.setRules)
        handlers.command(CustomersType.recordLeadVisit, as: RecordLeadVisit.self, service: .customers, LeadHandlers.recordVisit)
        handlers.command(CustomersType.advanceLead, as: AdvanceLead.self, service: .customers, LeadHandlers.advance)
        handlers.command(CustomersType.reassignLead, as: ReassignLead.self, service: .customers, LeadHandlers.reassign)
        handlers.command(CustomersType.defineSegment, as: DefineSegment.self, service: .customers, SegmentHandlers.define)
        handlers.command(CustomersType.interactionRecorded, as: InteractionRecorded.self, service: .customers, EngagementHandlers.interaction)

        // Orders: purchases on the timeline, points earned and reversed, leads converted.
        handlers.on(OrdersType.orderConfirmed, OrderEventHandlers.confirmed)
        for completion in [OrdersType.orderPickedUp, OrdersType.orderDelivered, OrdersType.orderCompleted] {
            handlers.on(completion, OrderEventHandlers.completed)
        }
        // A walk-in's order (nobody named, no points spent) has nothing for customers: passed
        // over before any transaction.
        for type in [OrdersType.orderConfirmed, OrdersType.orderPickedUp, OrdersType.orderDelivered, OrdersType.orderCompleted] {
            handlers.skip(type) { event in try event.decode(OrderCustomer.self).concernsNobody }
        }
        handlers.on(OrdersType.itemsReturned, OrderEventHandlers.returned)
        // Points an order spent: given back when it is rejected or cancelled (returns: above).
        // Only orders that spend points touch the spends (most rejections and cancellations do not).
        handlers.on(OrdersType.orderRejected) { event, context in
            let rejected = try event.decode(OrderRejected.self)
            guard (rejected.loyaltyPoints ?? 0) > 0 else { return }
            try await LoyaltySpendHandlers.rejected(rejected, event, context)
        }
        handlers.on(OrdersType.orderCancelled) { event, context in
            let order = try event.decode(OrderCancelled.self).order
            guard (order.loyaltyPoints ?? 0) > 0 else { return }
            try await LoyaltySpendHandlers.cancelled(order.orderId, event, context)
        }
        handlers.on(OrdersType.cartAbandoned, OrderEventHandlers.cartAbandoned)
        handlers.on(OrdersType.cartUpdated, OrderEventHandlers.cartUpdated)
        handlers.on(OrdersType.cartsMerged, OrderEventHandlers.cartsMerged)

        // Messages sent: on the timeline (promotions used come with the order's confirmation).
        for outcome in [NotificationsType.notificationSent, NotificationsType.notificationSuppressed, NotificationsType.notificationFailed] {
            handlers.on(outcome, OutreachEventHandlers.notification)
        }
        return handlers
    }
}
