import AdminAPI
import Testing

/// The backoff of repeated health warnings, and the metrics listener's
/// address and paths: pure values, no daemon.
@Suite struct HealthWatchTests {
    static let down = HealthCheck("bgp", "10.0.0.254", ok: false, "session Active, not Established")
    static let up = HealthCheck("bgp", "10.0.0.254", ok: true, "Established for 3 s")
    static let switchDown = HealthCheck("switch", "br0", ok: false, "no switch connected")

    /// Seconds since the start at which the watch looks, and what it logs then.
    struct Step: Sendable, CustomStringConvertible {
        var at: Int
        var checks: [HealthCheck]
        var lines: [String]
        var description: String { "t=\(at)" }
    }

    static func render(_ line: HealthWatch.Line) -> String {
        switch line {
        case let .failing(check, elapsed, repeats): "failing \(check.name) \(elapsed.components.seconds)s #\(repeats)"
        case let .recovered(name, after): "recovered \(name) \(after.components.seconds)s"
        }
    }

    /// grace 5 s, then 30, 60, 120, 240, 300, 300 s apart; a recovery once;
    /// a blip shorter than the grace says nothing at all.
    static let steps: [Step] = [
        Step(at: 0, checks: [down], lines: []),
        Step(at: 4, checks: [down], lines: []),
        Step(at: 5, checks: [down], lines: ["failing bgp 10.0.0.254 5s #0"]),
        Step(at: 20, checks: [down], lines: []),
        Step(at: 35, checks: [down, switchDown], lines: ["failing bgp 10.0.0.254 35s #1"]),
        Step(at: 40, checks: [down, switchDown], lines: ["failing switch br0 5s #0"]),
        Step(at: 94, checks: [down], lines: ["recovered switch br0 59s"]),
        Step(at: 95, checks: [down], lines: ["failing bgp 10.0.0.254 95s #2"]),
        Step(at: 214, checks: [down], lines: []),
        Step(at: 215, checks: [down], lines: ["failing bgp 10.0.0.254 215s #3"]),
        Step(at: 455, checks: [down], lines: ["failing bgp 10.0.0.254 455s #4"]),
        Step(at: 755, checks: [down], lines: ["failing bgp 10.0.0.254 755s #5"]),
        Step(at: 1055, checks: [down], lines: ["failing bgp 10.0.0.254 1055s #6"]),
        Step(at: 1056, checks: [up], lines: ["recovered bgp 10.0.0.254 1056s"]),
        Step(at: 1060, checks: [down], lines: []),
        Step(at: 1062, checks: [up], lines: []),
        Step(at: 1070, checks: [up], lines: []),
    ]

    @Test func warningsRepeatWithBackoffAndRecoveriesAreSaidOnce() {
        var watch = HealthWatch()
        let start = ContinuousClock.now
        for step in Self.steps {
            let lines = watch.observe(step.checks, at: start + .seconds(step.at)).map(Self.render)
            #expect(lines == step.lines, "\(step)")
        }
    }

    @Test func readyOnlyWhenEveryCheckIsFine() {
        #expect(HealthReport(checks: [Self.up]).ready)
        #expect(HealthReport(checks: []).ready)
        let report = HealthReport(checks: [Self.up, Self.switchDown])
        #expect(!report.ready && report.problems == [Self.switchDown])
    }

    @Test(arguments: [
        ("127.0.0.1:9179", "127.0.0.1:9179"),
        ("0.0.0.0:9179", "0.0.0.0:9179"),
        ("10.1.2.3:9179", "10.1.2.3:9179"),
        ("[::1]:9179", "[::1]:9179"),
    ])
    func metricsAddresses(text: String, shown: String) throws {
        #expect(try MetricsListener.address(parsing: text).description == shown)
    }

    @Test(arguments: [
        ("/run/swiftplane/metrics.sock", "the metrics listener is TCP"),
        ("unix:/tmp/m.sock", "the metrics listener is TCP"),
        ("localhost:9179", "address literal"),
        ("127.0.0.1:99999", "port 0-65535"),
        ("127.0.0.1", "port 0-65535"),
    ])
    func badMetricsAddresses(text: String, reason: String) {
        do {
            let address = try MetricsListener.address(parsing: text)
            Issue.record("'\(text)' accepted as \(address)")
        } catch {
            #expect("\(error)".contains(reason) && "\(error)".contains("invalid metrics address '\(text)'"), "\(error)")
        }
    }

    /// The metrics router keeps /metrics and /healthz and answers 404 for
    /// every admin path, 405 for anything but GET.
    @Test func metricsRouterServesOnlyMetricsAndHealth() async throws {
        var router = AdminRouter()
        router.get("/routes") { _ in ["a route"] }
        router.get("/neighbors") { _ in ["a neighbour"] }
        router.getResponse("/metrics") { _ in .text("# metrics\n") }
        router.serveHealth { HealthReport(checks: [Self.switchDown]) }
        let restricted = router.restricted(to: MetricsListener.paths)
        #expect(restricted.paths == ["/healthz", "/metrics"])
        #expect(await restricted.respond(to: AdminRequest(path: "/routes")).status == 404)
        #expect(await restricted.respond(to: AdminRequest(path: "/neighbors")).status == 404)
        #expect(await restricted.respond(to: AdminRequest(method: "POST", path: "/metrics")).status == 405)
        #expect(await restricted.respond(to: AdminRequest(path: "/metrics")).status == 200)
        let health = await restricted.respond(to: AdminRequest(path: "/healthz"))
        #expect(health.status == 503)
        #expect(String(decoding: health.body, as: UTF8.self).contains("no switch connected"))
    }
}
