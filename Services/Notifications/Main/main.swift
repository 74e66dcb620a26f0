import NotificationsCore
import OmniRuntime

let definition = try await NotificationsService.definition()
await OmniServiceRunner.main(definition)
