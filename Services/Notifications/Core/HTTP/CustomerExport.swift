import Foundation
import Hummingbird
import OmniAuth
import OmniPersistence
import OmniRuntime
import PostgresNIO

/// Notifications' part of a person's data (GDPR access request): what it knows to reach
/// them (name, language, addresses, consents, preferences), every message sent to them with
/// its text, and their back-in-stock subscriptions.
struct NotificationsCustomerExport: Codable, Sendable {
    struct Message: Codable, Sendable {
        var messageId: String
        var trigger: String
        var template: String
        var medium: String
        var status: String
        var address: String?
        var subject: String?
        var body: String?
        var createdAt: Date
        var sentAt: Date?
    }
    struct Subscription: Codable, Sendable {
        var sku: String
        var locationId: String?
        var channel: String
        var subscribedAt: Date
        var notifiedAt: Date?
    }
    /// Which service's part this is.
    var service: String
    var customerId: String
    var exportedAt: Date
    var firstName: String?
    var locale: String?
    var addresses: [String: String]
    var consents: [String: Bool]
    var preferredMedium: String?
    var timeZone: String?
    var messages: [Message]
    var backInStock: [Subscription]

    static func add(to router: Router<OmniRequestContext>, database: Database) {
        router.get("/customers/:id/export", requires: .customersExport) { _, context in
            let id = try context.parameters.require("id")
            let logger = database.logger
            let export = try await database.withConnection { connection in
                let recipient = try await RecipientRecords.find(id, on: connection, logger: logger)
                var messages: [Message] = []
                for try await (messageId, trigger, template, medium, status, address, subject, body, created, sent) in try await connection.run("""
                    SELECT message_id, trigger, template, medium, status, address, subject, body, created_at, sent_at FROM messages
                    WHERE customer_id = \(id) ORDER BY created_at
                    """, logger: logger).decode((UUID, String, String, String, String, String?, String?, String?, Date, Date?).self) {
                    messages.append(Message(messageId: messageId.uuidString.lowercased(), trigger: trigger, template: template, medium: medium, status: status,
                                            address: address, subject: subject, body: body, createdAt: created, sentAt: sent))
                }
                var subscriptions: [Subscription] = []
                for try await (sku, location, channel, at, notified) in try await connection.run("""
                    SELECT sku, location_id, channel, subscribed_at, notified_at FROM stock_subscriptions WHERE customer_id = \(id) ORDER BY subscribed_at
                    """, logger: logger).decode((String, String, String, Date, Date?).self) {
                    subscriptions.append(Subscription(sku: sku, locationId: location.isEmpty ? nil : location, channel: channel, subscribedAt: at, notifiedAt: notified))
                }
                let contact = recipient?.contact ?? DeliveryRules.Contact()
                return NotificationsCustomerExport(
                    service: "notifications", customerId: id, exportedAt: Date(), firstName: recipient?.firstName, locale: recipient?.locale,
                    addresses: Dictionary(uniqueKeysWithValues: contact.addresses.map { ($0.key.rawValue, $0.value) }),
                    consents: Dictionary(uniqueKeysWithValues: contact.consents.map { ($0.key.rawValue, $0.value) }),
                    preferredMedium: contact.preferred?.rawValue, timeZone: contact.timeZone, messages: messages, backInStock: subscriptions)
            }
            try await context.recordPersonalDataAccess(customer: id, action: "export")
            return Response.json(export)
        }
    }
}
