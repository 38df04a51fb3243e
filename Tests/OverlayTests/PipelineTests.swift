import OpenFlow
import OpenFlowController
import Overlay
import Packets
import Testing
import TestSupport

@Suite("Pipeline: flows of the seed topology, checked by Open vSwitch's decoder")
struct PipelineGoldenTests {
    static let cases: [(SeedTopology.Host, String)] = Array(zip(
        SeedTopology.hosts, [SeedTopologyGolden.goplane1, SeedTopologyGolden.goplane2, SeedTopologyGolden.goplane3]))

    @Test("each host's table is exactly the expected one",
          .enabled(if: OVSFlowText.ovsOfctl != nil, "ovs-ofctl (openvswitch-common) is not installed"),
          arguments: cases)
    func golden(host: SeedTopology.Host, expected: String) throws {
        let table = Pipeline.flows(for: SeedTopology.state(of: host))
        let printed = try OVSFlowText.lines(table.entries.map { $0.flowMod(.add) })
        let actual = printed.map { $0.hasPrefix("ADD ") ? String($0.dropFirst(4)) : $0 }
        let wanted = OVSFlowText.expected(expected)
        #expect(actual.count == table.count, "ofp-parse printed one line per flow")
        #expect(Set(wanted).count == wanted.count, "the expectation lists no flow twice")
        let missing = Set(wanted).subtracting(actual).sorted()
        let extra = Set(actual).subtracting(wanted).sorted()
        #expect(missing.isEmpty, "\(host.name): flows missing:\n\(missing.joined(separator: "\n"))")
        #expect(extra.isEmpty, "\(host.name): flows not expected:\n\(extra.joined(separator: "\n"))")
    }
}

extension SeedTopology.Host: CustomTestStringConvertible {
    var testDescription: String { name }
}

@Suite("Pipeline: what changes when endpoints come, move and go")
struct PipelineChangeTests {
    static let goplane1 = SeedTopology.hosts[0]

    func diff(_ before: BridgeState, _ after: BridgeState) throws -> [String] {
        let installed = Pipeline.flows(for: before).entries
        let diff = FlowDiff(wanted: Pipeline.flows(for: after), installed: installed, owner: FlowCookie.space)
        return try OVSFlowText.lines(diff.flowMods)
    }

    @Test("an unchanged state sends nothing")
    func unchanged() {
        let state = SeedTopology.state(of: Self.goplane1)
        let diff = FlowDiff(wanted: Pipeline.flows(for: state), installed: Pipeline.flows(for: state).entries,
                            owner: FlowCookie.space)
        #expect(diff.isEmpty)
    }

    /// One change to goplane1's state and the flow mods it must send, as ovs-ofctl prints them.
    struct Change: NamedRow {
        var name: String
        var change: @Sendable (inout BridgeState) -> Void
        var flowMods: String
    }

    static let changes: [Change] = [
        Change(name: "c3 moves from goplane2 to goplane3: goplane1 only re-points its tunnel flow", change: { after in
            after.upsert(Endpoint(vni: SeedTopology.vni10, mac: SeedTopology.mac(3), ipv4: [SeedTopology.ip(3)],
                                  location: .remote(vtep: .v4(IPv4Address(10, 9, 9, 4)))))
        }, flowMods: """
        MOD_STRICT table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:03 cookie:0x5350000c0000000a/0xffff000000000000 actions=set_field:0xa->tun_id,set_field:10.9.9.4->tun_dst,output:100
        """),
        Change(name: "a remote endpoint goes: its responder and tunnel flows are deleted, nothing else", change: { after in
            after.remove(EndpointKey(vni: SeedTopology.vni11, mac: SeedTopology.mac(4)))
        }, flowMods: """
        DEL_STRICT table:20 priority=100,arp,metadata=0xb,arp_tpa=192.168.0.4,arp_op=1 cookie:0x535000060000000b/0xffff000000000000 actions=drop
        DEL_STRICT table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:04 cookie:0x5350000c0000000b/0xffff000000000000 actions=drop
        """),
        Change(name: "a new local container on port 3 in VNI 10: its classify, source, responder and delivery flows; its NS copied to the controller while its IPv6 address is unknown",
               change: { after in
            after.ports[3] = SeedTopology.vni10
            after.upsert(Endpoint(vni: SeedTopology.vni10, mac: SeedTopology.mac(9), ipv4: [SeedTopology.ip(9)],
                                  location: .local(port: 3)))
        }, flowMods: """
        ADD priority=100,in_port=3 cookie:0x535000010000000a actions=write_metadata:0xa,goto_table:10
        ADD table:10 priority=100,metadata=0xa,in_port=3,dl_src=02:42:c0:a8:00:09 cookie:0x535000040000000a actions=goto_table:20
        ADD table:10 priority=101,icmp6,metadata=0xa,in_port=3,dl_src=02:42:c0:a8:00:09,icmp_type=135 cookie:0x535000150000000a actions=CONTROLLER:128,goto_table:20
        ADD table:20 priority=100,arp,metadata=0xa,arp_tpa=192.168.0.9,arp_op=1 cookie:0x535000060000000a actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:42:c0:a8:00:09->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:42:c0:a8:00:09->arp_sha,set_field:192.168.0.9->arp_spa,IN_PORT
        ADD table:20 priority=110,arp,metadata=0xa,in_port=3,arp_tpa=192.168.0.9 cookie:0x535000070000000a actions=CONTROLLER:128
        ADD table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:09 cookie:0x5350000b0000000a actions=output:3
        """),
        Change(name: "c1 gains an IPv6 address: its ND responder (NS to NA by moves and set-field, finished in table 21) and no more NS copies to the controller",
               change: { after in
            after.upsert(Endpoint(vni: SeedTopology.vni10, mac: SeedTopology.mac(2), ipv4: [SeedTopology.ip(2)],
                                  ipv6: [IPv6Address("fd00::2")!], location: .local(port: 1)))
        }, flowMods: """
        DEL_STRICT table:10 priority=101,icmp6,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:02,icmp_type=135 cookie:0x535000150000000a/0xffff000000000000 actions=drop
        ADD table:20 priority=100,icmp6,metadata=0xa,icmp_type=135,icmp_code=0,nd_target=fd00::2 cookie:0x535000160000000a actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:42:c0:a8:00:02->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fd00::2->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,goto_table:21
        """),
    ]

