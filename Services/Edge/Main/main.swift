import EdgeCore
import OmniRuntime

await OmniServiceRunner.main(try EdgeService.definition())
