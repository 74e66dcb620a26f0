import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The notifications service: personal messages by email, SMS and push under consent and pressure rules.
/// The domain lands with issue #7; the runtime already gives it its schema, its
/// consumer group on `notifications.commands`, the outbox relay and the operational endpoints.
public enum NotificationsService {
    public static func definition() throws -> ServiceDefinition {
        ServiceDefinition(
            name: ServiceName.notifications.rawValue,
            migrations: [try .bundled(component: "notifications", in: .module)],
            subscriptions: [Topics.commands(.notifications)],
            handlers: EventHandlers()
        )
    }
}
