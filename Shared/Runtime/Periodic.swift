import Logging
import ServiceLifecycle

/// Runs `tick` every `interval` until the service group shuts down gracefully: the loop
/// of every timer worker (expiries, deadlines, reviews, delivery). A failing tick is
/// logged as "`what` failed" and tried again at the next; shutdown cuts the sleep short.
public func repeatUntilShutdown(every interval: Duration, logger: Logger, what: String,
                                _ tick: @escaping @Sendable () async throws -> Void) async {
    try? await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await tick()
            } catch {
                logger.warning("\(what) failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try await Task.sleep(for: interval)
        }
    }
}
