import CustomersCore
import OmniRuntime

await OmniServiceRunner.main(try CustomersService.definition())
