import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The promotions service: promotions as data, codes with usage limits held across every
/// channel, the pricing engine, and its part in the order saga (docs/services/promotions.md).
public enum PromotionsService {
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        let holdFor = HoldExpiry.holdDuration(environment)
        return ServiceDefinition(
            name: ServiceName.promotions.rawValue,
            migrations: [try .bundled(component: "promotions", in: .module)],
            subscriptions: [Topics.commands(.promotions), Topics.events(.customers), Topics.events(.orders)],
            handlers: PromotionsHandlers.all(),
            routes: { router, resources in PromotionsRoutes.add(to: router, database: resources.database) },
            workers: { resources in [HoldExpiry(database: resources.database, logger: resources.logger, holdFor: holdFor)] }
        )
    }
}
