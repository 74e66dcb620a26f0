import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The notifications service: events become personal messages, rendered from the
/// templates in the repo in the customer's language, on the medium the rules allow, sent
/// over SMTP and HTTP webhooks (docs/services/notifications.md).
public enum NotificationsService {
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ServiceDefinition {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw NotificationsSetupError(description: "the Templates resource is missing from the bundle")
        }
        let renderer = try await MessageRenderer(directory: templates.path)
        let settings = try NotificationsSettings(environment: environment)
        let smtp = SMTPClient(configuration: .init(host: settings.smtpHost, port: settings.smtpPort))
        let providers = Providers(smtp: smtp, from: settings.mailFrom, webhooks: .init(sms: settings.smsWebhook, push: settings.pushWebhook))
        let dispatch = MessageDispatch(renderer: renderer, weeklyCap: settings.weeklyCap)
        return ServiceDefinition(
            name: ServiceName.notifications.rawValue,
            migrations: [try .bundled(component: "notifications", in: .module)],
            subscriptions: [Topics.commands(.notifications), Topics.events(.orders), Topics.events(.customers), Topics.events(.catalog)],
            handlers: NotificationsHandlers.all(dispatch: dispatch),
            routes: { router, resources in NotificationsRoutes.add(to: router, database: resources.database) },
            workers: { resources in
                [DeliveryWorker(database: resources.database, providers: providers, settings: settings.delivery, logger: resources.logger)]
            }
        )
    }
}

/// The service's environment (docs/services/notifications.md).
struct NotificationsSettings {
    var smtpHost = "127.0.0.1"
    var smtpPort = 1025
    var mailFrom = "no-reply@omni.local"
    var smsWebhook: String?
    var pushWebhook: String?
    /// Marketing messages per customer per rolling week, every medium together.
    var weeklyCap = 3
    var delivery = DeliveryWorker.Settings()

    init(environment: [String: String]) throws {
        func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = environment[name] else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw NotificationsSetupError(description: "\(name)=\(text) must be a whole number in \(range)")
            }
            return number
        }
        smtpHost = environment["OMNI_SMTP_HOST"] ?? smtpHost
        smtpPort = try integer("OMNI_SMTP_PORT", default: smtpPort, range: 1...65_535)
        mailFrom = environment["OMNI_MAIL_FROM"] ?? mailFrom
        smsWebhook = environment["OMNI_SMS_WEBHOOK_URL"]
        pushWebhook = environment["OMNI_PUSH_WEBHOOK_URL"]
        weeklyCap = try integer("OMNI_NOTIFICATIONS_WEEKLY_CAP", default: weeklyCap, range: 0...1_000)
        delivery.lease = .seconds(try integer("OMNI_NOTIFICATIONS_SENDING_LEASE_SECONDS", default: 60, range: 1...3_600))
        delivery.maxAttempts = try integer("OMNI_NOTIFICATIONS_MAX_ATTEMPTS", default: delivery.maxAttempts, range: 1...50)
    }
}

struct NotificationsSetupError: Error, CustomStringConvertible {
    var description: String
}
