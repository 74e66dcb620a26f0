import NotificationsCore
import OmniRuntime

await OmniServiceRunner.main(try NotificationsService.definition())
