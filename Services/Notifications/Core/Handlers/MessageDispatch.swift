import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime

/// A message a trigger asks for, before the rules pick a medium (or none).
struct MessageRequest {
    var trigger: String
    var template: String
    var customerId: String?
    var transactional: Bool
    /// (trigger, subject, template): a request seen again never makes a second message.
    var dedupeKey: String
    var values: [String: Any] = [:]
    /// Addresses the event itself carries (an order's contact, an assignee's), before the
    /// profile's.
    var given: [DeliveryRules.Medium: String] = [:]
    var firstName: String?
    /// The language for everyone (a campaign's), instead of each customer's.
    var locale: String?
    /// Not before this (a reminder's date).
    var sendAt: Date?
    var campaignId: String?
    /// A message to staff about a person (a lead's alert): erased with the person.
    var aboutCustomerId: String?
}

/// Turns a request into one queued message or one recorded suppression, in the caller's
/// transaction: the contact from the read model, the rules' decision, the template in the
/// customer's language for the chosen medium.
struct MessageDispatch: Sendable {
    enum Outcome: Equatable {
        case queued(DeliveryRules.Medium, deferred: Bool)
        case suppressed(String)
        /// Already requested before (redelivery, a second campaign run).
        case duplicate
    }

    let renderer: MessageRenderer
    let weeklyCap: Int

    /// The template file for a medium: `<name>` for email, `<name>-short` for SMS and push.
    static func templateName(_ template: String, for medium: DeliveryRules.Medium) -> String {
        medium == .email ? template : "\(template)-short"
    }

    func media(for template: String, locale: String) -> Set<DeliveryRules.Medium> {
        Set(DeliveryRules.Medium.allCases.filter { renderer.hasTemplate(Self.templateName(template, for: $0), locale: locale) })
    }

    @discardableResult
    func dispatch(_ request: MessageRequest, emitter: OutboxEmitter, now: Date = Date()) async throws -> Outcome {
        let connection = emitter.connection, logger = emitter.logger
        // Marketing decisions hold the recipient's row: the week's count stays true.
        let recipient = try await RecipientRecords.find(request.customerId, forUpdate: !request.transactional, on: connection, logger: logger)
        var contact = recipient?.contact ?? DeliveryRules.Contact()
        for (medium, address) in request.given { contact.addresses[medium] = address }
        if request.customerId == nil { contact.addresses[.push] = nil }
        let locale = request.locale ?? MessageRenderer.locale(for: recipient?.locale)
        let intent = DeliveryRules.Intent(transactional: request.transactional, media: media(for: request.template, locale: locale))
        let thisWeek = try await request.transactional || request.customerId == nil
            ? 0 : MessageRecords.marketingThisWeek(request.customerId!, on: connection, logger: logger)
        var event = NotificationEvent(messageId: UUID().uuidString.lowercased(), customerId: request.customerId, trigger: request.trigger,
                                      template: request.template, locale: locale, medium: "none", transactional: request.transactional)
        switch DeliveryRules.decide(intent, for: contact, marketingThisWeek: thisWeek, weeklyCap: weeklyCap, now: now) {
        case .suppress(let reason):
            event.medium = contact.preferred?.rawValue ?? "email"
            event.reason = reason
            return try await suppress(event, request, emitter: emitter)
        case .send(let medium, let address, let at):
            var values = request.values
            values["firstName"] = request.firstName ?? recipient?.firstName ?? ""
            event.medium = medium.rawValue
            guard let rendered = renderer.render(Self.templateName(request.template, for: medium), locale: locale, values: values) else {
                event.reason = "no-template"
                return try await suppress(event, request, emitter: emitter)
            }
            let deferred = at > now
            let sendAt = [request.sendAt, deferred ? at : nil].compactMap { $0 }.max()
            if deferred { event.reason = "quiet-hours" }
            let inserted = try await MessageRecords.insert(MessageRecords.NewMessage(
                event: event, dedupeKey: request.dedupeKey, address: address, subject: rendered.subject, body: rendered.body, status: "pending",
                sendAt: sendAt, campaignId: request.campaignId, correlation: emitter.correlationID, causation: emitter.causationID,
                aboutCustomerId: request.aboutCustomerId),
                on: connection, logger: logger)
            FaultPoints.hit("notifications.dispatch")
            return inserted ? .queued(medium, deferred: deferred) : .duplicate
        }
    }

    private func suppress(_ event: NotificationEvent, _ request: MessageRequest, emitter: OutboxEmitter) async throws -> Outcome {
        let inserted = try await MessageRecords.insert(MessageRecords.NewMessage(
            event: event, dedupeKey: request.dedupeKey, address: nil, subject: nil, body: nil, status: "suppressed", sendAt: nil,
            campaignId: request.campaignId), on: emitter.connection, logger: emitter.logger)
        guard inserted else { return .duplicate }
        try await emitter.emit(NotificationsType.notificationSuppressed, event, subject: event.customerId ?? request.dedupeKey)
        return .suppressed(event.reason ?? "suppressed")
    }
}
