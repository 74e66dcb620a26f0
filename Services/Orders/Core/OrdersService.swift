import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The orders service: carts, orders from every channel, the order saga, fulfilment and returns.
/// The domain lands with issue #5; the runtime already gives it its schema, its
/// consumer group on `orders.commands`, the outbox relay and the operational endpoints.
public enum OrdersService {
    public static func definition() throws -> ServiceDefinition {
        ServiceDefinition(
            name: ServiceName.orders.rawValue,
            migrations: [try .bundled(component: "orders", in: .module)],
            subscriptions: [Topics.commands(.orders)],
            handlers: EventHandlers()
        )
    }
}
