import OrdersCore
import OmniRuntime

await OmniServiceRunner.main(try OrdersService.definition())
