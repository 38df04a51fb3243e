import AdminAPI
import Foundation
import Testing
import TestSupport

/// Why the real Prometheus test cannot run here, or nil when it can.
let prometheusUnavailable: String? = agentAdminUnavailable
    ?? (Command.which("prometheus") == nil ? "prometheus is not installed (Tests/Tools/install-deps)" : nil)
    ?? (Command.which("curl") == nil ? "curl is not installed (Tests/Tools/install-deps)" : nil)
    ?? (Built.rr == nil ? "swiftplane-rr is not built (swift build)" : nil)

/// Debian's real Prometheus server scrapes both daemons' metrics listeners
/// (`metrics:` in the agent's YAML, `--metrics` on the reflector) inside
/// the sandbox's namespace, with the shipped alert rules loaded; the test
/// asks its HTTP API for our series, as an operator's dashboard would.
/// The same agent then answers `swiftplanectl evpn` and `clear dup-mac`.
@Suite("Prometheus scrapes both daemons", .serialized,
       .enabled(if: prometheusUnavailable == nil, Comment(rawValue: prometheusUnavailable ?? "")))
struct PrometheusScrapeTests {
    static let tenant = AgentSandbox.tenants([.a]) + "\nmetrics: 127.0.0.1:9179"

    /// One sample of an instant query: its labels and value.
    struct Sample: Sendable {
        var labels: [String: String]
        var value: Double
    }

