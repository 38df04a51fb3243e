import Metrics
import Prometheus

/// The daemons' Prometheus page: swift-metrics backed by one
/// swift-prometheus registry, served as `GET /metrics`.
public enum PrometheusPage {
    /// Makes the registry the process's metrics backend. Call once, before
    /// the instrumented parts (speaker, controller) are made.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}

extension AdminRouter {
    /// `GET /metrics`: `refresh` first sets the gauges that mirror state
    /// (sessions, routes, flows, BUM drops), then the registry is rendered.
    public mutating func serveMetrics(_ registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () async -> Void) {
        getResponse("/metrics") { _ in
            await refresh()
            return AdminResponse(contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer())
        }
    }
}
