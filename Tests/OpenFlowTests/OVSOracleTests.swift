import NIOCore
import OpenFlow
import TestSupport
import Testing

/// One overlay FLOW_MOD and the text Open vSwitch should print for it.
struct OracleFlow: NamedRow {
    var name: String
    var flowMod: FlowMod
    /// What `ovs-ofctl ofp-print` prints after "OFPT_FLOW_MOD (OF1.3) (xid=0x1): ".
    var expected: String
}

// Addresses and numbers of the overlay used in the table.
private let vni: UInt64 = 100                    // metadata carries the VNI
private let localMAC: UInt64 = 0x5254_0000_0001  // 52:54:00:00:00:01 on port 1
private let remoteMAC: UInt64 = 0x5254_0000_0009 // behind VTEP 172.16.0.2
private let answerMAC: UInt64 = 0x5254_0000_0003 // the MAC the ARP responder answers with
private let vtepRemote: UInt64 = 0xac10_0002     // 172.16.0.2
private let vxlanPort: UInt32 = 10

private func apply(_ actions: Action...) -> Instruction { .applyActions(actions) }
private func basic(_ field: OXMBasicField, _ value: UInt64, mask: UInt64? = nil) -> OXMField { OXMField(field, value, mask: mask) }
private func setField(_ field: OXMBasicField, _ value: UInt64) -> Action { .setField(OXMField(field, value)) }
/// NXM headers of the fields the ARP responder moves (NXM_OF_* class 0, NXM_NX_* class 1).
private let nxmEthSrc = OXMHeader(oxmClass: 0, field: 2, length: 6)
private let nxmEthDst = OXMHeader(oxmClass: 0, field: 1, length: 6)
private let nxmArpSPA = OXMHeader(oxmClass: 0, field: 16, length: 4)
private let nxmArpTPA = OXMHeader(oxmClass: 0, field: 17, length: 4)
private let nxmArpSHA = OXMHeader(oxmClass: 1, field: 17, length: 6)
private let nxmArpTHA = OXMHeader(oxmClass: 1, field: 18, length: 6)
private func move(_ bits: UInt16, _ source: OXMHeader, _ destination: OXMHeader) -> Action {
    .nicira(.regMove(bits: bits, sourceOffset: 0, destinationOffset: 0, source: source, destination: destination))
}

private func flow(_ name: String, table: UInt8 = 0, priority: UInt16, command: FlowMod.Command = .add, cookie: UInt64 = 0,
                  cookieMask: UInt64 = 0, idle: UInt16 = 0, hard: UInt16 = 0, flags: FlowMod.Flags = [],
                  _ match: [OXMField], _ instructions: [Instruction], _ expected: String) -> OracleFlow {
    OracleFlow(name: name,
               flowMod: FlowMod(cookie: cookie, cookieMask: cookieMask, tableID: table, command: command, idleTimeout: idle,
                                hardTimeout: hard, priority: priority, flags: flags, match: Match(match), instructions: instructions),
               expected: expected)
}

