import PromotionsCore
import OmniRuntime

await OmniServiceRunner.main(try PromotionsService.definition())