    /// Exactly the row's flow mods, each once, in any order.
    @Test(.enabled(if: OVSFlowText.ovsOfctl != nil, "ovs-ofctl (openvswitch-common) is not installed"), arguments: changes)
    func changeSendsOnlyItsFlowMods(_ row: Change) throws {
        let before = SeedTopology.state(of: Self.goplane1)
        var after = before
        row.change(&after)
        let actual = try diff(before, after)
        #expect(actual.sorted() == OVSFlowText.expected(row.flowMods).sorted(), "\(actual.joined(separator: "\n"))")
    }
}

@Suite("Pipeline: tenants never meet")
struct PipelineIsolationTests {
    /// Every flow that matches a tenant's metadata may only deliver to that
    /// tenant's ports or tunnel with that tenant's VNI, whatever the state.
    @Test("no flow of one VNI reaches another's port or tunnel id", arguments: SeedTopology.hosts)
    func isolation(host: SeedTopology.Host) {
        let state = SeedTopology.state(of: host)
        for flow in Pipeline.flows(for: state).entries {
            guard let vni = flow.key.match[.metadata]?.integerValue else { continue }
            for case let .applyActions(actions) in flow.instructions {
                for action in actions {
                    switch action {
                    case let .output(port, _) where port < OpenFlowPort.max && port != state.vxlanPort:
                        #expect(state.ports[port].map { UInt64($0.rawValue) } == vni, "\(flow.key) outputs to port \(port)")
                    case let .setField(field) where field.basic == .tunnelID:
                        #expect(field.integerValue == vni, "\(flow.key) sets tun_id \(String(describing: field.integerValue))")
                    default:
                        break
                    }
                }
            }
        }
    }

    @Test("the same MAC and IP in two VNIs give two separate sets of flows")
    func collidingAddresses() {
        let state = SeedTopology.state(of: SeedTopology.hosts[0])
        let flows = Pipeline.flows(for: state).entries
        let forMAC2 = flows.filter { flow in
            flow.key.match[.ethDst]?.integerValue == SeedTopology.mac(2).rawValue
        }
        let vnis = Set(forMAC2.compactMap { flow in flow.key.match[.metadata]?.integerValue })
        #expect(vnis == [10, 11])
        #expect(forMAC2.count == 2)
    }

    @Test("remote endpoints of tenants absent from this host get no flows")
    func foreignTenantIgnored() {
        var state = SeedTopology.state(of: SeedTopology.hosts[0])
        let before = Pipeline.flows(for: state)
        state.upsert(Endpoint(vni: VNI(rawValue: 99)!, mac: SeedTopology.mac(7), ipv4: [SeedTopology.ip(7)],
                              location: .remote(vtep: .v4(IPv4Address(10, 9, 9, 3)))))
        #expect(Pipeline.flows(for: state) == before)
    }
}

@Suite("Flow cookies name their owner")
struct FlowCookieTests {
    @Test(arguments: FlowRole.allCases)
    func roundTrip(role: FlowRole) {
        for vni in [nil, VNI(rawValue: 1), VNI(rawValue: VNI.maximum)] {
            let cookie = FlowCookie(role, vni: vni)
            #expect(FlowCookie(cookie: cookie.cookie) == cookie)
            #expect(FlowCookie.space.contains(cookie.cookie))
        }
    }

    @Test("cookies outside swiftplane's space are not ours", arguments: [UInt64(0), 0x1234, 0x5351_0001_0000_000a])
    func foreign(cookie: UInt64) {
        #expect(FlowCookie(cookie: cookie) == nil)
    }
}
