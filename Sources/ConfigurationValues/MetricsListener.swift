/// The Prometheus listener (`metrics: HOST:PORT`): TCP only, read-only,
/// serving `/metrics` and `/healthz` and nothing else, apart from the
/// admin API so that a scraper never reaches the admin views. Off unless
/// configured. Any address literal is allowed: the two pages hold counters
/// and health, nothing secret, and Prometheus usually scrapes from another host.
public enum MetricsListener {
    public static let paths = ["/healthz", "/metrics"]

    /// `HOST:PORT` or `[IPv6]:PORT` with an address literal.
    public static func address(parsing text: String) throws(AdminAddressError) -> AdminAddress {
        guard !text.hasPrefix("/"), !text.hasPrefix("."), !text.hasPrefix("unix:") else {
            throw AdminAddressError(text: text, reason: "the metrics listener is TCP: expected HOST:PORT such as 127.0.0.1:9179", what: "metrics address")
        }
        do throws(AdminAddressError) {
            return try AdminAddress(parsing: text, allowNonLoopback: true)
        } catch {
            throw AdminAddressError(text: text, reason: error.reason.replacing("a socket path or ", with: ""), what: "metrics address")
        }
    }
}
