import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The catalog service: products, channel prices, locations, the stock ledger,
/// reservations and live availability, for every channel (README, "Catalog").
public enum CatalogService {
    public static func definition() throws -> ServiceDefinition {
        ServiceDefinition(
            name: ServiceName.catalog.rawValue,
            migrations: [try .bundled(component: "catalog", in: .module)],
            subscriptions: [Topics.commands(.catalog)],
            handlers: CatalogHandlers.all(),
            routes: { router, resources in CatalogRoutes.add(to: router, database: resources.database) },
            workers: { resources in [ReservationExpiry(database: resources.database, logger: resources.logger)] }
        )
    }
}
