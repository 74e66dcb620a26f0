import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The promotions service: promotion rules, codes, redemptions and the pricing engine.
/// The domain lands with issue #6; the runtime already gives it its schema, its
/// consumer group on `promotions.commands`, the outbox relay and the operational endpoints.
public enum PromotionsService {
    public static func definition() throws -> ServiceDefinition {
        ServiceDefinition(
            name: ServiceName.promotions.rawValue,
            migrations: [try .bundled(component: "promotions", in: .module)],
            subscriptions: [Topics.commands(.promotions)],
            handlers: EventHandlers()
        )
    }
}
