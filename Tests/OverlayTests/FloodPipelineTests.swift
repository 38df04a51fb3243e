import OpenFlow
import OpenFlowController
import Overlay
import Packets
import Testing

/// Ingress replication and the address-resolution meter, on the seed
/// topology's goplane1 with VNI 11 switched to ingress-replication mode.
@Suite("Pipeline: ingress replication and the ARP/ND meter")
struct FloodPipelineTests {
    static let goplane1 = SeedTopology.hosts[0]
    static let others: [VTEP] = [.v4(IPv4Address(10, 9, 9, 3)), .v4(IPv4Address(10, 9, 9, 4))]

    static func replicating(_ vteps: [VTEP] = others, rate: UInt32? = nil) -> BridgeState {
        var state = SeedTopology.state(of: goplane1)
        state.ingressReplication = [SeedTopology.vni11: vteps]
        state.addressResolutionRate = rate
        return state
    }

    /// What changes on goplane1 when VNI 11 turns to ingress replication:
    /// its three drop flows become flood flows, two split-horizon flows come,
    /// unanswered ARP/NS also go on to be flooded; VNI 10 is untouched.
    @Test("drop -> ingress replication: the difference, as OVS prints it",
          .enabled(if: OVSFlowText.ovsOfctl != nil, "ovs-ofctl (openvswitch-common) is not installed"))
    func switchToReplication() throws {
        let before = SeedTopology.state(of: Self.goplane1)
        let after = Self.replicating()
        let diff = FlowDiff(wanted: Pipeline.flows(for: after), installed: Pipeline.flows(for: before).entries,
                            owner: FlowCookie.space)
        let actual = try OVSFlowText.lines(diff.flowMods)
        #expect(Set(actual) == Set(OVSFlowText.expected(Self.switchDiff)), "\(actual.joined(separator: "\n"))")
    }

    /// Group 1375731723 = 0x5200000b (VNI 11, from local ports),
    /// 1392508939 = 0x5300000b (VNI 11, from the tunnel).
    static let switchDiff = """
    MOD_STRICT table:20 priority=50,arp,metadata=0xb cookie:0x535000080000000b/0xffff000000000000 actions=CONTROLLER:128,goto_table:30
    MOD_STRICT table:20 priority=50,icmp6,metadata=0xb,icmp_type=135 cookie:0x535000090000000b/0xffff000000000000 actions=CONTROLLER:128,goto_table:30
    MOD_STRICT table:20 priority=110,icmp6,metadata=0xb,ipv6_src=::,icmp_type=135 cookie:0x535000090000000b/0xffff000000000000 actions=CONTROLLER:128,goto_table:30
    MOD_STRICT table:20 priority=110,icmp6,metadata=0xb,icmp_type=135,nd_sll=00:00:00:00:00:00 cookie:0x535000090000000b/0xffff000000000000 actions=CONTROLLER:128,goto_table:30
    ADD table:30 priority=50,metadata=0xb,dl_dst=ff:ff:ff:ff:ff:ff cookie:0x535000110000000b actions=group:1375731723
    ADD table:30 priority=40,metadata=0xb,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 cookie:0x535000120000000b actions=group:1375731723
    ADD table:30 priority=10,metadata=0xb cookie:0x535000130000000b actions=group:1375731723
    ADD table:30 priority=60,metadata=0xb,in_port=100,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 cookie:0x535000140000000b actions=group:1392508939
    ADD table:30 priority=11,metadata=0xb,in_port=100 cookie:0x535000140000000b actions=group:1392508939
    """

    /// The two groups of VNI 11, as OVS prints their GROUP_MODs.
    @Test("the flood groups, as OVS prints them",
          .enabled(if: OVSFlowText.ovsOfctl != nil, "ovs-ofctl (openvswitch-common) is not installed"))
    func groups() throws {
        let groups = Pipeline.groups(for: Self.replicating())
        #expect(groups.entries.map(\.id) == [FloodGroup.everywhere.id(SeedTopology.vni11), FloodGroup.localPorts.id(SeedTopology.vni11)])
        let actual = try OVSFlowText.lines(messages: groups.entries.map { $0.message(.add) })
        #expect(actual == OVSFlowText.expected(Self.groupText), "\(actual.joined(separator: "\n"))")
    }

    static let groupText = """
    ADD group_id=1375731723,type=all,bucket=actions=output:2,bucket=actions=set_field:0xb->tun_id,set_field:10.9.9.3->tun_dst,output:100,bucket=actions=set_field:0xb->tun_id,set_field:10.9.9.4->tun_dst,output:100
    ADD group_id=1392508939,type=all,bucket=actions=output:2
    """

