import Foundation
import OpenFlowController
import Overlay
import Packets
import Testing
import TestSupport

/// `PacketTrace` over the seed topology: each packet's path through the
/// pipeline's own flows (the roles of the flows it hits) and its verdict.
@Suite("PacketTrace: packets walked through the seed hosts' pipelines")
struct PacketTraceTests {
    typealias S = SeedTopology
    static let goplane1 = S.state(of: S.hosts[0])
    static let goplane2 = S.state(of: S.hosts[1])
    static let strangerMAC = EthernetAddress(0x02, 0x42, 0xc0, 0xa8, 0x00, 0x09)

    struct Case: NamedRow {
        var name: String
        var state: BridgeState
        var packet: TracePacket
        var roles: [FlowRole]
        var verdict: TraceVerdict
    }

    static func ipv4(_ port: UInt32, _ src: UInt8, to dst: EthernetAddress, _ ip: IPv4Address) -> TracePacket {
        .ipv4(inPort: port, from: S.mac(src), to: dst, source: S.ip(src), destination: ip)
    }

    static let v10 = S.vni10, v11 = S.vni11

    static let cases: [Case] = [
        Case(name: "c1 asks for c3's MAC: answered by the ARP responder in OVS",
             state: goplane1, packet: .arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(2), target: S.ip(3)),
             roles: [.classifyPort, .sourceKnown, .arpResponder],
             verdict: .output(.arpReply(mac: S.mac(3), ip: S.ip(3), port: 1))),
        Case(name: "c1 to c3: into VXLAN VNI 10 towards goplane2",
             state: goplane1, packet: ipv4(1, 2, to: S.mac(3), S.ip(3)),
             roles: [.classifyPort, .sourceKnown, .addressResolutionMiss, .forwardRemote],
             verdict: .output(.tunnel(vni: 10, vtep: .v4(IPv4Address(10, 9, 9, 3)), port: 100))),
        Case(name: "c2 to c6: into VXLAN VNI 11 towards goplane3",
             state: goplane1, packet: ipv4(2, 2, to: S.mac(4), S.ip(4)),
             roles: [.classifyPort, .sourceKnown, .addressResolutionMiss, .forwardRemote],
             verdict: .output(.tunnel(vni: 11, vtep: .v4(IPv4Address(10, 9, 9, 4)), port: 100))),
        Case(name: "c3 to c1 on goplane2: towards goplane1",
             state: goplane2, packet: ipv4(1, 3, to: S.mac(2), S.ip(2)),
             roles: [.classifyPort, .sourceKnown, .addressResolutionMiss, .forwardRemote],
             verdict: .output(.tunnel(vni: 10, vtep: .v4(IPv4Address(10, 9, 9, 2)), port: 100))),
        Case(name: "c1 asks for its own address: to the controller, not answered",
             state: goplane1, packet: .arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(2), target: S.ip(2)),
             roles: [.classifyPort, .sourceKnown, .arpFromOwner], verdict: .controller(.arpFromOwner)),
        Case(name: "c1 asks for an unknown address: to the controller",
             state: goplane1, packet: .arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(2), target: S.ip(9)),
             roles: [.classifyPort, .sourceKnown, .arpToController], verdict: .controller(.arpToController)),
        Case(name: "broadcast from c1: dropped and counted",
             state: goplane1, packet: ipv4(1, 2, to: .broadcast, IPv4Address(192, 168, 0, 255)),
             roles: [.classifyPort, .sourceKnown, .addressResolutionMiss, .dropBroadcast],
             verdict: .dropped(by: .dropBroadcast, vni: v10)),
        Case(name: "multicast from c2: dropped and counted",
             state: goplane1, packet: ipv4(2, 2, to: EthernetAddress(0x01, 0x00, 0x5e, 0, 0, 1), IPv4Address(224, 0, 0, 1)),
             roles: [.classifyPort, .sourceKnown, .addressResolutionMiss, .dropMulticast],
             verdict: .dropped(by: .dropMulticast, vni: v11)),
        Case(name: "unknown unicast from c1: dropped and counted",
             state: goplane1, packet: ipv4(1, 2, to: strangerMAC, S.ip(9)),
             roles: [.classifyPort, .sourceKnown, .addressResolutionMiss, .dropUnknownUnicast],
             verdict: .dropped(by: .dropUnknownUnicast, vni: v10)),
        Case(name: "a port in no tenant: dropped at classify",
             state: goplane1, packet: ipv4(7, 2, to: S.mac(3), S.ip(3)),
             roles: [.classifyMiss], verdict: .dropped(by: .classifyMiss, vni: nil)),
        Case(name: "an unknown source on c1's port: copied to the controller, then forwarded",
             state: goplane1, packet: .ipv4(inPort: 1, from: strangerMAC, to: S.mac(3), source: S.ip(9), destination: S.ip(3)),
             roles: [.classifyPort, .sourceUnknown, .addressResolutionMiss, .forwardRemote],
             verdict: .output(.tunnel(vni: 10, vtep: .v4(IPv4Address(10, 9, 9, 3)), port: 100))),
        Case(name: "from the tunnel with VNI 10 to c1: local port 1, no source or ARP table",
             state: goplane1,
             packet: TracePacket(inPort: 100, tunnelID: 10, source: S.mac(3), destination: S.mac(2),
                                 payload: .ipv4(source: S.ip(3), destination: S.ip(2), protocol: 1)),
             roles: [.classifyTunnel, .forwardLocal], verdict: .output(.local(port: 1))),
        Case(name: "from the tunnel with a VNI not present here: dropped at classify",
             state: goplane1,
             packet: TracePacket(inPort: 100, tunnelID: 12, source: S.mac(3), destination: S.mac(2),
                                 payload: .ipv4(source: S.ip(3), destination: S.ip(2), protocol: 1)),
             roles: [.classifyMiss], verdict: .dropped(by: .classifyMiss, vni: nil)),
        Case(name: "c2 (VNI 11) asks for 192.168.0.3: VNI 11's c4 answers, not VNI 10's c3",
             state: goplane1, packet: .arpRequest(inPort: 2, mac: S.mac(2), sender: S.ip(2), target: S.ip(3)),
             roles: [.classifyPort, .sourceKnown, .arpResponder],
             verdict: .output(.arpReply(mac: S.mac(3), ip: S.ip(3), port: 2))),
    ]

    @Test("path and verdict", arguments: cases)
    func trace(_ c: Case) {
        let result = PacketTrace.run(c.packet, in: c.state)
        #expect(result.steps.map { $0.role?.role } == c.roles, "\(result.steps.map(\.actions))")
        #expect(result.verdict == c.verdict, "\(result.verdict)")
        // Every tenant flow hit belongs to the packet's tenant.
        let vnis = Set(result.steps.compactMap { $0.role?.vni })
        #expect(vnis.count <= 1, "the walk crossed tenants: \(vnis)")
        // The same walk over the FlowTable the controller installs.
        let again = PacketTrace.run(c.packet, flows: Pipeline.flows(for: c.state), vxlanPort: c.state.vxlanPort)
        #expect(again.verdict == result.verdict)
    }

    @Test("a local endpoint known without an IPv4 address: its ARP is answered in OVS and copied to the controller, which learns the address")
    func arpOfAnEndpointWithoutAddressReachesTheController() {
        // c1 was gleaned from IPv6 chatter before it sent any ARP: its MAC is
        // known, its address is not. Without the copy, OVS answers its ARP
        // and nobody ever learns its address, so nobody can reach it.
        var state = Self.goplane1
        state.upsert(Endpoint(vni: S.vni10, mac: S.mac(2), location: .local(port: 1)))
        let result = PacketTrace.run(.arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(2), target: S.ip(3)), in: state)
        #expect(result.steps.map { $0.role?.role } == [.classifyPort, .sourceLearnAddress, .arpResponder])
        #expect(result.outputs.contains(.controller(.sourceLearnAddress)), "\(result.outputs)")
        #expect(result.verdict == .output(.arpReply(mac: S.mac(3), ip: S.ip(3), port: 1)))
        // Its other traffic is not copied.
        let ip = PacketTrace.run(Self.ipv4(1, 2, to: S.mac(3), S.ip(3)), in: state)
        #expect(ip.steps.map { $0.role?.role } == [.classifyPort, .sourceKnown, .addressResolutionMiss, .forwardRemote])
        // Once its address is known, its ARP is answered in OVS alone.
        let known = PacketTrace.run(.arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(2), target: S.ip(3)), in: Self.goplane1)
        #expect(!known.outputs.contains { if case .controller = $0 { true } else { false } })
    }

    @Test("steps carry the flow's cookie and its actions as ovs-ofctl writes them")
    func stepText() {
        let result = PacketTrace.run(Self.ipv4(1, 2, to: S.mac(3), S.ip(3)), in: Self.goplane1)
        #expect(result.steps.map(\.table) == [0, 10, 20, 30])
        #expect(result.steps.first?.actions == ["write_metadata:0xa", "goto_table:10"])
        #expect(result.steps.first?.cookie == FlowCookie(.classifyPort, vni: S.vni10).cookie)
        #expect(result.steps.last?.actions == ["set_field:0xa->tun_id", "set_field:10.9.9.3->tun_dst", "output:100"])
        let responder = PacketTrace.run(.arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(2), target: S.ip(3)), in: Self.goplane1)
        #expect(responder.steps.last?.actions.last == "IN_PORT")
        #expect(responder.steps.last?.actions.contains("set_field:192.168.0.3->arp_spa") == true)
        // The same text as Open vSwitch prints for these flows (the golden table, written as ovs-ofctl prints them).
        func golden(_ needle: String) -> String? {
            SeedTopologyGolden.goplane1.split(separator: "\n").first { $0.contains(needle) }
                .flatMap { $0.components(separatedBy: "actions=").last }
        }
        #expect(responder.steps.last?.actions.joined(separator: ",") == golden("metadata=0xa,arp_tpa=192.168.0.3,arp_op=1"))
        #expect(result.steps.last?.actions.joined(separator: ",") == golden("metadata=0xa,dl_dst=02:42:c0:a8:00:03"))
        let drop = PacketTrace.run(Self.ipv4(1, 2, to: .broadcast, S.ip(9)), in: Self.goplane1)
        #expect(drop.steps.last?.actions == ["drop"] && drop.outputs.isEmpty)
        #expect(drop.verdict.description == "dropped as broadcast (counted in VNI 10)" && drop.verdict.kind == "drop")
    }

    @Test("an unknown source: the controller's copy is among the outputs, the verdict is the delivery")
    func gleaningCopy() {
        let packet = TracePacket.ipv4(inPort: 1, from: Self.strangerMAC, to: S.mac(3), source: S.ip(9), destination: S.ip(3))
        let result = PacketTrace.run(packet, in: Self.goplane1)
        #expect(result.outputs.first == .controller(.sourceUnknown))
        #expect(result.outputs.count == 2)
    }

    @Test("ingress replication: a broadcast goes to the group's local port and each VTEP, never back to its sender")
    func flooded() {
        var state = Self.goplane1
        state.ports[3] = S.vni10
        state.ingressReplication[S.vni10] = [.v4(IPv4Address(10, 9, 9, 3)), .v4(IPv4Address(10, 9, 9, 4))]
        let result = PacketTrace.run(Self.ipv4(1, 2, to: .broadcast, S.ip(9)), in: state)
        #expect(result.verdict == .flooded([.local(port: 3), .tunnel(vni: 10, vtep: .v4(IPv4Address(10, 9, 9, 3)), port: 100),
                                            .tunnel(vni: 10, vtep: .v4(IPv4Address(10, 9, 9, 4)), port: 100)]), "\(result.verdict)")
        #expect(result.verdict.kind == "flood")
        // From the tunnel: the local ports only (split horizon).
        let fromTunnel = TracePacket(inPort: 100, tunnelID: 10, source: S.mac(3), destination: .broadcast,
                                     payload: .ipv4(source: S.ip(3), destination: S.ip(9), protocol: 1))
        #expect(PacketTrace.run(fromTunnel, in: state).verdict == .flooded([.local(port: 1), .local(port: 3)]))
    }

    @Test("a table without a matching flow drops; an empty table drops at table 0")
    func emptyTable() {
        let result = PacketTrace.run(Self.ipv4(1, 2, to: S.mac(3), S.ip(3)), flows: FlowTable(), vxlanPort: 100)
        #expect(result.steps.isEmpty && result.verdict == .dropped(by: nil, vni: nil))
        #expect(result.verdict.description == "dropped: no flow matched")
    }

    @Test("the packet in ofproto/trace syntax")
    func ovsFlow() {
        #expect(TracePacket.arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(2), target: S.ip(3)).ovsFlow
                == "in_port=1,dl_src=02:42:c0:a8:00:02,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=192.168.0.2,"
                + "arp_tpa=192.168.0.3,arp_sha=02:42:c0:a8:00:02,arp_tha=00:00:00:00:00:00")
    }
}
