import BGP
import OpenFlow
import OpenFlowController
import Overlay
import Packets
import Testing
import TestSupport

/// VTEPs of either family: what a received route becomes (imported,
/// ignored, refused with the reason), and the tunnel flows and flood
/// buckets it gives, as Open vSwitch decodes them.
@Suite("IPv6 underlay: import of IPv6 next hops and PMSI endpoints, tun_ipv6_dst flows")
struct IPv6UnderlayTests {
    typealias S = SeedTopology
    static let instance = EVPNInstance.automatic(vni: S.vni10, asn: 65000)!
    static let v4Local = VTEP.v4(IPv4Address(10, 9, 9, 2)), v4Remote = VTEP.v4(IPv4Address(10, 9, 9, 3))
    static let v6Local = VTEP.v6(IPv6Address("fd00:9::2")!), v6Remote = VTEP.v6(IPv6Address("fd00:9::3")!)

    enum Outcome: Hashable, Sendable {
        case imported
        /// Not ours (our own route): no refusal.
        case ignored
        case refused(containing: String)
    }

    struct ImportCase: NamedRow {
        var name: String
        var local: VTEP
        var remote: VTEP
        var outcome: Outcome
    }

    static let importCases: [ImportCase] = [
        ImportCase(name: "IPv6 host, IPv6 next hop", local: v6Local, remote: v6Remote, outcome: .imported),
        ImportCase(name: "IPv4 host, IPv4 next hop", local: v4Local, remote: v4Remote, outcome: .imported),
        ImportCase(name: "IPv6 host, its own route", local: v6Local, remote: v6Local, outcome: .ignored),
        ImportCase(name: "IPv6 host, IPv4 next hop: refused", local: v6Local, remote: v4Remote,
                   outcome: .refused(containing: "its VTEP 10.9.9.3 is IPv4 and ours (fd00:9::2) is IPv6")),
        ImportCase(name: "IPv4 host, IPv6 next hop: refused", local: v4Local, remote: v6Remote,
                   outcome: .refused(containing: "its VTEP fd00:9::3 is IPv6 and ours (10.9.9.2) is IPv4")),
    ]

    /// The remote host's type-2 route (c3, with its IP) and type-3 route, as it advertises them.
    static func routes(from vtep: VTEP) -> [EVPNPath] {
        let c3 = Endpoint(vni: S.vni10, mac: S.mac(3), ipv4: [S.ip(3)], location: .local(port: 1))
        return EVPNRoutes.advertisements(endpoints: [c3], instances: [instance], vtep: vtep,
                                         routeDistinguisher: IPv4Address(192, 0, 2, 3))
    }

    @Test("the route's VTEP family against ours", arguments: importCases)
    func importing(_ test: ImportCase) {
        let paths = Self.routes(from: test.remote)
        var remote = RemoteRoutes(instances: [Self.instance], localVTEP: test.local)
        var refused: [String] = []
        for path in paths { refused += remote.apply(path.route, path).refused.map(\.reason) }
        let reference = EVPNRoutes.remoteEndpoints(from: paths, instances: [Self.instance], localVTEP: test.local)
        let referenceFlood = EVPNRoutes.floodList(from: paths, instances: [Self.instance], localVTEP: test.local)
        switch test.outcome {
        case .imported:
            #expect(refused.isEmpty)
            #expect(remote.endpoints == [Endpoint(vni: S.vni10, mac: S.mac(3), ipv4: [S.ip(3)], location: .remote(vtep: test.remote))])
            #expect(remote.floodList(S.vni10) == [test.remote])
        case .ignored:
            #expect(refused.isEmpty)
            #expect(remote.endpoints.isEmpty && remote.floodList(S.vni10).isEmpty)
        case let .refused(reason):
            // Both routes (type 2 and type 3) refused, each with the reason.
            #expect(refused.count == 2 && refused.allSatisfy { $0.contains(reason) }, "\(refused)")
            #expect(remote.endpoints.isEmpty && remote.floodList(S.vni10).isEmpty && remote.routeCount == 0)
        }
        #expect(reference == remote.endpoints)
        #expect((referenceFlood[S.vni10] ?? []) == remote.floodList(S.vni10))
    }

