import OpenFlow
import OpenFlowTables
import Overlay
import Packets
import Testing
import TestSupport

/// Each tenant's copies of unknown-source frames to the
/// controller go through a meter of its own, on the controller action (the
/// copy), never as a meter instruction (the frame itself would be dropped).
@Suite("Pipeline: gleaning copies metered per tenant")
struct GleaningMeterTests {
    @Test func eachTenantHasItsMeter() throws {
        var state = SeedTopology.state(of: SeedTopology.hosts[0])
        state.addressResolutionRate = 50
        let flows = Pipeline.flows(for: state).entries
        var meters: [VNI: UInt32] = [:]
        for (index, vni) in [SeedTopology.vni10, SeedTopology.vni11].enumerated() {
            let flow = try #require(flows.first { $0.cookie == FlowCookie(.sourceUnknown, vni: vni).cookie }, "VNI \(vni)")
            #expect(flow.key.match == Match([OXMField(.metadata, UInt64(vni.rawValue))]))
            #expect(flow.instructions == [
                .applyActions([.nicira(.controller2(NXController2(maxLength: Pipeline.packetInLength, meterID: GleaningMeter.id(index: index))))]),
                .gotoTable(Pipeline.Table.addressResolution),
            ])
            meters[vni] = GleaningMeter.id(index: index)
        }
        #expect(Set(meters.values).count == 2, "one meter each")
        let table = Pipeline.meters(for: state).entries
        for id in meters.values { #expect(table.contains(MeterEntry.dropping(id: id, packetsPerSecond: 50, burst: 50))) }
        #expect(!table.map(\.id).contains(AddressResolutionMeter.id) || Set(table.map(\.id)).count == table.count)
        // Without a rate: the one unmetered copy, no meter.
        state.addressResolutionRate = nil
        #expect(Pipeline.flows(for: state).entries.filter { FlowCookie(cookie: $0.cookie)?.role == .sourceUnknown }.count == 1)
        #expect(Pipeline.meters(for: state).entries.isEmpty)
    }

    @Test func idsStayInTheMeterSpace() {
        #expect(GleaningMeter.id(index: 0) != AddressResolutionMeter.id)
        #expect(GleaningMeter.id(index: 10_000) == GleaningMeter.id(index: 253))
        #expect(IDSpace.swiftplaneMeters.contains(GleaningMeter.id(index: 253)))
    }
}

/// Port security's flows in table 10, per secured port and endpoint.
@Suite("Pipeline: port security")
struct PortSecurityPipelineTests {
    static let vni = SeedTopology.vni10
    static let mac = EthernetAddress(0x02, 0, 0, 0, 0, 0x0a)
    static let ip = IPv4Address(10, 77, 0, 1)
    static let ip6 = IPv6Address("fd77::1")!

    static func flows(_ endpoint: Endpoint, secured: Bool) -> [FlowEntry] {
        let state = BridgeState(vxlanPort: 100, ports: [1: vni], endpoints: [endpoint], securedPorts: secured ? [1] : [])
        return Pipeline.flows(for: state).entries.filter { $0.key.tableID == Pipeline.Table.source }
    }

    static func roles(_ flows: [FlowEntry]) -> [FlowRole: Int] {
        flows.reduce(into: [:]) { $0[FlowCookie(cookie: $1.cookie)!.role, default: 0] += 1 }
    }

    struct Case: NamedRow {
        var name: String
        var ipv4: [IPv4Address]
        var ipv6: [IPv6Address]
        /// Allow and drop flows of the endpoint (the port's drop flow comes on top).
        var allowed: Int
        var dropped: Int
    }

    static let cases = [
        Case(name: "MAC only: the port's drop, nothing per address", ipv4: [], ipv6: [], allowed: 0, dropped: 0),
        Case(name: "one IPv4: ARP from it or 0.0.0.0, IPv4 from it, DHCP discover; ARP and IPv4 dropped", ipv4: [ip], ipv6: [],
             allowed: 4, dropped: 2),
        Case(name: "one IPv6: from it, ::, fe80::/10; IPv6 dropped", ipv4: [], ipv6: [ip6], allowed: 3, dropped: 1),
        Case(name: "both", ipv4: [ip, IPv4Address(10, 77, 0, 9)], ipv6: [ip6], allowed: 6 + 3, dropped: 3),
    ]

