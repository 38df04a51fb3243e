import Foundation
import OpenFlowController
import Overlay
import Packets
import Testing
import TestSupport

/// Why the real-OVS agent test cannot run here, or nil when it can.
let agentOVSTestsUnavailable: String? = AgentSandbox.unavailableReason

/// The built `swiftplane-agent` against real Open vSwitch in a private
/// namespace (Tests/Tools/ovs-sandbox), with a static configuration for two
/// containers on one bridge.
@Suite("swiftplane-agent against real Open vSwitch", .serialized,
       .enabled(if: agentOVSTestsUnavailable == nil, Comment(rawValue: agentOVSTestsUnavailable ?? "")))
struct AgentOVSTests {
    static let vni = VNI(rawValue: 10)!
    static let a = Endpoint(vni: vni, mac: EthernetAddress(0x02, 0, 0, 0, 0, 0x0a), ipv4: [IPv4Address(10, 77, 0, 1)],
                            location: .local(port: 1))
    static let b = Endpoint(vni: vni, mac: EthernetAddress(0x02, 0, 0, 0, 0, 0x0b), ipv4: [IPv4Address(10, 77, 0, 2)],
                            location: .local(port: 2))
    static let vxlanPort: UInt32 = 100

    /// Where the agent learns the two containers: its configuration, or
    /// OVSDB (`external_ids` on the ports, as an orchestrator would set them).
    enum Source: String, CaseIterable, Sendable { case configuration, ovsdb }

    /// How OVS reaches the agent's controller: loopback TCP, or a unix
    /// socket in OVS's run directory (`listen: unix:PATH`).
    enum Transport: String, Sendable { case tcp, unix }

    struct Setup: Sendable, CustomTestStringConvertible {
        var source: Source
        var transport: Transport
        var testDescription: String { "\(source) over \(transport)" }
    }

    static let setups = [Setup(source: .configuration, transport: .tcp), Setup(source: .ovsdb, transport: .tcp),
                         Setup(source: .configuration, transport: .unix)]

    /// With `.ovsdb` the configuration names only the VNI: the endpoints
    /// come from the ports' `external_ids`.
    static func config(_ setup: Setup, _ fixture: AgentSandbox, socket: String) -> String {
        fixture.configuration(ovsdb: setup.source == .ovsdb, admin: true,
                              controllerListen: setup.transport == .unix ? "unix:\(socket)" : "127.0.0.1:6653",
                              setup.source == .ovsdb ? "vnis:\n  - vni: 10" : tenant)
    }

    static let tenant = AgentSandbox.tenants([.a, .b])

    /// (cookie, table, priority) of each flow: what names a flow on both sides.
    struct FlowName: Hashable, Comparable, CustomStringConvertible {
        var cookie: UInt64
        var table: UInt8
        var priority: UInt16
        static func < (l: Self, r: Self) -> Bool { (l.cookie, l.table, l.priority) < (r.cookie, r.table, r.priority) }
        var description: String { "cookie=0x\(String(cookie, radix: 16)) table=\(table) priority=\(priority)" }
    }

    /// Parses `ovs-ofctl dump-flows` lines: (name, n_packets).
    static func dump(_ sandbox: OVSSandbox, bridge: String? = nil) throws -> [(FlowName, Int)] {
        try sandbox.dumpFlows(bridge: bridge).compactMap { line in
            var fields: [String: String] = [:]
            for part in line.split(whereSeparator: { $0 == "," || $0 == " " }) {
                let pair = part.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
            }
            guard let cookie = fields["cookie"].flatMap({ UInt64($0.dropFirst(2), radix: 16) }),
                  let packets = fields["n_packets"].flatMap({ Int($0) }) else { return nil }
            let name = FlowName(cookie: cookie, table: fields["table"].flatMap { UInt8($0) } ?? 0,
                                priority: fields["priority"].flatMap { UInt16($0) } ?? 32768)
            return (name, packets)
        }
    }

    /// n_packets summed over the flows with this role and VNI.
    static func packets(_ sandbox: OVSSandbox, _ role: FlowRole, vni: UInt32 = vni.rawValue) throws -> Int {
        let cookie = FlowCookie(role, vni: VNI(rawValue: vni)).cookie
        return try dump(sandbox).filter { $0.0.cookie == cookie }.map(\.1).reduce(0, +)
    }

    /// Whether the counter reaches `count` within 5 s: OVS pushes datapath
    /// statistics to the OpenFlow flows about once a second, so a counter
    /// read right after the traffic may not show it yet.
    static func packets(_ sandbox: OVSSandbox, _ role: FlowRole, vni: UInt32 = vni.rawValue, reach count: Int) throws -> Bool {
        for _ in 0..<50 {
            if try packets(sandbox, role, vni: vni) >= count { return true }
            usleep(100_000)
        }
        return false
    }

