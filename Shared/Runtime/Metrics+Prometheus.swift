import Metrics
import Prometheus

/// swift-metrics backed by one Prometheus registry per process, served at `/metrics`.
public enum OmniMetrics {
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped: Void = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }()

    public static func bootstrap() { _ = bootstrapped }

    /// Prometheus text format (version 0.0.4).
    public static func exposition() -> String { registry.emitToString() }
}