    @Test(arguments: cases)
    func flowsPerEndpoint(_ test: Case) {
        let endpoint = Endpoint(vni: Self.vni, mac: Self.mac, ipv4: test.ipv4, ipv6: test.ipv6, location: .local(port: 1))
        let open = Self.roles(Self.flows(endpoint, secured: false))
        let secured = Self.flows(endpoint, secured: true)
        let roles = Self.roles(secured)
        #expect(open[.sourceAllowed] == nil && open[.dropSpoofed] == nil)
        #expect(roles[.sourceAllowed] ?? 0 == test.allowed)
        #expect(roles[.dropSpoofed] ?? 0 == test.dropped + 1)
        // Everything else of the table is as without port security.
        #expect(roles.filter { $0.key != .sourceAllowed && $0.key != .dropSpoofed } == open)
        // Each allow flow is its endpoint's, above the family's drop, and goes on to address resolution.
        for flow in secured where FlowCookie(cookie: flow.cookie)?.role == .sourceAllowed {
            #expect(flow.key.match[.ethSrc]?.integerValue == Self.mac.rawValue && flow.key.match[.inPort]?.integerValue == 1)
            #expect(flow.key.priority == 105 && flow.instructions == [.gotoTable(Pipeline.Table.addressResolution)])
        }
        // The port's own drop: below the endpoint's source flow, above the gleaning copy.
        let portDrop = secured.filter { $0.key.priority == 90 }
        #expect(portDrop.count == 1 && portDrop[0].instructions.isEmpty)
    }

    @Test func aSecuredPortOutsideTheTenantsHasNoFlows() {
        let state = BridgeState(vxlanPort: 100, ports: [1: Self.vni], securedPorts: [7])
        #expect(!Pipeline.flows(for: state).entries.contains { FlowCookie(cookie: $0.cookie)?.role == .dropSpoofed })
    }
}

/// `PacketTrace` (what `swiftplanectl trace` runs) follows port security on
/// goplane1 with both its ports secured.
@Suite("PacketTrace: port security")
struct PortSecurityTraceTests {
    typealias S = SeedTopology
    static var secured: BridgeState {
        var state = S.state(of: S.hosts[0])
        state.securedPorts = [1, 2]
        return state
    }
    static let stranger = EthernetAddress(0x02, 0x42, 0xc0, 0xa8, 0x00, 0x09)
    static let toC3 = TraceVerdict.output(.tunnel(vni: 10, vtep: .v4(IPv4Address(10, 9, 9, 3)), port: 100))

    struct Case: NamedRow {
        var name: String
        var packet: TracePacket
        var roles: [FlowRole]
        var verdict: TraceVerdict
    }

    static let cases = [
        Case(name: "c1 to c3 from its own address: on", packet: .ipv4(inPort: 1, from: S.mac(2), to: S.mac(3), source: S.ip(2), destination: S.ip(3)),
             roles: [.classifyPort, .sourceAllowed, .addressResolutionMiss, .forwardRemote], verdict: toC3),
        Case(name: "c1 asks for c3 as itself: answered", packet: .arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(2), target: S.ip(3)),
             roles: [.classifyPort, .sourceAllowed, .arpResponder], verdict: .output(.arpReply(mac: S.mac(3), ip: S.ip(3), port: 1))),
        Case(name: "c1 from another address: dropped", packet: .ipv4(inPort: 1, from: S.mac(2), to: S.mac(3), source: S.ip(9), destination: S.ip(3)),
             roles: [.classifyPort, .dropSpoofed], verdict: .dropped(by: .dropSpoofed, vni: S.vni10)),
        Case(name: "c1 asking as c3's address: dropped", packet: .arpRequest(inPort: 1, mac: S.mac(2), sender: S.ip(3), target: S.ip(4)),
             roles: [.classifyPort, .dropSpoofed], verdict: .dropped(by: .dropSpoofed, vni: S.vni10)),
        Case(name: "another MAC on c2's port: dropped, not gleaned",
             packet: .ipv4(inPort: 2, from: stranger, to: S.mac(4), source: S.ip(2), destination: S.ip(4)),
             roles: [.classifyPort, .dropSpoofed], verdict: .dropped(by: .dropSpoofed, vni: S.vni11)),
    ]

    @Test(arguments: cases)
    func trace(_ test: Case) {
        let result = PacketTrace.run(test.packet, in: Self.secured)
        #expect(result.steps.compactMap(\.role?.role) == test.roles, "\(result.steps)")
        #expect(result.verdict == test.verdict)
    }
}
