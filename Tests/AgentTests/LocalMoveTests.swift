import Agent
import AgentConfiguration
import BGP
import NIOCore
import OpenFlow
import Overlay
import Packets
import Testing
import TestSupport

/// A frame from `mac` (an ARP request for 10.77.0.254) as a packet-in on `port`.
func arp(from mac: EthernetAddress, port: UInt32, address: IPv4Address = ipA) -> PacketIn {
    packetIn(FrameBuilder.arpRequest(senderHardwareAddress: mac, senderAddress: address, target: IPv4Address(10, 77, 0, 254)),
             port: port)
}

/// A local MAC move (the same (VNI, MAC) on another local
/// port) is a move as a remote's higher sequence is: the sequence we
/// advertise goes up, and duplicate detection counts it.
@Suite("Local MAC moves bump the mobility sequence and feed duplicate detection")
struct LocalMoveTests {
    static let key = EndpointKey(vni: vni, mac: macA)

    /// The sequence each route of `macA` we advertise carries (nil: none).
    static func advertised(_ agent: AgentCore) -> [UInt32?] {
        agent.advertisements.filter {
            if case let .macIPAdvertisement(route) = $0.route { route.mac == macA } else { false }
        }.map(mobility)
    }

    struct Case: NamedRow {
        var name: String
        /// The ports `macA` is seen on, in order.
        var ports: [UInt32]
        /// The sequence after each sighting (nil: none advertised).
        var sequences: [UInt32?]
    }

    static let cases = [
        Case(name: "seen on one port: no sequence", ports: [1, 1, 1], sequences: [nil, nil, nil]),
        Case(name: "port 1 -> 2: sequence 1", ports: [1, 2], sequences: [nil, 1]),
        Case(name: "1 -> 2 -> 1 -> 3: one per move", ports: [1, 2, 1, 3], sequences: [nil, 1, 2, 3]),
        Case(name: "seen again on the same port: no move", ports: [1, 2, 2, 2], sequences: [nil, 1, 1, 1]),
    ]

    @Test(arguments: cases)
    func gleanedMove(_ test: Case) {
        var agent = core(ports: [1: vni, 2: vni, 3: vni])
        let tick = SecondClock().tick
        for (port, sequence) in zip(test.ports, test.sequences) {
            _ = agent.handlePacketIn(arp(from: macA, port: port), bridge: "br0", at: tick())
            #expect(agent.mobilitySequence(Self.key) == sequence, "after port \(port)")
            #expect(Self.advertised(agent).allSatisfy { $0 == sequence }, "after port \(port): \(Self.advertised(agent))")
            #expect(agent.localEndpoints.first { $0.key == Self.key }?.location == .local(port: port))
        }
    }

    /// N=3: the 4th move between two local ports within the window freezes
    /// the MAC, as 4 moves between hosts would; from then on its sequence
    /// and its routes stay as they were.
    @Test func bouncingBetweenLocalPortsFreezes() {
        var agent = core(duplicates: .init(maximumMoves: 3, window: .seconds(180)))
        let tick = SecondClock().tick
        for port: UInt32 in [1, 2, 1, 2] {
            _ = agent.handlePacketIn(arp(from: macA, port: port), bridge: "br0", at: tick())
        }
        #expect(agent.frozenMACs.isEmpty)
        _ = agent.handlePacketIn(arp(from: macA, port: 1), bridge: "br0", at: tick())
        #expect(agent.takeNewlyFrozen().map(\.key) == [Self.key])
        #expect(agent.mobilitySequence(Self.key) == 4)
        let pinned = agent.advertisements
        _ = agent.handlePacketIn(arp(from: macA, port: 2), bridge: "br0", at: tick())
        #expect(agent.mobilitySequence(Self.key) == 4)
        #expect(agent.advertisements == pinned)
    }

    /// Moves spread over more than the window: never frozen.
    @Test func slowMovesDoNotFreeze() {
        var agent = core(duplicates: .init(maximumMoves: 1, window: .seconds(10)))
        let start = ContinuousClock.now
        for (n, port) in [1, 2, 1, 2, 1].enumerated() {
            _ = agent.handlePacketIn(arp(from: macA, port: UInt32(port)), bridge: "br0", at: start + .seconds(11 * n))
        }
        #expect(agent.frozenMACs.isEmpty)
        #expect(agent.mobilitySequence(Self.key) == 4)
    }

    /// Local after remote, then another local port: remote + 1, then + 2.
    @Test func remoteThenTwoLocalPorts() {
        var agent = core()
        let tick = SecondClock().tick
        agent.setReceivedRoutes(remoteRoutes(Endpoint(vni: vni, mac: macA, location: .remote(vtep: remoteVTEP)), sequence: 3), at: tick())
        _ = agent.handlePacketIn(arp(from: macA, port: 1), bridge: "br0", at: tick())
        #expect(agent.mobilitySequence(Self.key) == 4)
        _ = agent.handlePacketIn(arp(from: macA, port: 2), bridge: "br0", at: tick())
        #expect(agent.mobilitySequence(Self.key) == 5)
        #expect(!Self.advertised(agent).isEmpty && Self.advertised(agent).allSatisfy { $0 == 5 })
    }

    /// A configured (or OVSDB) endpoint that the orchestrator puts on another port.
    @Test func configuredEndpointOnAnotherPort() {
        let on1 = Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))
        var agent = core(endpoints: [on1])
        #expect(agent.mobilitySequence(Self.key) == nil)
        var on2 = on1
        on2.location = .local(port: 2)
        agent.setPorts(.init(ports: [1: vni, 2: vni], endpoints: [on2]), bridge: "br0", at: .now)
        #expect(agent.mobilitySequence(Self.key) == 1)
        // The same snapshot again: no move.
        agent.setPorts(.init(ports: [1: vni, 2: vni], endpoints: [on2]), bridge: "br0", at: .now)
        #expect(agent.mobilitySequence(Self.key) == 1)
    }
}

