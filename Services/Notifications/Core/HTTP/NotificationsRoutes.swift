import Foundation
import Hummingbird
import OmniPersistence
import OmniRuntime

/// A customer's message log (what was sent, suppressed or failed, and why) and what the
/// delivery rules know of them, so support can answer "why did she not get it?".
enum NotificationsRoutes {
    struct Log: Codable, Sendable {
        var customerId: String
        var messages: [MessageRecords.LogEntry]
    }

    struct Contact: Codable, Sendable {
        var customerId: String
        var locale: String?
        var media: [String: Medium]
        var preferredMedium: String?
        var quietHours: String?
        var timeZone: String?
        struct Medium: Codable, Sendable {
            var reachable: Bool
            /// Granted, refused, or never asked (absent).
            var consent: Bool?
        }
    }

    static func add(to router: Router<OmniRequestContext>, database: Database) {
        NotificationsCustomerExport.add(to: router, database: database)
        router.get("/customers/:id/messages", requires: .notificationsRead) { request, context in
            let id = try context.parameters.require("id")
            let limit = try request.limit(default: 100)
            let entries = try await database.withConnection { connection in
                try await MessageRecords.log(id, limit: limit, on: connection, logger: database.logger)
            }
            try await context.recordPersonalDataAccess(customer: id, action: "messages")
            return Response.json(Log(customerId: id, messages: entries))
        }
        router.get("/customers/:id/contact", requires: .notificationsRead) { _, context in
            let id = try context.parameters.require("id")
            guard let recipient = try await database.withConnection({ connection in
                try await RecipientRecords.find(id, on: connection, logger: database.logger)
            }) else {
                throw ProblemDetails(status: .notFound, title: "Unknown customer", detail: "notifications knows no customer \(id)")
            }
            try await context.recordPersonalDataAccess(customer: id, action: "contact")
            let contact = recipient.contact
            var media: [String: Contact.Medium] = [:]
            for medium in DeliveryRules.Medium.allCases {
                media[medium.rawValue] = Contact.Medium(reachable: contact.addresses[medium] != nil, consent: contact.consents[medium])
            }
            let quiet = contact.quietHours.map { String(format: "%02d:%02d–%02d:%02d", $0.start / 60, $0.start % 60, $0.end / 60, $0.end % 60) }
            return Response.json(Contact(customerId: id, locale: recipient.locale, media: media, preferredMedium: contact.preferred?.rawValue,
                                         quietHours: quiet, timeZone: contact.timeZone))
        }
    }
}