    struct FloodCase: Sendable, CustomTestStringConvertible {
        var vteps: [VTEP]
        var testDescription: String { "\(vteps.count) remote VTEPs" }
    }

    /// One bucket per local port of the tenant and (from local ports only)
    /// one per remote VTEP, setting the tenant's own tunnel id.
    @Test(arguments: [FloodCase(vteps: []), FloodCase(vteps: [others[0]]), FloodCase(vteps: others),
                      FloodCase(vteps: SeedTopology.ipv6Hosts.dropFirst().map(\.vtep))])
    func buckets(_ test: FloodCase) {
        var state = Self.replicating(test.vteps)
        state.ports[3] = SeedTopology.vni11
        let groups = Pipeline.groups(for: state)
        let everywhere = groups[FloodGroup.everywhere.id(SeedTopology.vni11)]
        let local = groups[FloodGroup.localPorts.id(SeedTopology.vni11)]
        let tunnel: (VTEP) -> Bucket = { vtep in
            let destination: OXMField = switch vtep.address {
            case let .v4(address): .tunnelIPv4Destination(address.rawValue)
            case let .v6(address): .tunnelIPv6Destination(address.bytes)
            }
            return Bucket(actions: [.setField(OXMField(.tunnelID, 11)), .setField(destination), .output(SeedTopology.vxlanPort)])
        }
        #expect(everywhere?.buckets == [Bucket(actions: [.output(2)]), Bucket(actions: [.output(3)])] + test.vteps.map(tunnel))
        #expect(local?.buckets == [Bucket(actions: [.output(2)]), Bucket(actions: [.output(3)])])
        #expect(groups.count == 2, "none for VNI 10, which drops")
    }

    @Test("drop mode: no groups, the drop flows count")
    func dropModeHasNoGroups() {
        let state = SeedTopology.state(of: Self.goplane1)
        #expect(Pipeline.groups(for: state).count == 0)
        #expect(Pipeline.meters(for: state).count == 0)
        let roles = Pipeline.flows(for: state).entries.compactMap { FlowCookie(cookie: $0.cookie)?.role }
        #expect(!roles.contains(.floodBroadcast) && !roles.contains(.floodFromTunnel))
    }

    /// Every flow that hands a frame to a group hands it to its own tenant's
    /// group, and the split-horizon flows (from the tunnel) use the local one.
    @Test func groupsStayInTheirTenant() {
        var state = Self.replicating()
        state.ingressReplication[SeedTopology.vni10] = [Self.others[1]]
        for flow in Pipeline.flows(for: state).entries {
            for case let .applyActions(actions) in flow.instructions {
                for case let .group(id) in actions {
                    let vni = flow.key.match[.metadata]?.integerValue
                    let fromTunnel = flow.key.match[.inPort]?.integerValue == UInt64(SeedTopology.vxlanPort)
                    let group: FloodGroup = fromTunnel ? .localPorts : .everywhere
                    #expect(vni.flatMap { VNI(rawValue: UInt32($0)) }.map(group.id) == id, "\(flow.key) -> group \(id)")
                }
            }
        }
    }

    /// With a rate, the flows to the controller for address resolution go
    /// through the meter (its instruction first, as OVS lists them); the
    /// gleaning copy of unknown sources does not (a meter would drop the
    /// frame itself, not only the copy: its own meters meter the copy,
    /// `GleaningMeterTests`).
    @Test func meter() throws {
        let state = Self.replicating(rate: 250)
        #expect(Pipeline.meters(for: state).entries == [AddressResolutionMeter.entry(packetsPerSecond: 250),
                                                        GleaningMeter.entry(index: 0, packetsPerSecond: 250),
                                                        GleaningMeter.entry(index: 1, packetsPerSecond: 250)])
        let metered: Set<FlowRole> = [.arpFromOwner, .arpToController, .neighborSolicitationToController, .sourceLearnAddress]
        var seen: Set<FlowRole> = []
        for flow in Pipeline.flows(for: state).entries {
            let role = try #require(FlowCookie(cookie: flow.cookie)?.role)
            let first = flow.instructions.first
            if metered.contains(role) {
                seen.insert(role)
                #expect(first == .meter(AddressResolutionMeter.id), "\(role)")
            } else {
                #expect(!flow.instructions.contains(.meter(AddressResolutionMeter.id)), "\(role)")
            }
        }
        #expect(seen == metered)
        #expect(AddressResolutionMeter.entry(packetsPerSecond: 250).bands == [MeterBand(.drop, rate: 250, burstSize: 250)])
    }
}