/// The gleaning limit is per tenant, so one tenant flooding
/// new source MACs does not stop learning for the others.
@Suite("Gleaning limits per VNI")
struct GleaningLimitTests {
    static let vni11 = VNI(rawValue: 11)!

    @Test func oneTenantAtItsLimitDoesNotStopAnother() {
        var agent = AgentCore(settings: .init(vtep: localVTEP, tenants: [.init(instance: instance),
                                                                          .init(instance: EVPNInstance.automatic(vni: Self.vni11, asn: 65000)!)],
                                              vxlanPorts: ["br0": 100], maximumGleanedPerVNI: 8))
        agent.setPorts(.init(ports: [1: vni, 2: Self.vni11]), bridge: "br0")
        for n in 0..<50 {
            let mac = EthernetAddress(rawValue: 0x0200_0000_1000 + UInt64(n))
            _ = agent.handlePacketIn(arp(from: mac, port: 1, address: IPv4Address(rawValue: 0x0a00_1000 + UInt32(n))), bridge: "br0", at: .now)
        }
        let learned = agent.handlePacketIn(arp(from: macB, port: 2, address: ipB), bridge: "br0", at: .now).learned
        #expect(learned?.key == EndpointKey(vni: Self.vni11, mac: macB), "VNI 11 still learns")
        #expect(agent.localEndpoints.filter { $0.vni == vni }.count == 8)
        #expect(agent.refusedGleanCount == 42)
        // Said once while the tenant stays at its limit.
        #expect(agent.takeRefusedGleans() == ["VNI 10 is at its limit of 8 gleaned endpoints: new sources such as 02:00:00:00:10:08 on br0 are not gleaned"])
        // A known source of the full tenant is still refreshed (a new address).
        let known = EthernetAddress(rawValue: 0x0200_0000_1000)
        #expect(agent.handlePacketIn(arp(from: known, port: 1, address: IPv4Address(10, 0, 99, 1)), bridge: "br0", at: .now).learned != nil)
    }
}

/// Port security in the agent: nothing is gleaned on a secured port, and
/// the bridge state names the secured ports (the ports with configured or
/// OVSDB endpoints of a bridge under port security).
@Suite("Port security: the agent's part")
struct PortSecurityCoreTests {
    static let configured = Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))

    static func secured(_ on: Bool) -> AgentCore {
        var agent = AgentCore(settings: .init(vtep: localVTEP, tenants: [.init(instance: instance)], vxlanPorts: ["br0": 100],
                                              portSecurity: on ? ["br0"] : []))
        agent.setPorts(.init(ports: [1: vni, 2: vni], endpoints: [Self.configured]), bridge: "br0")
        return agent
    }

    /// `bridges[].port-security`, off by default.
    @Test func configuration() throws {
        let off = try AgentConfiguration.parse(yaml: base, file: "t.yaml")
        let on = try AgentConfiguration.parse(yaml: base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100\n    port-security: true"),
                                              file: "t.yaml")
        #expect(off.bridges.map(\.portSecurity) == [false] && on.bridges.map(\.portSecurity) == [true])
    }

    @Test(arguments: [false, true])
    func nothingIsGleanedOnASecuredPort(_ on: Bool) throws {
        var agent = Self.secured(on)
        let spoofer = EthernetAddress(0x02, 0, 0, 0, 0, 0x66)
        let onSecured = agent.handlePacketIn(arp(from: spoofer, port: 1, address: ipB), bridge: "br0", at: .now)
        #expect((onSecured.learned != nil) == !on)
        // Port 2 has no known endpoint: not secured, gleaning as usual.
        #expect(agent.handlePacketIn(arp(from: macB, port: 2, address: ipB), bridge: "br0", at: .now).learned?.mac == macB)
        #expect(try #require(agent.bridgeState("br0")).securedPorts == (on ? [1] : []))
        if on {
            #expect(agent.refusedGleanCount == 1)
            #expect(agent.takeRefusedGleans() == ["br0 VNI 10 02:00:00:00:00:66: port 1 is secured and 02:00:00:00:00:66 is not one of its endpoints"])
        }
    }

    /// Gleaned on a port before an endpoint was configured there: gone once it is.
    @Test func aPortThatBecomesSecuredDropsWhatWasGleanedThere() throws {
        var agent = AgentCore(settings: .init(vtep: localVTEP, tenants: [.init(instance: instance)], vxlanPorts: ["br0": 100],
                                              portSecurity: ["br0"]))
        agent.setPorts(.init(ports: [1: vni, 2: vni]), bridge: "br0")
        _ = agent.handlePacketIn(arp(from: macB, port: 1, address: ipB), bridge: "br0", at: .now)
        #expect(agent.gleanedKeys(bridge: "br0") == [EndpointKey(vni: vni, mac: macB)])
        agent.setPorts(.init(ports: [1: vni, 2: vni], endpoints: [Self.configured]), bridge: "br0")
        #expect(agent.gleanedKeys(bridge: "br0").isEmpty)
        #expect(agent.takeDroppedGleaned() == ["br0 VNI 10 02:00:00:00:00:02: port 1 is secured now"])
        _ = agent.takeFlowUpdates()
        let flows = try #require(agent.tables("br0")).flows
        #expect(flows == Pipeline.flows(for: try #require(agent.bridgeState("br0"))))
        #expect(flows.entries.contains { $0.cookie == FlowCookie(.dropSpoofed, vni: vni).cookie && $0.key.priority == 90 })
    }
}
