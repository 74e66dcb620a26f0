import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The customers service: unified profiles, identity linking, consents, loyalty, leads, timeline, segments.
/// The domain lands with issue #4; the runtime already gives it its schema, its
/// consumer group on `customers.commands`, the outbox relay and the operational endpoints.
public enum CustomersService {
    public static func definition() throws -> ServiceDefinition {
        ServiceDefinition(
            name: ServiceName.customers.rawValue,
            migrations: [try .bundled(component: "customers", in: .module)],
            subscriptions: [Topics.commands(.customers)],
            handlers: EventHandlers()
        )
    }
}
