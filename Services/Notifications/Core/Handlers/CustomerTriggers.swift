import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime

/// Customers' events: the recipients read model (names, languages, addresses, consents,
/// preferences, merges, erasure) and the lead messages (J1): an acknowledgement to the
/// prospect, an alert to whoever the lead was routed to; when it changes hands, the new
/// assignee gets it and the previous one is told it went.
struct CustomerTriggers: Sendable {
    let dispatch: MessageDispatch

    func register(_ handlers: inout EventHandlers) {
        handlers.on(CustomersType.customerRegistered) { event, context in
            try await Self.keep(try event.decode(CustomerRegistered.self).profile, context)
        }
        handlers.on(CustomersType.profileUpdated) { event, context in
            try await Self.keep(try event.decode(ProfileUpdated.self).profile, context)
        }
        handlers.on(CustomersType.identifierLinked) { event, context in
            let linked = try event.decode(IdentifierLinked.self)
            try await Self.keep(linked.customerId, [linked.identifier], context)
        }
        handlers.on(CustomersType.consentChanged) { event, context in
            let consent = try event.decode(ConsentChanged.self)
            guard let medium = DeliveryRules.Medium(rawValue: consent.medium.rawValue) else { return }  // phone, post: not ours
            try await RecipientRecords.setConsent(consent.customerId, medium: medium, granted: consent.granted, on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.contactPreferencesChanged) { event, context in
            let preferences = try event.decode(ContactPreferencesChanged.self)
            try await RecipientRecords.setPreferences(preferences.customerId, preferred: preferences.preferredMedium?.rawValue,
                                                      quietStart: preferences.quietHours?.start, quietEnd: preferences.quietHours?.end,
                                                      timeZone: preferences.timeZone, on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.customersMerged) { event, context in
            let merged = try event.decode(CustomersMerged.self)
            try await RecipientRecords.merge(merged.mergedIds, into: merged.survivorId, on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.customerErased) { event, context in
            let erased = try event.decode(CustomerErased.self)
            try await RecipientRecords.erase([erased.customerId] + erased.formerIds, on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.leadRouted) { event, context in
            try await leadRouted(try event.decode(LeadRouted.self), event, context)
        }
        handlers.on(CustomersType.leadReassigned) { event, context in
            try await leadReassigned(try event.decode(LeadReassigned.self), event, context)
        }
    }

    private static func keep(_ profile: CustomerProfile, _ context: HandlerContext) async throws {
        try await RecipientRecords.upsert(profile.customerId, firstName: profile.firstName, locale: profile.locale, timeZone: profile.timeZone,
                                          on: context.connection, logger: context.logger)
        try await keep(profile.customerId, profile.identifiers, context)
    }

    private static func keep(_ customerId: String, _ identifiers: [CustomerIdentifier], _ context: HandlerContext) async throws {
        let email = identifiers.last { $0.kind == .email }?.value
        let phone = identifiers.last { $0.kind == .phone }?.value
        guard email != nil || phone != nil else { return }
        try await RecipientRecords.upsert(customerId, email: email, phone: phone, on: context.connection, logger: context.logger)
    }

    private func leadRouted(_ lead: LeadRouted, _ event: CloudEvent, _ context: HandlerContext) async throws {
        let emitter = OutboxEmitter(context, service: .notifications, cause: event)
        let assignee = try await AssigneeRecords.find(kind: lead.assignee.kind.rawValue, id: lead.assignee.id, on: context.connection, logger: context.logger)
        let values: [String: Any] = [
            "leadId": lead.leadId, "company": lead.company ?? "", "need": lead.need, "contactName": lead.contactName ?? "", "score": lead.score,
            "sourceChannel": lead.sourceChannel, "assigneeName": assignee?.name ?? "Our team",
        ]
        try await dispatch.dispatch(MessageRequest(trigger: "lead-routed", template: "lead-acknowledgement", customerId: lead.customerId, transactional: true,
                                                   dedupeKey: "lead-routed/\(lead.leadId)/lead-acknowledgement", values: values,
                                                   firstName: lead.contactName?.split(separator: " ").first.map(String.init)),
                                    emitter: emitter)
        // Staff, not a customer: straight to the assignee's own addresses.
        var given: [DeliveryRules.Medium: String] = [:]
        given[.email] = assignee?.email
        given[.sms] = assignee?.phone
        try await dispatch.dispatch(MessageRequest(trigger: "lead-routed", template: "lead-assigned", customerId: nil, transactional: true,
                                                   dedupeKey: "lead-routed/\(lead.leadId)/lead-assigned", values: values, given: given,
                                                   aboutCustomerId: lead.customerId),
                                    emitter: emitter)
    }

    private func leadReassigned(_ lead: LeadReassigned, _ event: CloudEvent, _ context: HandlerContext) async throws {
        let emitter = OutboxEmitter(context, service: .notifications, cause: event)
        let previous = try await AssigneeRecords.find(kind: lead.from.kind.rawValue, id: lead.from.id, on: context.connection, logger: context.logger)
        let next = try await AssigneeRecords.find(kind: lead.to.kind.rawValue, id: lead.to.id, on: context.connection, logger: context.logger)
        let lateReason = lead.reason == "sla-missed"
        var values: [String: Any] = [
            "leadId": lead.leadId, "company": lead.company ?? "", "need": lead.need, "contactName": lead.contactName ?? "", "score": lead.score,
            "sourceChannel": lead.sourceChannel, "handedOver": true, "late": lateReason, "manual": !lateReason, "by": lead.by ?? "",
            "note": lead.note ?? "", "previousName": previous?.name ?? lead.from.id, "nextName": next?.name ?? lead.to.id,
        ]
        values["assigneeName"] = next?.name ?? "Our team"
        try await dispatch.dispatch(MessageRequest(trigger: "lead-reassigned", template: "lead-assigned", customerId: nil, transactional: true,
                                                   dedupeKey: "lead-reassigned/\(event.id.uuidString.lowercased())/lead-assigned", values: values,
                                                   given: Self.addresses(next), aboutCustomerId: lead.customerId),
                                    emitter: emitter)
        values["assigneeName"] = previous?.name ?? lead.from.id
        try await dispatch.dispatch(MessageRequest(trigger: "lead-reassigned", template: "lead-withdrawn", customerId: nil, transactional: true,
                                                   dedupeKey: "lead-reassigned/\(event.id.uuidString.lowercased())/lead-withdrawn", values: values,
                                                   given: Self.addresses(previous), aboutCustomerId: lead.customerId),
                                    emitter: emitter)
    }

    /// Staff, not a customer: straight to the assignee's own addresses.
    private static func addresses(_ assignee: AssigneeRecords.Assignee?) -> [DeliveryRules.Medium: String] {
        var given: [DeliveryRules.Medium: String] = [:]
        given[.email] = assignee?.email
        given[.sms] = assignee?.phone
        return given
    }
}
