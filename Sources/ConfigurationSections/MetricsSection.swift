import ConfigurationReader
import ConfigurationValues

/// `metrics: HOST:PORT`, the same key in both daemons' files: the Prometheus
/// listener (`MetricsListener`), off when the file leaves it out.
public enum MetricsSection {
    public static func address(_ node: ConfigurationNode) throws(ConfigurationError) -> AdminAddress {
        let text = try node.scalar()
        do throws(AdminAddressError) {
            return try MetricsListener.address(parsing: text)
        } catch {
            throw node.invalid(error.reason)
        }
    }

    /// The key in a daemon's configuration reference; `example` is a port
    /// that daemon's metrics commonly use.
    public static func key(example: String) -> ConfigurationKey {
        .optional("metrics", "HOST:PORT", default: "none", "Prometheus listener: `GET /metrics` and `/healthz` only (`--metrics` overrides)",
                  example: example)
    }
}
