import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The orders service: carts that follow the customer, orders from every channel, the
/// order saga with catalog and promotions, fulfilment (docs/services/orders.md).
public enum OrdersService {
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        let policy = OrdersPolicy.fromEnvironment(environment)
        return ServiceDefinition(
            name: ServiceName.orders.rawValue,
            migrations: [try .bundled(component: "orders", in: .module)],
            subscriptions: [Topics.commands(.orders), Topics.events(.catalog), Topics.events(.promotions), Topics.events(.customers)],
            handlers: OrdersHandlers.all(policy: policy),
            routes: { router, resources in OrdersRoutes.add(to: router, database: resources.database) },
            workers: { resources in [OrderTimers(database: resources.database, logger: resources.logger, policy: policy)] }
        )
    }
}