    @Test("flows equal the pipeline's; ping works; ARP answered in OVS; broadcast dropped and counted; SIGTERM keeps flows",
          arguments: setups)
    func agentDrivesTheBridge(_ setup: Setup) async throws {
        let source = setup.source
        try await AgentSandbox.with(hint: "agt") { fixture in
            let sandbox = fixture.sandbox
            let socket = try sandbox.controllerSocketPath()
            let target = setup.transport == .unix ? "unix:\(socket)" : "tcp:127.0.0.1:6653"
            let ca = try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: ["10.77.0.1/24"], ofport: 1)
            try sandbox.addContainer("b", mac: "02:00:00:00:00:0b", addresses: ["10.77.0.2/24"], ofport: 2)
            if source == .ovsdb {
                for (port, endpoint) in [("a", Self.a), ("b", Self.b)] {
                    try sandbox.vsctl("set", "port", port, "external_ids:vni=\(Self.vni)",
                                      "external_ids:attached-mac=\(endpoint.mac)", "external_ids:ip=\(endpoint.ipv4[0])")
                }
            }
            try fixture.addVXLANPort(ofport: Int(Self.vxlanPort))
            let agent = try fixture.startAgent(configuration: Self.config(setup, fixture, socket: socket), controllerTarget: target)
            func agentLog() -> String { agent.output }

            // The flows the pipeline wants for this state, computed here from the test's own endpoints
            // (and the default meter rate: the gleaning copies are metered per tenant).
            let wanted = Pipeline.flows(for: BridgeState(vxlanPort: Self.vxlanPort, ports: [1: Self.vni, 2: Self.vni],
                                                         endpoints: [Self.a, Self.b], addressResolutionRate: 100))
            let wantedNames = wanted.entries.map { FlowName(cookie: $0.cookie, table: $0.key.tableID, priority: $0.key.priority) }.sorted()
            var installed: [FlowName] = []
            for _ in 0..<100 {
                installed = try Self.dump(sandbox).map(\.0).sorted()
                if installed == wantedNames { break }
                usleep(100_000)
            }
            #expect(installed == wantedNames, "agent log:\n\(agentLog())")
            #expect(wantedNames.count == wanted.count)
            if setup.transport == .unix {
                // The bridge came through the socket file (nothing listens on 6653), made with the default mode.
                var st = stat()
                #expect(lstat(socket, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK && st.st_mode & 0o777 == 0o660)
                #expect(agentLog().contains("transport=unix") && agentLog().contains("set-controller=unix:\(socket)"),
                        "agent log:\n\(agentLog())")
                #expect(try sandbox.vsctl("get-controller", sandbox.bridge).trimmingCharacters(in: .whitespacesAndNewlines) == target)
            }

            // The ARP/ND meter (default 100 packets/s) is on the switch, and
            // every flow to the controller for address resolution uses it.
            let meters = try sandbox.ofctl("dump-meters", sandbox.bridge)
            #expect(meters.contains("meter=\(AddressResolutionMeter.id) pktps burst stats bands=")
                    && meters.contains("type=drop rate=100 burst_size=100"), "dump-meters: \(meters)")
            let metered: [FlowRole] = [.arpToController, .neighborSolicitationToController, .arpFromOwner]
            let cookies = Set(metered.map { FlowCookie($0, vni: Self.vni).cookie })
            let controllerFlows = try sandbox.dumpFlows().filter { line in
                cookies.contains { line.contains("cookie=0x\(String($0, radix: 16))") }
            }
            #expect(controllerFlows.count == 6, "\(controllerFlows)")
            #expect(controllerFlows.allSatisfy { $0.contains("actions=meter:\(AddressResolutionMeter.id),CONTROLLER:128") },
                    "\(controllerFlows)")

            // Unicast between the two containers, ARP answered by OVS's responder flow.
            _ = try Command.run("ip", ["netns", "exec", ca.netns, "ip", "neigh", "flush", "all"])
            let arpBefore = try Self.packets(sandbox, .arpResponder)
            let ping = try Command.run("ip", ["netns", "exec", ca.netns, "ping", "-c", "3", "-i", "0.2", "-W", "1", "10.77.0.2"])
            #expect(ping.stdout.contains("3 packets transmitted, 3 received"), "ping: \(ping.stdout)\(ping.stderr)")
            #expect(try Self.packets(sandbox, .arpResponder, reach: arpBefore + 1), "responder counter did not move")

            // A broadcast from a is dropped and counted.
            let dropBefore = try Self.packets(sandbox, .dropBroadcast)
            _ = try Command.run("ip", ["netns", "exec", ca.netns, "ping", "-b", "-c", "2", "-i", "0.2", "-W", "1", "10.77.0.255"])
            #expect(try Self.packets(sandbox, .dropBroadcast, reach: dropBefore + 2), "broadcast drop counter did not move")

            // SIGTERM: exit 0, flows stay, also once OVS has seen its controller go.
            let disconnects = sandbox.controllerDisconnects()
            let exited = agent.signal(SIGTERM, within: 5)
            #expect(exited, "the agent did not exit on SIGTERM")
            if exited { #expect(agent.terminationStatus == 0, "agent log:\n\(agentLog())") }
            #expect(await eventually(5, every: .milliseconds(100)) { sandbox.controllerDisconnects() > disconnects },
                    "ovs-vswitchd never noticed its controller go:\n\(sandbox.vswitchdLog().suffix(2000))")
            #expect(try Self.dump(sandbox).map(\.0).sorted() == wantedNames)
            if setup.transport == .unix {
                #expect(!FileManager.default.fileExists(atPath: socket), "the agent left its controller socket behind")
            }
        }
    }
}
