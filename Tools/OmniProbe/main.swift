import OmniRuntime

await OmniServiceRunner.main(Probe.definition())
