/// `GET /healthz`: whether the daemon is ready, and for each thing it
/// depends on (BGP sessions, switches, OVSDB, the last reconcile, its own
/// start) whether that is fine and, when not, why.
public struct HealthReport: Codable, Hashable, Sendable {
    public var ready: Bool
    public var checks: [HealthCheck]

    public init(checks: [HealthCheck]) {
        self.checks = checks
        ready = checks.allSatisfy(\.ok)
    }

    /// The checks that fail, in order.
    public var problems: [HealthCheck] { checks.filter { !$0.ok } }
}

/// One thing a daemon needs: `kind` says what ("bgp", "switch", "ovsdb",
/// "reconcile", "startup"), `subject` which one (a peer, a bridge), `detail`
/// its state in words.
public struct HealthCheck: Codable, Hashable, Sendable {
    public var kind: String
    public var subject: String
    public var ok: Bool
    public var detail: String

    public init(_ kind: String, _ subject: String, ok: Bool, _ detail: String) {
        self.kind = kind
        self.subject = subject
        self.ok = ok
        self.detail = detail
    }

    /// "bgp 10.0.0.254", "switch br0".
    public var name: String { subject.isEmpty ? kind : "\(kind) \(subject)" }
}

/// The report as gauges, set at each scrape: `swiftplane_ready` (1 or 0) and
/// `swiftplane_health_check{kind,subject}` (1 fine, 0 failing), which the
/// shipped alert rules read.
public struct HealthGauges: Sendable {
    private let ready = GaugeFamily(label: "swiftplane_ready")
    private let checks = GaugeFamily(label: "swiftplane_health_check")

    public init() {}

    public func refresh(_ report: HealthReport) {
        ready.set([[:]: report.ready ? 1 : 0])
        var values: [[String: String]: Double] = [:]
        for c in report.checks { values[["kind": c.kind, "subject": c.subject]] = c.ok ? 1 : 0 }
        checks.set(values)
    }
}

extension AdminRouter {
    /// `GET /healthz`: 200 with the report when ready, 503 with it when not
    /// (a load balancer or systemd check reads the status alone).
    public mutating func serveHealth(_ report: @escaping @Sendable () async -> HealthReport) {
        getResponse("/healthz") { _ in
            let health = await report()
            return try AdminResponse.json(health, status: health.ready ? 200 : 503)
        }
    }
}
