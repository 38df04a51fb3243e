import Foundation
import OpenFlow
import Overlay
import Packets
import Testing
import TestSupport

/// Port security on a real bridge, driven by the built agent: two containers
/// with configured endpoints on a bridge with `port-security: true`. Spoofed
/// frames (another source MAC, another ARP sender or IP source) die in OVS,
/// counted by the drop flows; the containers' own traffic goes on.
@Suite("Port security inside Open vSwitch", .serialized,
       .enabled(if: agentOVSTestsUnavailable == nil, Comment(rawValue: agentOVSTestsUnavailable ?? "")))
struct PortSecurityOVSTests {
    static let vni = VNI(rawValue: 10)!
    static let macA = EthernetAddress(0x02, 0, 0, 0, 0, 0x0a)
    static let macB = EthernetAddress(0x02, 0, 0, 0, 0, 0x0b)
    static let spoofed = EthernetAddress(0x02, 0, 0, 0, 0, 0x66)
    static let ipA = IPv4Address(10, 77, 0, 1), ipB = IPv4Address(10, 77, 0, 2)
    static let ip6A = IPv6Address("fd77::1")!, ip6B = IPv6Address("fd77::2")!

    /// Audited every second: what OVS holds reads back equal to what was
    /// installed (the metered controller action, the masked IPv6 source).
    static let tenant = "flow-audit-interval: 1\n" + AgentSandbox.tenants([
        StaticEndpoint(mac: "\(macA)", ips: ["\(ipA)", "\(ip6A)"], port: 1),
        StaticEndpoint(mac: "\(macB)", ips: ["\(ipB)", "\(ip6B)"], port: 2),
    ])

    struct TraceCase: NamedRow {
        var name: String
        var flow: String
        /// The roles of the flows the packet meets, in order.
        var roles: [FlowRole]
    }

    static func arp(op: Int = 1, source: EthernetAddress = macA, sha: EthernetAddress = macA, spa: String = "\(ipA)",
                    tpa: String = "\(ipB)") -> String {
        "in_port=1,arp,dl_src=\(source),dl_dst=ff:ff:ff:ff:ff:ff,arp_op=\(op),arp_sha=\(sha),arp_spa=\(spa),arp_tpa=\(tpa)"
    }

    static func ipv4(source: String = "\(ipA)") -> String {
        "in_port=1,icmp,dl_src=\(macA),dl_dst=\(macB),nw_src=\(source),nw_dst=\(ipB),nw_ttl=64"
    }

    static func ipv6(source: String) -> String {
        "in_port=1,icmp6,dl_src=\(macA),dl_dst=\(macB),ipv6_src=\(source),ipv6_dst=\(ip6B),nw_ttl=64,icmpv6_type=128"
    }

    static let admitted: [FlowRole] = [.classifyPort, .sourceAllowed, .addressResolutionMiss, .forwardLocal]
    static let dropped: [FlowRole] = [.classifyPort, .dropSpoofed]

    static let traceCases = [
        TraceCase(name: "a asks for b as itself: answered in OVS", flow: arp(), roles: [.classifyPort, .sourceAllowed, .arpResponder]),
        TraceCase(name: "an ARP probe (sender 0.0.0.0): answered", flow: arp(spa: "0.0.0.0"),
                  roles: [.classifyPort, .sourceAllowed, .arpResponder]),
        TraceCase(name: "another source MAC on a's port", flow: arp(source: spoofed, sha: spoofed), roles: dropped),
        TraceCase(name: "a claims b's address (ARP poisoning)", flow: arp(op: 2, spa: "\(ipB)", tpa: "\(ipB)"), roles: dropped),
        TraceCase(name: "an ARP sender MAC other than the frame's", flow: arp(sha: spoofed), roles: dropped),
        TraceCase(name: "IPv4 from a's address", flow: ipv4(), roles: admitted),
        TraceCase(name: "IPv4 from another address", flow: ipv4(source: "10.77.0.99"), roles: dropped),
        TraceCase(name: "a DHCP discover from 0.0.0.0: on, then dropped as broadcast",
                  flow: "in_port=1,udp,dl_src=\(macA),dl_dst=ff:ff:ff:ff:ff:ff,nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,udp_dst=67",
                  roles: [.classifyPort, .sourceAllowed, .addressResolutionMiss, .dropBroadcast]),
        TraceCase(name: "IPv6 from a's address", flow: ipv6(source: "\(ip6A)"), roles: admitted),
        TraceCase(name: "IPv6 from a link-local address", flow: ipv6(source: "fe80::1"), roles: admitted),
        TraceCase(name: "IPv6 from another address", flow: ipv6(source: "fd77::99"), roles: dropped),
    ]

