import CustomersContracts
import Foundation
import OmniMessaging

/// Customers as the channels register them, once the services that act on them have read
/// them (notifications, when the stack runs it).
extension ServiceStack {
    /// What notifications knows of a customer (`GET /customers/{id}/contact`).
    struct Contact: Decodable {
        struct Medium: Decodable { var reachable: Bool; var consent: Bool? }
        var media: [String: Medium]
        var preferredMedium: String?
        var quietHours: String?
    }

    /// Registers a person on `channel` with `identifiers` and `profile`, records each
    /// consent given or refused there, and the preferences; returns the customer id.
    func registerCustomer(_ identifiers: [CustomerIdentifier], profile: ProfileFields, consents: [(ContactMedium, Bool)] = [],
                          preferred: ContactMedium? = nil, quietHours: QuietHours? = nil, channel: String = "web") async throws -> String {
        let registered = try await perform(CustomersType.registerCustomer, RegisterCustomer(identifiers: identifiers, profile: profile), key: identifiers[0].value,
                                           channel: channel, expecting: [CustomersType.customerRegistered, CustomersType.commandRejected])
        let id = try registered.payload(CustomerRegistered.self).profile.customerId
        for (medium, granted) in consents {
            _ = try await perform(CustomersType.recordConsent, RecordConsent(customer: .id(id), medium: medium, granted: granted, channel: channel,
                                                                            wordingVersion: "2026-10"), key: id, channel: channel)
        }
        try await setContactPreferences(preferred, quietHours: quietHours, id, consents: consents)
        return id
    }

    /// Sets `id`'s preferred medium and quiet hours, and waits until notifications knows
    /// them and `consents`.
    func setContactPreferences(_ medium: ContactMedium?, quietHours: QuietHours? = nil, _ id: String, consents: [(ContactMedium, Bool)] = []) async throws {
        _ = try await perform(CustomersType.setContactPreferences, SetContactPreferences(customer: .id(id), preferredMedium: medium, quietHours: quietHours), key: id)
        guard processes[.notifications] != nil else { return }
        func knows(_ contact: Contact) -> Bool {
            contact.preferredMedium == medium?.rawValue && (contact.quietHours != nil) == (quietHours != nil)
                && consents.allSatisfy { contact.media[$0.0.rawValue]?.consent == $0.1 }
        }
        guard knows(try await poll("/customers/\(id)/contact", from: .notifications, until: knows)) else {
            throw ServiceProcess.ProcessFailure(description: "notifications never saw \(id)'s preferences")
        }
    }
}
