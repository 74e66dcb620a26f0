import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The catalog service: products, channel prices, locations, the stock ledger,
/// reservations and live availability, for every channel (docs/services/catalog.md).
public enum CatalogService {
    public static func definition() throws -> ServiceDefinition {
        ServiceDefinition(
            name: ServiceName.catalog.rawValue,
            migrations: [try .bundled(component: "catalog", in: .module)],
            subscriptions: [Topics.commands(.catalog)],
            handlers: CatalogHandlers.all(),
            routes: { router, resources in CatalogRoutes.add(to: router, database: resources.database) },
            workers: { resources in [ReservationExpiry(database: resources.database, logger: resources.logger)] },
            // Every reservation locks the stock rows of its skus, and a bestseller's rows
            // are in most of them: the partitions' transactions take turns here instead of
            // queueing (and deadlocking) on those locks in Postgres.
            consumerTransactionsAtOnce: 1
        )
    }
}