    @Test func seriesOfBothDaemonsReachPrometheus() async throws {
        try await AgentSandbox.with(hint: "prm") { fixture in
            let sandbox = fixture.sandbox
            try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: ["10.77.0.1/24"], ofport: 1)
            // A port in a VNI the agent does not serve: a warning and a counter, not a silent skip.
            try sandbox.addContainer("z", mac: "02:00:00:00:00:0f", addresses: ["10.78.0.1/24"], ofport: 3)
            try sandbox.vsctl("set", "port", "z", "external_ids:vni=99")
            try fixture.addVXLANPort(localIP: "127.0.0.1")

            let folder = fixture.folder
            let rr = try fixture.start([Built.rr!, "--as", "65000", "--router-id", "127.0.0.254", "--listen", "127.0.0.1:\(AgentSandbox.reflectorPort)",
                                        "--accept", "127.0.0.0/24", "--metrics", "127.0.0.1:9180",
                                        "--admin-socket", folder.appendingPathComponent("rr.sock").path], log: "rr.log")
            let agent = try fixture.startAgent(configuration: fixture.configuration(vtep: "127.0.0.1", ovsdb: true, admin: true, reflector: true,
                                                                                    Self.tenant))
            let configuration = folder.appendingPathComponent("prometheus.yml")
            let rules = Repository.root.appendingPathComponent("deploy/prometheus/swiftplane-alerts.yml").path
            try """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: ['\(rules)']
                scrape_configs:
                  - job_name: swiftplane-agent
                    static_configs: [{targets: ['127.0.0.1:9179']}]
                  - job_name: swiftplane-rr
                    static_configs: [{targets: ['127.0.0.1:9180']}]
                """.write(to: configuration, atomically: true, encoding: .utf8)
            let prometheus = try fixture.start([Command.which("prometheus")!, "--config.file=\(configuration.path)",
                                                "--storage.tsdb.path=\(folder.appendingPathComponent("tsdb").path)",
                                                "--web.listen-address=127.0.0.1:9090"], log: "prometheus.log")
            func logs() -> String {
                "agent:\n\(agent.output.suffix(1500))\nrr:\n\(rr.output.suffix(600))\nprometheus:\n\(prometheus.output.suffix(600))"
            }
            func get(_ url: String, _ extra: [String] = []) throws -> CommandResult {
                try Command.run("ip", ["netns", "exec", sandbox.name, "curl", "-s", "-m", "5"] + extra + [url])
            }
            func query(_ expression: String) -> [Sample] {
                guard let result = try? get("http://127.0.0.1:9090/api/v1/query", ["--get", "--data-urlencode", "query=\(expression)"]),
                      let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                      let data = json["data"] as? [String: Any], let rows = data["result"] as? [[String: Any]] else { return [] }
                return rows.compactMap { row in
                    guard let labels = row["metric"] as? [String: String], let pair = row["value"] as? [Any],
                          let text = pair.last as? String, let value = Double(text) else { return nil }
                    return Sample(labels: labels, value: value)
                }
            }
            func value(_ expression: String, job: String) -> Double? {
                query(expression).first { $0.labels["job"] == job }?.value
            }

            // Both daemons become ready as Prometheus sees them: the agent's
            // session to the reflector up, its switch connected and reconciled.
            let ready = await eventually(45, every: .milliseconds(500)) {
                value("swiftplane_ready", job: "swiftplane-agent") == 1 && value("swiftplane_ready", job: "swiftplane-rr") == 1
                    && value(#"bgp_neighbor_up{peer="127.0.0.1"}"#, job: "swiftplane-agent") == 1
            }
            #expect(ready, "\(query("swiftplane_health_check == 0").map(\.labels))\n\(logs())")
            guard ready else { return }

            #expect(value("up", job: "swiftplane-agent") == 1 && value("up", job: "swiftplane-rr") == 1)
            // The agent's series.
            for name in ["bgp_sessions", "bgp_routes", "bgp_updates_received_total", "bgp_updates_sent_total", "openflow_flows",
                         "openflow_flow_mods_sent_total", "openflow_reconciles_total", "swiftplane_flow_drift_total",
                         "agent_duplicate_macs", "bum_dropped_packets", "swiftplane_health_check"] {
                #expect(value("count(\(name))", job: "swiftplane-agent") != nil || !query("\(name){job=\"swiftplane-agent\"}").isEmpty,
                        "no \(name) from the agent")
            }
            #expect((value("openflow_flows", job: "swiftplane-agent") ?? 0) > 0)
            #expect(value(#"bgp_sessions{state="Established"}"#, job: "swiftplane-agent") == 1)
            #expect(value(#"agent_duplicate_macs{vni="10"}"#, job: "swiftplane-agent") == 0)
            #expect(value(#"swiftplane_health_check{kind="switch",subject="br0"}"#, job: "swiftplane-agent") == 1)
            #expect(value(#"swiftplane_health_check{kind="ovsdb",subject="br0"}"#, job: "swiftplane-agent") == 1)
            // The reflector's: its dynamic client counted by state, and its routes from the agent (the type 2 of the static endpoint).
            #expect(value(#"bgp_sessions{state="Established"}"#, job: "swiftplane-rr") == 1)
            let routesSeen = await eventually(10, every: .milliseconds(500)) {
                value(#"bgp_routes{type="2",peer="127.0.0.1"}"#, job: "swiftplane-rr") == 1
            }
            #expect(routesSeen, "\(query("bgp_routes").map { ($0.labels, $0.value) })")
            // The port in VNI 99: counted and logged.
            #expect((value(#"swiftplane_errors_total{kind="port_ignored"}"#, job: "swiftplane-agent") ?? 0) >= 1)
            #expect(agent.output.contains("port ignored") && agent.output.contains("VNI 99 is not configured"), "\(logs())")

            // The shipped rules load and evaluate in the real server; none fires on a healthy pair.
            let rulesAnswer = try get("http://127.0.0.1:9090/api/v1/rules")
            let health = rulesAnswer.stdout.matches(of: /"health":"([a-z]+)"/).map { String($0.output.1) }
            #expect(health.count == 8 && health.allSatisfy { $0 == "ok" }, "\(rulesAnswer.stdout.prefix(1500))")
            #expect(query(#"ALERTS{alertstate="firing"}"#).isEmpty, "\(query("ALERTS").map(\.labels))")

            // The metrics listener serves /metrics and /healthz only.
            let healthz = try get("http://127.0.0.1:9179/healthz", ["-w", "\n%{http_code}"])
            #expect(healthz.stdout.hasSuffix("\n200") && healthz.stdout.contains(#""ready":true"#), "\(healthz.stdout)")
            #expect(try get("http://127.0.0.1:9179/routes", ["-o", "/dev/null", "-w", "%{http_code}"]).stdout == "404")
            #expect(try get("http://127.0.0.1:9180/neighbors", ["-o", "/dev/null", "-w", "%{http_code}"]).stdout == "404")
            #expect(try get("http://127.0.0.1:9179/metrics", ["-X", "POST", "-o", "/dev/null", "-w", "%{http_code}"]).stdout == "405")

            // The same agent through swiftplanectl's EVPN views and actions (admin socket).
            let socket = fixture.adminSocket
            let vnisJSON = try Built.ctl(socket, ["evpn", "vnis", "--json"])
            let vnis = try JSONDecoder().decode([VNIReport].self, from: Data(vnisJSON.stdout.utf8))
            let served = try #require(vnis.first { $0.vni == 10 }, "\(vnisJSON.stdout)")
            #expect(served.served && served.flood == "drop" && served.localPorts == ["br0:1(a)"] && served.localMACs == 1, "\(served)")
            #expect(served.broadcastDropped != nil)
            let unserved = try #require(vnis.first { $0.vni == 99 }, "\(vnisJSON.stdout)")
            #expect(!unserved.served && unserved.ignoredPorts.count == 1 && unserved.ignoredPorts[0].contains("br0/z"), "\(unserved)")
            let vnisTable = try Built.ctl(socket, ["evpn", "vnis"])
            #expect(vnisTable.stdout.contains("not served") && vnisTable.stdout.contains("ignored: br0/z"), "\(vnisTable.stdout)")
            let macs = try JSONDecoder().decode([MACReport].self, from: Data(try Built.ctl(socket, ["evpn", "macs", "--json"]).stdout.utf8))
            #expect(macs.map(\.mac) == ["02:00:00:00:00:0a"] && macs.first?.source == .static && macs.first?.frozen == false, "\(macs)")
            // Its age: since the agent took it from the file, so within the test's run.
            #expect(macs.first?.ageSeconds.map { $0 >= 0 && $0 < 600 } == true, "\(macs)")
            let macsTable = try Built.ctl(socket, ["evpn", "macs"]).stdout.split(separator: "\n").map(String.init)
            let ageColumn = try #require(macsTable.first?.range(of: " AGE ").map { macsTable[0].distance(from: macsTable[0].startIndex, to: $0.lowerBound) + 1 },
                                         "\(macsTable)")
            let ageCell = macsTable.last.map { $0.dropFirst(ageColumn).prefix { $0 != " " } } ?? ""
            #expect(macsTable.count == 2 && ageCell.wholeMatch(of: /[0-9]+s|[0-9]+m[0-9]{2}s/) != nil, "\(macsTable)")
            #expect(try Built.ctl(socket, ["evpn", "macs", "--duplicate"]).stdout == "no duplicate MACs\n")
            let notFrozen = try Built.ctl(socket, ["clear", "dup-mac", "02:00:00:00:00:0a"])
            #expect(notFrozen.status == 1 && notFrozen.stderr.contains("02:00:00:00:00:0a is not frozen; no MAC is"), "\(notFrozen.stderr)")
            #expect(try Built.ctl(socket, ["clear", "dup-mac", "--all"]).stdout == "no MAC was frozen\n")
            #expect(try Built.ctl(socket, ["clear", "dup-mac"]).status == 2)
        }
    }
}
