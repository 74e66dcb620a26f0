import Foundation
import OmniRuntime

/// Every event that becomes a message and every command the service takes, grouped by
/// where they come from.
enum NotificationsHandlers {
    static func all(dispatch: MessageDispatch) -> EventHandlers {
        var handlers = EventHandlers()
        OrderTriggers(dispatch: dispatch).register(&handlers)
        CustomerTriggers(dispatch: dispatch).register(&handlers)
        CatalogTriggers(dispatch: dispatch).register(&handlers)
        CommandHandlers(dispatch: dispatch).register(&handlers)
        return handlers
    }
}
