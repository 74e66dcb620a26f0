import Foundation
import OmniMessaging
import Testing

/// Each of the five executables starts, migrates its schema, joins its group, answers its
/// operational routes, and stops cleanly on SIGTERM.
@Suite("The five service executables start and stop")
struct ServiceLifecycleTests {
    @Test("each service becomes ready and exits 0 on SIGTERM", arguments: ServiceName.allCases)
    func startsAndStops(_ service: ServiceName) async throws {
        let group = TestStack.unique("lifecycle-\(service.rawValue)")
        let process = try ServiceProcess(service.rawValue, name: group, schema: service.rawValue,
                                         environment: ["OMNI_CONSUMER_GROUP": group])
        try await process.waitUntilReady()
        let (status, body) = try await process.get("/health/live")
        #expect(status == 200, "\(body)")
        let (_, metrics) = try await process.get("/metrics")
        #expect(metrics.contains("omni_"), "Prometheus text with Omni's metrics")
        let started = ContinuousClock.now
        let exit = await process.terminate()
        #expect(exit == 0, "graceful stop: \(process.failure("stopped with \(String(describing: exit))"))")
        #expect(ContinuousClock.now - started < .seconds(15))
    }
}
