import Foundation
import Testing
import TestSupport

/// The alert rules and the Grafana dashboard in deploy/: promtool accepts
/// the rules, the dashboard is JSON, and every series either names is one
/// the daemons make (a metric label in Sources/), so a renamed metric
/// breaks this test rather than an operator's alert.
@Suite struct DeployMonitoringTests {
    static let rules = Repository.root.appendingPathComponent("deploy/prometheus/swiftplane-alerts.yml")
    static let dashboard = Repository.root.appendingPathComponent("deploy/grafana/swiftplane-dashboard.json")

    @Test(.enabled(if: Command.which("promtool") != nil, "promtool is not installed (Tests/Tools/install-deps installs prometheus)"))
    func promtoolAcceptsTheAlertRules() throws {
        let result = try Command.run(Command.which("promtool")!, ["check", "rules", Self.rules.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS: 8 rules found"), "\(result.stdout)")
    }

    /// Every metric name made in Sources/: `label: "name"` of a Counter,
    /// Gauge or GaugeFamily.
    static func declaredMetrics() throws -> Set<String> {
        var names: Set<String> = []
        let sources = Repository.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        let pattern = try Regex(#"(Counter|Gauge|GaugeFamily)\(label: "([a-z_]+)""#)
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let name = match.output[2].substring { names.insert(String(name)) }
            }
        }
        return names
    }

    /// The metric names in a PromQL expression (ours all start with one of these prefixes).
    static func referenced(_ expression: String) throws -> Set<String> {
        let pattern = try Regex(#"\b(bgp|openflow|swiftplane|agent|bum)_[a-z_]+\b"#)
        return Set(expression.matches(of: pattern).map { String(expression[$0.range]) })
    }

    @Test func alertRulesReferenceOnlyMetricsThatExist() throws {
        let declared = try Self.declaredMetrics()
        #expect(declared.contains("bgp_neighbor_up") && declared.contains("swiftplane_health_check"), "\(declared.sorted())")
        let text = try String(contentsOf: Self.rules, encoding: .utf8)
        let expressions = text.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("expr:") }
        #expect(expressions.count == 8)
        for expression in expressions {
            let names = try Self.referenced(String(expression))
            #expect(!names.isEmpty, "\(expression)")
            #expect(names.isSubset(of: declared), "\(expression): \(names.subtracting(declared).sorted()) are made nowhere in Sources/")
        }
    }

    @Test func dashboardParsesAndReferencesOnlyMetricsThatExist() throws {
        let declared = try Self.declaredMetrics()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard)) as? [String: Any]
        let panels = try #require(json?["panels"] as? [[String: Any]])
        #expect(panels.count >= 10)
        var covered: Set<String> = []
        for panel in panels {
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(panel["title"] ?? "")")
            for target in targets {
                let expression = try #require(target["expr"] as? String)
                let names = try Self.referenced(expression)
                #expect(!names.isEmpty, "\(expression)")
                #expect(names.isSubset(of: declared), "\(expression): \(names.subtracting(declared).sorted()) are made nowhere in Sources/")
                covered.formUnion(names)
            }
        }
        // The figures an operator reads first are on it.
        #expect(covered.isSuperset(of: ["swiftplane_ready", "bgp_sessions", "bgp_neighbor_up", "openflow_flows", "bum_dropped_packets",
                                        "agent_duplicate_macs", "swiftplane_flow_drift_total"]), "\(covered.sorted())")
    }
}