let oracleFlows: [OracleFlow] = [
    // Table 0: classify into a VNI (metadata) or drop.
    flow("local port to VNI", priority: 100, [basic(.inPort, 1)],
         [.writeMetadata(vni, mask: .max), .gotoTable(10)],
         "ADD priority=100,in_port=1 actions=write_metadata:0x64,goto_table:10"),
    flow("tunnel with known VNI", priority: 100, [basic(.inPort, 10), basic(.tunnelID, vni)],
         [.writeMetadata(vni, mask: 0xff_ffff), .gotoTable(10)],
         "ADD priority=100,tun_id=0x64,in_port=10 actions=write_metadata:0x64/0xffffff,goto_table:10"),
    flow("classify miss drops", priority: 0, [], [],
         "ADD priority=0 actions=drop"),
    // Table 10: learn.
    flow("known source passes", table: 10, priority: 100,
         [basic(.metadata, vni), basic(.inPort, 1), basic(.ethSrc, localMAC)], [.gotoTable(20)],
         "ADD table:10 priority=100,metadata=0x64,in_port=1,dl_src=52:54:00:00:00:01 actions=goto_table:20"),
    flow("unknown source copied to controller", table: 10, priority: 10, [basic(.metadata, vni)],
         [apply(.output(port: OpenFlowPort.controller, maxLength: 128)), .gotoTable(20)],
         "ADD table:10 priority=10,metadata=0x64 actions=CONTROLLER:128,goto_table:20"),
    // Table 20: ARP responder in OVS, rest to the controller.
    flow("ARP responder", table: 20, priority: 100,
         [basic(.metadata, vni), basic(.ethType, 0x0806), basic(.arpOp, 1), basic(.arpTPA, 0x0a00_0003)],
         [apply(move(48, nxmEthSrc, nxmEthDst), setField(.ethSrc, answerMAC), setField(.arpOp, 2),
                move(48, nxmArpSHA, nxmArpTHA), move(32, nxmArpSPA, nxmArpTPA), setField(.arpSHA, answerMAC),
                setField(.arpSPA, 0x0a00_0003), .output(OpenFlowPort.inPort))],
         "ADD table:20 priority=100,arp,metadata=0x64,arp_tpa=10.0.0.3,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:52:54:00:00:00:03->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:52:54:00:00:00:03->arp_sha,set_field:10.0.0.3->arp_spa,IN_PORT"),
    flow("ARP responder with reg_load", table: 20, priority: 100,
         [basic(.metadata, vni), basic(.ethType, 0x0806), basic(.arpTPA, 0x0a00_0004)],
         [apply(.nicira(.regLoad(offset: 0, bits: 16, destination: OXMHeader(oxmClass: 0, field: 15, length: 2), value: 2)),
                .nicira(.regLoad(offset: 0, bits: 32, destination: nxmArpSPA, value: 0x0a00_0004)),
                .output(OpenFlowPort.inPort))],
         "ADD table:20 priority=100,arp,metadata=0x64,arp_tpa=10.0.0.4 actions=load:0x2->NXM_OF_ARP_OP[],load:0xa000004->NXM_OF_ARP_SPA[],IN_PORT"),
    flow("other ARP to controller", table: 20, priority: 50, [basic(.metadata, vni), basic(.ethType, 0x0806)],
         [apply(.output(port: OpenFlowPort.controller, maxLength: controllerMaxLengthNoBuffer))],
         "ADD table:20 priority=50,arp,metadata=0x64 actions=CONTROLLER:65535"),
    flow("neighbour solicitation to controller", table: 20, priority: 50,
         [basic(.metadata, vni), basic(.ethType, 0x86dd), basic(.ipProto, 58), basic(.icmpv6Type, 135)],
         [apply(.output(port: OpenFlowPort.controller, maxLength: 256))],
         "ADD table:20 priority=50,icmp6,metadata=0x64,icmp_type=135 actions=CONTROLLER:256"),
    flow("neighbour solicitation by target", table: 20, priority: 60,
         [basic(.ethType, 0x86dd), basic(.ipProto, 58), basic(.icmpv6Type, 135),
          OXMField(.ipv6NDTarget, bytes: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [3])],
         [apply(.output(port: OpenFlowPort.controller, maxLength: 256))],
         "ADD table:20 priority=60,icmp6,icmp_type=135,nd_target=2001:db8::3 actions=CONTROLLER:256"),
    flow("rest goes on to forwarding", table: 20, priority: 0, [], [.gotoTable(30)],
         "ADD table:20 priority=0 actions=goto_table:30"),
    // Table 30: forward.
    flow("to a local port", table: 30, priority: 100, [basic(.metadata, vni), basic(.ethDst, localMAC)],
         [apply(.output(1))],
         "ADD table:30 priority=100,metadata=0x64,dl_dst=52:54:00:00:00:01 actions=output:1"),
    flow("into the tunnel", table: 30, priority: 100, [basic(.metadata, vni), basic(.ethDst, remoteMAC)],
         [apply(setField(.tunnelID, vni), .setField(.tunnelIPv4Destination(UInt32(vtepRemote))), .output(vxlanPort))],
         "ADD table:30 priority=100,metadata=0x64,dl_dst=52:54:00:00:00:09 actions=set_field:0x64->tun_id,set_field:172.16.0.2->tun_dst,output:10"),
    flow("tunnel with source address", table: 30, priority: 100, [basic(.metadata, vni), basic(.ethDst, remoteMAC + 1)],
         [apply(setField(.tunnelID, vni), .setField(.tunnelIPv4Source(0xac10_0001)),
                .setField(.tunnelIPv4Destination(0xac10_0003)), .output(vxlanPort))],
         "ADD table:30 priority=100,metadata=0x64,dl_dst=52:54:00:00:00:0a actions=set_field:0x64->tun_id,set_field:172.16.0.1->tun_src,set_field:172.16.0.3->tun_dst,output:10"),
    flow("broadcast dropped", table: 30, priority: 50, [basic(.metadata, vni), basic(.ethDst, 0xffff_ffff_ffff)], [],
         "ADD table:30 priority=50,metadata=0x64,dl_dst=ff:ff:ff:ff:ff:ff actions=drop"),
    flow("multicast dropped (masked)", table: 30, priority: 40,
         [basic(.metadata, vni), basic(.ethDst, 0x0100_0000_0000, mask: 0x0100_0000_0000)], [],
         "ADD table:30 priority=40,metadata=0x64,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=drop"),
    flow("unknown unicast dropped", table: 30, priority: 0, [], [],
         "ADD table:30 priority=0 actions=drop"),
    flow("ingress replication", table: 30, priority: 45, [basic(.metadata, vni), basic(.ethDst, 0xffff_ffff_ffff)],
         [apply(setField(.tunnelID, vni), .setField(.tunnelIPv4Destination(0xac10_0002)), .output(vxlanPort),
                .setField(.tunnelIPv4Destination(0xac10_0003)), .output(vxlanPort), .output(1))],
         "ADD table:30 priority=45,metadata=0x64,dl_dst=ff:ff:ff:ff:ff:ff actions=set_field:0x64->tun_id,set_field:172.16.0.2->tun_dst,output:10,set_field:172.16.0.3->tun_dst,output:10,output:1"),
    // Nicira extras.
    flow("resubmit to a table", priority: 90, [basic(.inPort, 2)],
         [apply(.nicira(.resubmitTable(inPort: 0xfff8, table: 30)))],
         "ADD priority=90,in_port=2 actions=resubmit(,30)"),
    flow("resubmit with a port", priority: 90, [basic(.inPort, 3)],
         [apply(.nicira(.resubmit(inPort: 2)))],
         "ADD priority=90,in_port=3 actions=resubmit:2"),
    flow("controller2 with userdata and pause", table: 20, priority: 70, [basic(.ethType, 0x0806)],
         [apply(.nicira(.controller2(NXController2(userdata: [0xde, 0xad], pause: true))))],
         "ADD table:20 priority=70,arp actions=controller(userdata=de.ad,pause)"),
    flow("controller2 with reason, max_len and id", table: 20, priority: 71, [basic(.ethType, 0x0806)],
         [apply(.nicira(.controller2(NXController2(maxLength: 128, controllerID: 7, reason: 0))))],
         "ADD table:20 priority=71,arp actions=controller(reason=no_match,max_len=128,id=7)"),
    flow("register copy and load2", priority: 80, [OXMField.register(0, 5)],
         [apply(.nicira(.regMove(bits: 16, sourceOffset: 0, destinationOffset: 16, source: .register(0), destination: .register(1))),
                .nicira(.regLoad2(.register(2, 0x1234))), .output(1))],
         "ADD priority=80,reg0=0x5 actions=move:NXM_NX_REG0[0..15]->NXM_NX_REG1[16..31],set_field:0x1234->reg2,output:1"),
    flow("masked register match", priority: 80, [OXMField.register(3, 0x10, mask: 0xf0)], [apply(.output(2))],
         "ADD priority=80,reg3=0x10/0xf0 actions=output:2"),
    flow("tunnel source match", priority: 85, [basic(.inPort, 10), OXMField.tunnelIPv4Source(0xac10_0002)],
         [.writeMetadata(vni, mask: .max), .gotoTable(10)],
         "ADD priority=85,tun_src=172.16.0.2,in_port=10 actions=write_metadata:0x64,goto_table:10"),
    flow("masked metadata", table: 30, priority: 20, [basic(.metadata, 0x64, mask: 0xffff)], [apply(.output(3))],
         "ADD table:30 priority=20,metadata=0x64/0xffff actions=output:3"),
    // Plain OpenFlow 1.3 matches and instructions the pipeline may use.
    flow("masked IPv4 source", table: 30, priority: 30,
         [basic(.ethType, 0x0800), basic(.ipv4Src, 0x0a00_0000, mask: 0xffff_ff00)], [apply(.output(4))],
         "ADD table:30 priority=30,ip,nw_src=10.0.0.0/24 actions=output:4"),
    flow("TCP port", table: 30, priority: 30, [basic(.ethType, 0x0800), basic(.ipProto, 6), basic(.tcpDst, 80)],
         [apply(.output(4))],
         "ADD table:30 priority=30,tcp,tp_dst=80 actions=output:4"),
    flow("VLAN present", priority: 30, [basic(.vlanVID, 0x1000 | 10)], [apply(.popVLAN, .output(1))],
         "ADD priority=30,dl_vlan=10 actions=pop_vlan,output:1"),
    flow("push VLAN", priority: 30, [basic(.inPort, 5)],
         [apply(.pushVLAN(etherType: 0x8100), setField(.vlanVID, 0x1000 | 20), .output(6))],
         "ADD priority=30,in_port=5 actions=push_vlan:0x8100,set_field:4116->vlan_vid,output:6"),
    flow("IPv6 destination", table: 30, priority: 30,
         [basic(.ethType, 0x86dd), OXMField(.ipv6Dst, bytes: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])],
         [apply(.decNetworkTTL, .output(2))],
         "ADD table:30 priority=30,ipv6,ipv6_dst=2001:db8::1 actions=dec_ttl,output:2"),
    flow("write and clear actions, meter", priority: 25, [basic(.inPort, 7)],
         [.meter(1), .clearActions, .writeActions([.output(8)])],
         "ADD priority=25,in_port=7 actions=meter:1,clear_actions,write_actions(output:8)"),
    flow("group", priority: 25, [basic(.inPort, 9)], [apply(.group(3))],
         "ADD priority=25,in_port=9 actions=group:3"),
    flow("timeouts, cookie and flow-removed flag", table: 30, priority: 100, cookie: 0x5150_0000_0000_0001, idle: 30, hard: 300,
         flags: .sendFlowRemoved, [basic(.metadata, vni), basic(.ethDst, localMAC)], [apply(.output(1))],
         "ADD table:30 priority=100,metadata=0x64,dl_dst=52:54:00:00:00:01 cookie:0x5150000000000001 idle:30 hard:300 send_flow_rem actions=output:1"),
    flow("delete by cookie", table: FlowMod.allTables, priority: 0, command: .delete, cookie: 0x5150_0000_0000_0000,
         cookieMask: 0xffff_0000_0000_0000, [], [],
         "DEL table:255 priority=0 cookie:0x5150000000000000/0xffff000000000000 actions=drop"),
    flow("strict delete", table: 30, priority: 100, command: .deleteStrict,
         [basic(.metadata, vni), basic(.ethDst, localMAC)], [],
         "DEL_STRICT table:30 priority=100,metadata=0x64,dl_dst=52:54:00:00:00:01 actions=drop"),
]

@Suite("FLOW_MODs decoded by Open vSwitch (ovs-ofctl ofp-print)")
struct OVSOracleTests {
    static let ovsOfctl = Command.which("ovs-ofctl")

    @Test("the table holds at least 30 flows")
    func tableSize() {
        #expect(oracleFlows.count >= 30)
    }

    @Test("ovs-ofctl prints the flow we meant", .enabled(if: ovsOfctl != nil, "ovs-ofctl (openvswitch-common) is not installed"),
          arguments: oracleFlows)
    func oracle(flow: OracleFlow) throws {
        let bytes = try OpenFlowEnvelope(xid: 1, .flowMod(flow.flowMod)).encoded()
        let result = try Command.run(Self.ovsOfctl ?? "ovs-ofctl", ["ofp-print", Hex.string(bytes.readableBytesView)])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = "OFPT_FLOW_MOD (OF1.3) (xid=0x1): " + flow.expected
        #expect(normalised(result.stdout) == normalised(expected), "\(flow.name)")
        // And our own decoder gives back the value we encoded.
        #expect(try OpenFlowEnvelope.decode(bytes).message == .flowMod(flow.flowMod))
    }

    func normalised(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
