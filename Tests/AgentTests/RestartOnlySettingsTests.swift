import Testing
@testable import AgentConfiguration
@testable import swiftplane_agent
import TestSupport

/// SIGHUP: what a reload may change and what only a restart can, from two
/// configuration files. The base has a reflector, a bridge read from OVSDB
/// and one VNI; each case edits it.
struct RestartOnlySettingsTests {
    static let running = """
        vtep: 10.0.0.1
        as: 65000
        log-level: info
        controller:
          listen: 127.0.0.1:6653
        route-reflectors:
          - address: 10.0.0.254
        bridges:
          - name: br0
            vxlan-port: 100
            ovsdb: unix:/var/run/openvswitch/db.sock
        vnis:
          - vni: 10
        """

    struct Edit: NamedRow {
        var name: String
        var from: String
        var to: String
        /// The settings the reload must name and leave as they run.
        var restartOnly: [String]
    }

    static let edits: [Edit] = [
        Edit(name: "a new VNI applies live", from: "  - vni: 10", to: "  - vni: 10\n  - vni: 11", restartOnly: []),
        Edit(name: "another reflector applies live", from: "  - address: 10.0.0.254", to: "  - address: 10.0.0.254\n  - address: 10.0.0.253",
             restartOnly: []),
        Edit(name: "log level", from: "log-level: info", to: "log-level: debug", restartOnly: ["log-level"]),
        Edit(name: "controller address", from: "listen: 127.0.0.1:6653", to: "listen: 127.0.0.1:6654", restartOnly: ["controller"]),
        Edit(name: "AS", from: "as: 65000", to: "as: 65001", restartOnly: ["as"]),
        Edit(name: "no reflector any more", from: "route-reflectors:\n  - address: 10.0.0.254\n", to: "",
             restartOnly: ["route-reflectors (none to some, or back)"]),
        Edit(name: "a bridge no longer read from OVSDB", from: "    ovsdb: unix:/var/run/openvswitch/db.sock\n", to: "",
             restartOnly: ["bridges' ovsdb"]),
        Edit(name: "BGP listen port", from: "as: 65000\n", to: "as: 65000\nbgp-listen: '[::1]:1790'\n", restartOnly: ["bgp-listen"]),
        Edit(name: "metrics listener", from: "as: 65000\n", to: "as: 65000\nmetrics: 127.0.0.1:9179\n", restartOnly: ["metrics"]),
        Edit(name: "flow audit interval", from: "as: 65000\n", to: "as: 65000\nflow-audit-interval: 7\n", restartOnly: ["flow-audit-interval"]),
        Edit(name: "graceful restart turned off", from: "as: 65000\n", to: "as: 65000\ngraceful-restart:\n  enabled: false\n",
             restartOnly: ["graceful-restart"]),
        Edit(name: "BMP collector", from: "as: 65000\n", to: "as: 65000\nbmp: '[::1]:11019'\n", restartOnly: ["bmp"]),
        Edit(name: "two at once, with a live change beside", from: "log-level: info\n",
             to: "log-level: warning\nadmin:\n  address: /tmp/other.sock\n", restartOnly: ["admin", "log-level"]),
    ]

    @Test(arguments: edits)
    func reloadKeepsWhatNeedsARestart(_ edit: Edit) throws {
        let running = try AgentConfiguration.parse(yaml: Self.running, file: "running.yaml")
        #expect(Self.running.contains(edit.from), "the edit must apply to the base")
        let next = try AgentConfiguration.parse(yaml: Self.running.replacingOccurrences(of: edit.from, with: edit.to), file: "next.yaml")
        #expect(next != running)
        #expect(running.restartOnlyChanges(in: next) == edit.restartOnly)
        let applied = next.keepingRestartOnlySettings(of: running)
        // After keeping: nothing restart-only differs from what runs...
        #expect(running.restartOnlyChanges(in: applied).isEmpty)
        // ...and every live change is still there.
        #expect(applied.tenants == next.tenants && applied.endpoints == next.endpoints)
        if edit.restartOnly.isEmpty { #expect(applied == next) }
    }
}
