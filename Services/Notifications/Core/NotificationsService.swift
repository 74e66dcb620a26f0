import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The notifications service: events become personal messages, rendered from the
/// templates in the repo in the customer's language and sent over SMTP (README,
/// "Notifications").
public enum NotificationsService {
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ServiceDefinition {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw NotificationsSetupError(description: "the Templates resource is missing from the bundle")
        }
        let renderer = try await MessageRenderer(directory: templates.path)
        let smtp = SMTPClient(configuration: .init(host: environment["OMNI_SMTP_HOST"] ?? "127.0.0.1", port: Int(environment["OMNI_SMTP_PORT"] ?? "") ?? 1025))
        let from = environment["OMNI_MAIL_FROM"] ?? "no-reply@omni.local"
        return ServiceDefinition(
            name: ServiceName.notifications.rawValue,
            migrations: [try .bundled(component: "notifications", in: .module)],
            subscriptions: [Topics.commands(.notifications), Topics.events(.orders), Topics.events(.customers), Topics.events(.catalog)],
            handlers: NotificationsHandlers.all(renderer: renderer),
            routes: { router, resources in NotificationsRoutes.add(to: router, database: resources.database) },
            workers: { resources in [DeliveryWorker(database: resources.database, smtp: smtp, from: from, logger: resources.logger)] }
        )
    }
}

struct NotificationsSetupError: Error, CustomStringConvertible {
    var description: String
}