    @Test("ofproto/trace, then real packets from the containers: spoofs dropped and counted, the real traffic flows")
    func spoofedFramesDie() async throws {
        try await AgentSandbox.with(hint: "psec") { fixture in
            let sandbox = fixture.sandbox
            let a = try sandbox.addContainer("a", mac: "\(Self.macA)", addresses: ["\(Self.ipA)/24", "\(Self.ip6A)/64"], ofport: 1)
            try sandbox.addContainer("b", mac: "\(Self.macB)", addresses: ["\(Self.ipB)/24", "\(Self.ip6B)/64"], ofport: 2)
            try fixture.addVXLANPort(ofport: 100)
            let configuration = fixture.configuration(Self.tenant)
                .replacingOccurrences(of: "    vxlan-port: 100\n", with: "    vxlan-port: 100\n    port-security: true\n")
            let agent = try fixture.startAgent(configuration: configuration)
            let wanted = Pipeline.flows(for: BridgeState(vxlanPort: 100, ports: [1: Self.vni, 2: Self.vni], endpoints: [
                Endpoint(vni: Self.vni, mac: Self.macA, ipv4: [Self.ipA], ipv6: [Self.ip6A], location: .local(port: 1)),
                Endpoint(vni: Self.vni, mac: Self.macB, ipv4: [Self.ipB], ipv6: [Self.ip6B], location: .local(port: 2)),
            ], addressResolutionRate: 100, securedPorts: [1, 2]))
            let ready = await eventually(10, every: .milliseconds(100)) { ((try? sandbox.dumpFlows()) ?? []).count == wanted.count }
            try #require(ready, "flows never reached the pipeline's \(wanted.count); agent log:\n\(agent.output.suffix(2000))")

            for vector in Self.traceCases {
                let trace = try sandbox.appctl("ofproto/trace", sandbox.bridge, vector.flow)
                let roles = NDResponderOVSTests.cookies(in: trace).compactMap { FlowCookie(cookie: $0)?.role }
                #expect(roles == vector.roles, "\(vector.name):\n\(trace)")
                if vector.roles == Self.dropped { #expect(trace.contains("Datapath actions: drop"), "\(vector.name):\n\(trace)") }
            }

            // Real packets. The containers' own: through.
            func ping(_ arguments: [String]) throws -> Bool {
                try Command.run("ip", ["netns", "exec", a.netns, "ping", "-c", "2", "-i", "0.2", "-W", "1"] + arguments).stdout
                    .contains("2 received")
            }
            #expect(try ping(["\(Self.ipB)"]), "a -> b over IPv4")
            #expect(try ping(["-6", "\(Self.ip6B)"]), "a -> b over IPv6")
            let before = try AgentOVSTests.packets(sandbox, .dropSpoofed)
            // From an address that is not a's.
            _ = try Command.run("ip", ["-n", a.netns, "addr", "add", "10.77.0.99/32", "dev", "eth0"])
            _ = try Command.run("ip", ["-n", a.netns, "-6", "addr", "add", "fd77::99/128", "dev", "eth0", "nodad"])
            #expect(try !ping(["-I", "10.77.0.99", "\(Self.ipB)"]), "spoofed IPv4 source")
            #expect(try !ping(["-6", "-I", "fd77::99", "\(Self.ip6B)"]), "spoofed IPv6 source")
            #expect(try AgentOVSTests.packets(sandbox, .dropSpoofed, reach: before + 4), "IP spoofs not counted")
            // From a MAC that is not a's.
            _ = try Command.run("ip", ["-n", a.netns, "link", "set", "eth0", "address", "\(Self.spoofed)"])
            _ = try Command.run("ip", ["-n", a.netns, "neigh", "flush", "all"])
            #expect(try !ping(["\(Self.ipB)"]), "spoofed MAC")
            #expect(try AgentOVSTests.packets(sandbox, .dropSpoofed, reach: before + 5), "MAC spoofs not counted")
            // Back to itself: through again, and the spoofer was never gleaned.
            _ = try Command.run("ip", ["-n", a.netns, "link", "set", "eth0", "address", "\(Self.macA)"])
            #expect(try ping(["\(Self.ipB)"]), "a -> b again")
            #expect(!agent.output.contains("endpoint gleaned"), "\(agent.output.suffix(2000))")
            #expect(agent.output.contains("audit"), "no audit ran: \(agent.output.suffix(2000))")
            for problem in ["drifted", "switch error"] { #expect(!agent.output.contains(problem), "\(agent.output.suffix(3000))") }
        }
    }

    /// On a real bridge (without port security): the copy of
    /// a frame from an unknown source goes to the agent through its tenant's
    /// meter, in a clone of its own, and the frame itself goes on.
    @Test("an unknown source: its copy to the agent metered, the frame forwarded")
    func gleaningCopyIsMetered() async throws {
        try await AgentSandbox.with(hint: "glm") { fixture in
            let sandbox = fixture.sandbox
            try sandbox.addContainer("a", mac: "\(Self.macA)", addresses: ["\(Self.ipA)/24"], ofport: 1)
            let b = try sandbox.addContainer("b", mac: "\(Self.macB)", addresses: ["\(Self.ipB)/24"], ofport: 2)
            try fixture.addVXLANPort(ofport: 100)
            let agent = try fixture.startAgent(configuration: fixture.configuration(Self.tenant))
            let ready = await eventually(10, every: .milliseconds(100)) {
                ((try? sandbox.dumpFlows()) ?? []).contains { $0.contains("meter_id=\(GleaningMeter.id(index: 0))") }
            }
            try #require(ready, "no metered gleaning flow; agent log:\n\(agent.output.suffix(2000))")
            let meters = try sandbox.ofctl("dump-meters", sandbox.bridge)
            #expect(meters.contains("meter=\(GleaningMeter.id(index: 0)) pktps burst stats bands=") && meters.contains("type=drop rate=100 burst_size=100"),
                    "dump-meters: \(meters)")
            let flow = "in_port=1,icmp,dl_src=\(Self.spoofed),dl_dst=\(Self.macB),nw_src=10.77.0.66,nw_dst=\(Self.ipB),nw_ttl=64"
            let trace = try sandbox.appctl("ofproto/trace", sandbox.bridge, flow)
            let roles = NDResponderOVSTests.cookies(in: trace).compactMap { FlowCookie(cookie: $0)?.role }
            #expect(roles == [.classifyPort, .sourceUnknown, .addressResolutionMiss, .forwardLocal], "\(trace)")
            // The meter and the copy (userspace) nested in a clone (a 100%
            // sample in OVS 3.1's words); the output to b after it, outside.
            let actions = (trace.components(separatedBy: "Datapath actions: ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let shape = /(?:clone|sample\(sample=100\.0%,actions)\(meter\(\d+\),userspace\(.*\)\)+,(\d+)/
            let output = try #require(try shape.wholeMatch(in: actions), "\(actions)\n\(trace)").1
            let show = try sandbox.appctl("dpif/show")
            #expect(show.contains("\(b.port) 2/\(output):"), "output \(output) is not b's port:\n\(show)")
        }
    }
}