    @Test("an IPv6 host advertises its VTEP as the 16-octet next hop, the PMSI endpoint and the originating router; its RDs hold the router id")
    func advertisements() {
        let paths = Self.routes(from: Self.v6Remote)
        #expect(paths.count == 2)
        for path in paths {
            #expect(path.nextHop == .v6(IPv6Address("fd00:9::3")!))
            #expect(path.nextHop?.bytes.count == 16)
        }
        guard case let .macIPAdvertisement(type2) = paths[0].route, case let .inclusiveMulticastEthernetTag(type3) = paths[1].route else {
            Issue.record("not a type-2 and a type-3 route: \(paths.map(\.route))")
            return
        }
        #expect(type2.rd == .ipv4(IPv4Address(192, 0, 2, 3), 10) && type3.rd == type2.rd)
        #expect(type3.originatingRouter == .v6(IPv6Address("fd00:9::3")!))
        #expect(paths[1].attributes.pmsiTunnel?.tunnelEndpoint == .v6(IPv6Address("fd00:9::3")!))
    }

    struct FlowCase: NamedRow {
        var name: String
        var hosts: [SeedTopology.Host]
        /// The actions OVS prints for goplane1's forward flow to c3 (on goplane2).
        var forward: String
    }

    static let flowCases = [
        FlowCase(name: "IPv4 underlay: tun_dst", hosts: S.hosts,
                 forward: "actions=set_field:0xa->tun_id,set_field:10.9.9.3->tun_dst,output:100"),
        FlowCase(name: "IPv6 underlay: tun_ipv6_dst", hosts: S.ipv6Hosts,
                 forward: "actions=set_field:0xa->tun_id,set_field:fd00:9::3->tun_ipv6_dst,output:100"),
    ]

    @Test("the forward flow to a remote endpoint, as OVS prints it",
          .enabled(if: OVSFlowText.ovsOfctl != nil, "ovs-ofctl (openvswitch-common) is not installed"), arguments: flowCases)
    func forwardFlow(_ test: FlowCase) throws {
        let state = S.state(of: test.hosts[0], among: test.hosts)
        let flow = try #require(Pipeline.flows(for: state).entries.first { entry in
            entry.key.match[.ethDst] == OXMField(.ethDst, S.mac(3).rawValue)
                && entry.key.match[.metadata] == OXMField(.metadata, 10) && entry.key.tableID == Pipeline.Table.forward
                && entry.key.priority == 100
        })
        let text = try OVSFlowText.lines([flow.flowMod(.add)])
        #expect(text.count == 1 && text[0].hasSuffix(test.forward), "\(text)")
    }

    @Test("the flood group's buckets towards IPv6 VTEPs, as OVS prints them",
          .enabled(if: OVSFlowText.ovsOfctl != nil, "ovs-ofctl (openvswitch-common) is not installed"))
    func floodGroup() throws {
        var state = S.state(of: S.ipv6Hosts[0], among: S.ipv6Hosts)
        state.ingressReplication = [S.vni11: S.ipv6Hosts.dropFirst().map(\.vtep)]
        let groups = Pipeline.groups(for: state)
        let text = try OVSFlowText.lines(messages: groups.entries.map { $0.message(.add) })
        let id = FloodGroup.everywhere.id(S.vni11)
        #expect(text.first == "ADD group_id=\(id),type=all,bucket=actions=output:2,"
            + "bucket=actions=set_field:0xb->tun_id,set_field:fd00:9::3->tun_ipv6_dst,output:100,"
            + "bucket=actions=set_field:0xb->tun_id,set_field:fd00:9::4->tun_ipv6_dst,output:100", "\(text)")
    }

    @Test("a trace of c1 to c3 over the IPv6 underlay ends in the tunnel towards fd00:9::3")
    func trace() {
        let state = S.state(of: S.ipv6Hosts[0], among: S.ipv6Hosts)
        let packet = TracePacket.ipv4(inPort: 1, from: S.mac(2), to: S.mac(3), source: S.ip(2), destination: S.ip(3))
        let result = PacketTrace.run(packet, in: state)
        #expect(result.verdict == .output(.tunnel(vni: 10, vtep: .v6(IPv6Address("fd00:9::3")!), port: 100)), "\(result.verdict)")
    }
}
