import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The catalog service: products, channel prices, locations, the stock ledger, reservations and live availability.
/// The domain lands with issue #3; the runtime already gives it its schema, its
/// consumer group on `catalog.commands`, the outbox relay and the operational endpoints.
public enum CatalogService {
    public static func definition() throws -> ServiceDefinition {
        ServiceDefinition(
            name: ServiceName.catalog.rawValue,
            migrations: [try .bundled(component: "catalog", in: .module)],
            subscriptions: [Topics.commands(.catalog)],
            handlers: EventHandlers()
        )
    }
}
