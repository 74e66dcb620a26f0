import CatalogCore
import OmniRuntime

await OmniServiceRunner.main(try CatalogService.definition())
