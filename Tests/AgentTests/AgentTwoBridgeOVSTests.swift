import AdminAPI
import Foundation
import Packets
import Overlay
import Testing
import TestSupport

/// One agent, two bridges of one real Open vSwitch, and no `datapath-id` in
/// the configuration: the agent tells the two switches apart by the ids
/// OVSDB reports for the bridges' names, so each gets its own tenant's flows.
@Suite("swiftplane-agent: two bridges matched through OVSDB", .serialized,
       .enabled(if: agentOVSTestsUnavailable == nil, Comment(rawValue: agentOVSTestsUnavailable ?? "")))
struct AgentTwoBridgeOVSTests {
    struct Tenant {
        var bridge: String
        var vni: VNI
        var port: String
        var ofport: UInt32
        var mac: EthernetAddress
        var endpoint: Endpoint {
            Endpoint(vni: vni, mac: mac, location: .local(port: ofport))
        }
        /// The flows the pipeline wants on this bridge, computed here from the test's own values.
        var wanted: [AgentOVSTests.FlowName] {
            Pipeline.flows(for: BridgeState(vxlanPort: AgentOVSTests.vxlanPort, ports: [ofport: vni], endpoints: [endpoint],
                                            addressResolutionRate: 100))
                .entries.map { AgentOVSTests.FlowName(cookie: $0.cookie, table: $0.key.tableID, priority: $0.key.priority) }.sorted()
        }
    }

    static let tenants = [
        Tenant(bridge: "br0", vni: VNI(rawValue: 10)!, port: "t10", ofport: 5, mac: EthernetAddress(0x02, 0, 0, 0, 0x10, 0x01)),
        Tenant(bridge: "br1", vni: VNI(rawValue: 20)!, port: "t20", ofport: 6, mac: EthernetAddress(0x02, 0, 0, 0, 0x20, 0x01)),
    ]

    @Test func eachBridgeGetsItsOwnFlows() async throws {
        try await AgentSandbox.with(hint: "twobr") { fixture in
            let sandbox = fixture.sandbox
            let database = try #require(sandbox.databaseSocket)
            // A second bridge like the sandbox's own, with an id the test chose.
            try sandbox.vsctl("add-br", "br1", "--", "set", "bridge", "br1", "datapath_type=netdev", "fail_mode=secure",
                              "protocols=OpenFlow13", "other-config:datapath-id=00000000000000b1")
            try sandbox.vsctl("set-controller", "br1", "tcp:127.0.0.1:6653")
            // Each bridge its flow-based VXLAN port (the agent verifies it in OVSDB); two tunnel ports
            // of one OVS must differ in their settings, so br1's listens on another UDP port.
            for (bridge, port, udp) in [("br0", "vxlan0", "4789"), ("br1", "vxlan1", "4790")] {
                try sandbox.vsctl("add-port", bridge, port, "--", "set", "interface", port, "type=vxlan",
                                  "options:remote_ip=flow", "options:key=flow", "options:dst_port=\(udp)",
                                  "ofport_request=\(AgentOVSTests.vxlanPort)")
            }
            for t in Self.tenants {
                try sandbox.vsctl("add-port", t.bridge, t.port, "--", "set", "interface", t.port, "type=internal",
                                  "ofport_request=\(t.ofport)", "--", "set", "port", t.port, "external_ids:vni=\(t.vni.rawValue)",
                                  "external_ids:attached-mac=\(t.mac)")
            }
            let config = """
                vtep: 10.66.0.1
                as: 65000
                log-level: debug
                admin:
                  address: \(fixture.adminSocket)
                controller:
                  listen: 127.0.0.1:6653
                bridges:
                  - name: br0
                    vxlan-port: \(AgentOVSTests.vxlanPort)
                    ovsdb: unix:\(database)
                  - name: br1
                    vxlan-port: \(AgentOVSTests.vxlanPort)
                    ovsdb: unix:\(database)
                vnis:
                  - vni: 10
                  - vni: 20

                """
            let agent = try fixture.startAgent(configuration: config)
            for t in Self.tenants {
                var installed: [AgentOVSTests.FlowName] = []
                let matched = await eventually(30, every: .milliseconds(200)) {
                    installed = ((try? AgentOVSTests.dump(sandbox, bridge: t.bridge)) ?? []).map(\.0).sorted()
                    return installed == t.wanted
                }
                #expect(matched, "\(t.bridge): installed \(installed)\nwanted \(t.wanted)\nagent log:\n\(agent.output.suffix(4000))")
            }
            // The admin API names each switch's bridge; br1's id is the one the test set.
            let switches = try AdminClient(address: .unix(path: fixture.adminSocket)).get("/switches", as: [SwitchReport].self)
            #expect(Set(switches.map { "\($0.bridge ?? "-") \($0.dpid)" }).contains("br1 00000000000000b1"), "\(switches)")
            #expect(Set(switches.compactMap(\.bridge)) == ["br0", "br1"], "\(switches)")
        }
    }
}
