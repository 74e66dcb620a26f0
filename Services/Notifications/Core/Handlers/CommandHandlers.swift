import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime

/// Commands on `notifications.commands`: campaigns, back-in-stock subscriptions and the
/// assignees' contacts. Bad input is refused with a reason, nothing half done.
struct CommandHandlers: Sendable {
    static let maxCampaignSize = 10_000
    let dispatch: MessageDispatch

    func register(_ handlers: inout EventHandlers) {
        handlers.command(NotificationsType.sendNotification, as: SendNotification.self, service: .notifications) { command, context in
            try await campaign(command, context)
        }
        handlers.command(NotificationsType.subscribeBackInStock, as: SubscribeBackInStock.self, service: .notifications) { command, context in
            guard !command.customerId.isEmpty, !command.sku.isEmpty else { throw Rejection("missing-field", "customerId and sku are required") }
            guard try await RecipientRecords.find(command.customerId, on: context.connection, logger: context.logger) != nil else {
                throw Rejection("unknown-customer", "no customer \(command.customerId) is known to notifications")
            }
            _ = try await StockSubscriptionRecords.subscribe(command.customerId, sku: command.sku, locationId: command.storeId, channel: command.channel,
                                                             on: context.connection, logger: context.logger)
            try await context.emit(NotificationsType.backInStockSubscribed,
                                   BackInStockSubscribed(customerId: command.customerId, sku: command.sku, storeId: command.storeId), subject: command.customerId)
        }
        handlers.command(NotificationsType.setAssigneeContact, as: SetAssigneeContact.self, service: .notifications) { command, context in
            guard !command.kind.isEmpty, !command.id.isEmpty, !command.name.isEmpty else { throw Rejection("missing-field", "kind, id and name are required") }
            guard command.email != nil || command.phone != nil else { throw Rejection("missing-address", "an assignee needs an email or a phone") }
            if let email = command.email, let problem = EmailAddress.problem(email) {
                throw Rejection("invalid-email", "\(SingleLine.clean(email)) is not an email address: \(problem)")
            }
            try await AssigneeRecords.upsert(kind: command.kind, id: command.id, name: command.name, email: command.email, phone: command.phone,
                                             on: context.connection, logger: context.logger)
            try await context.emit(NotificationsType.assigneeContactSet, command, subject: "\(command.kind)/\(command.id)")
        }
    }

    /// One marketing message per customer; the rules decide each (consent, cap, quiet hours).
    private func campaign(_ command: SendNotification, _ context: CommandContext) async throws {
        guard !command.campaignId.isEmpty, !command.template.isEmpty else { throw Rejection("missing-field", "campaignId and template are required") }
        guard !command.customerIds.isEmpty, command.customerIds.count <= Self.maxCampaignSize else {
            throw Rejection("invalid-audience", "a campaign names 1 to \(Self.maxCampaignSize) customers")
        }
        if let locale = command.locale, !MessageRenderer.locales.contains(locale) {
            throw Rejection("unknown-locale", "no templates in \(locale) (we have \(MessageRenderer.locales.joined(separator: ", ")))")
        }
        let missing = (command.locale.map { [$0] } ?? MessageRenderer.locales).filter { dispatch.media(for: command.template, locale: $0).isEmpty }
        guard missing.isEmpty else {
            throw Rejection("unknown-template", "no template \(command.template) in \(missing.joined(separator: ", "))")
        }
        let emitter = OutboxEmitter(context)
        var summary = CampaignQueued(campaignId: command.campaignId, queued: 0, deferred: 0, suppressed: [:], alreadyRequested: 0)
        for customerId in Set(command.customerIds).sorted() {
            let request = MessageRequest(trigger: "campaign", template: command.template, customerId: customerId, transactional: false,
                                         dedupeKey: "campaign/\(command.campaignId)/\(customerId)/\(command.template)", values: command.values ?? [:],
                                         locale: command.locale, campaignId: command.campaignId)
            switch try await dispatch.dispatch(request, emitter: emitter) {
            case .queued(_, let deferred):
                summary.queued += 1
                if deferred { summary.deferred += 1 }
            case .suppressed(let reason): summary.suppressed[reason, default: 0] += 1
            case .duplicate: summary.alreadyRequested += 1
            }
        }
        try await context.emit(NotificationsType.campaignQueued, summary, subject: command.campaignId)
    }

}
