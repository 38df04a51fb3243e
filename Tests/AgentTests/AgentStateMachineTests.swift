import Agent
import BGP
import OpenFlow
import OpenFlowTables
import Overlay
import Packets
import Testing
import TestSupport

/// The agent as a state machine, without sockets: switches matched to
/// bridges, the start-up deferral, the VXLAN port verdict, and the flows
/// each switch is given, checked against the full pipeline.
@Suite("AgentStateMachine: events in, effects out")
struct AgentStateMachineTests {
    static let instances = AgentIncrementalTests.instances
    static let settings = AgentCore.Settings(
        vtep: localVTEP, tenants: instances.map { .init(instance: $0, ingressReplication: $0.vni.rawValue == 11) },
        vxlanPorts: ["br0": 100, "br1": 200])
    /// br0 is read from OVSDB (its id reported there), br1 has a configured id.
    static let bridges = [BridgeIdentity(name: "br0", readFromDatabase: true), BridgeIdentity(name: "br1", datapathID: 0xB1)]

    static func machine(reflectors: Bool = true) -> AgentStateMachine {
        AgentStateMachine(core: AgentCore(settings: settings), bridges: bridges,
                          deferral: SelectionDeferral(bridgesFromDatabase: ["br0"], waitsForRoutes: reflectors,
                                                      localWait: .seconds(5), routesWait: .seconds(60)),
                          advertises: reflectors, startedAt: start)
    }

    static let start = ContinuousClock.now

    static func notices(_ effects: [AgentStateMachine.Effect]) -> [String] {
        effects.compactMap { if case let .notice(n) = $0 { "\(n)" } else { nil } }
    }

    static func has(_ effects: [AgentStateMachine.Effect], _ wanted: (AgentStateMachine.Effect) -> Bool) -> Bool {
        effects.contains(where: wanted)
    }

    static func isPush(_ e: AgentStateMachine.Effect) -> Bool { if case .pushFlows = e { true } else { false } }
    static func isDial(_ e: AgentStateMachine.Effect) -> Bool { if case .dialReflectors = e { true } else { false } }
    static func isAdvertise(_ e: AgentStateMachine.Effect) -> Bool { if case .advertise = e { true } else { false } }

    static func ports(_ vni: Int, mac: Int) -> AgentCore.PortSnapshot {
        let v = VNI(rawValue: UInt32(vni))!
        return AgentCore.PortSnapshot(ports: [1: v], endpoints: [
            Endpoint(vni: v, mac: AgentIncrementalTests.mac(mac), ipv4: [IPv4Address(192, 168, 0, UInt8(mac + 1))], location: .local(port: 1))])
    }

    @Test("start-up: nothing programmed or advertised before the local ports are read; dial, then reconcile at End-of-RIB")
    func startUp() {
        var m = Self.machine()
        #expect(Self.notices(m.handle(.switchConnected(datapathID: 0xB1), at: Self.start)) == ["switchUp(datapathID: 00000000000000b1, bridge: \"br1\")"])
        #expect(m.takeFlowWork().isEmpty, "before the deferral ends no flow goes out")
        let early = m.handle(.startupTick(routesReceived: true), at: Self.start + .seconds(1))
        #expect(!Self.has(early, Self.isDial) && !Self.has(early, Self.isAdvertise), "\(early)")
        // br0's ports read: local endpoints known, so they are advertised, and the next tick dials.
        let read = m.handle(.databaseRead(bridge: "br0", datapathID: 0xA0, ports: Self.ports(10, mac: 1), tunnelProblem: nil),
                            at: Self.start + .seconds(2))
        #expect(Self.has(read, Self.isAdvertise) && !Self.has(read, Self.isDial), "\(read)")
        // The routes before the flows: the other hosts start while this one computes.
        #expect(Self.has(read, Self.isPush))
        #expect((read.firstIndex(where: Self.isAdvertise) ?? .max) < (read.firstIndex(where: Self.isPush) ?? .max), "\(read)")
        let dial = m.handle(.startupTick(routesReceived: true), at: Self.start + .seconds(2))
        #expect(Self.has(dial, Self.isDial) && !Self.has(dial, Self.isAdvertise), "dialled, the routes unchanged: \(dial)")
        #expect(m.takeFlowWork().isEmpty, "End-of-RIB counted only from the tick after dialling")
        let settle = m.handle(.startupTick(routesReceived: true), at: Self.start + .seconds(3))
        #expect(Self.has(settle) { if case .notice(.settled(.complete, switches: 1)) = $0 { true } else { false } }, "\(settle)")
        #expect(Self.has(settle, Self.isPush))
        let work = m.takeFlowWork()
        #expect(work.count == 1)
        guard case let .replace(dpid, bridge, tables)? = work.first else { Issue.record("\(work)"); return }
        #expect(dpid == 0xB1 && bridge == "br1" && tables.flows == Pipeline.flows(for: m.core.bridgeState("br1")!))
        #expect(m.takeFlowWork().isEmpty, "nothing changed since")
        // Nothing changed: no second advertisement.
        let again = m.handle(.portsChanged(bridge: "br0", ports: Self.ports(10, mac: 1), tunnelProblem: nil), at: Self.start + .seconds(4))
        #expect(!Self.has(again, Self.isAdvertise), "\(again)")
    }

    struct BindingCase: NamedRow {
        var name: String
        var bridges: [BridgeIdentity]
        var connect: [DatapathID]
        var reports: [(bridge: String, datapath: DatapathID?)]
        var expected: [DatapathID: String]
    }

    static let bindingCases: [BindingCase] = [
        BindingCase(name: "configured id", bridges: bridges, connect: [0xB1], reports: [], expected: [0xB1: "br1"]),
        BindingCase(name: "id reported by OVSDB after the connect", bridges: bridges, connect: [0xA0],
                    reports: [("br0", 0xA0)], expected: [0xA0: "br0"]),
        BindingCase(name: "an unknown switch stays unmatched", bridges: bridges, connect: [0xA0, 0xCC],
                    reports: [("br0", 0xA0)], expected: [0xA0: "br0"]),
        BindingCase(name: "a lone bridge without ids takes any switch", bridges: [BridgeIdentity(name: "br0")], connect: [0x77],
                    reports: [], expected: [0x77: "br0"]),
        BindingCase(name: "a lone bridge stops taking a switch once OVSDB names another id",
                    bridges: [BridgeIdentity(name: "br0", readFromDatabase: true)], connect: [0x77],
                    reports: [("br0", 0x78)], expected: [:]),
        BindingCase(name: "a reported id that changes moves the match", bridges: bridges, connect: [0xA0, 0xA1],
                    reports: [("br0", 0xA0), ("br0", 0xA1)], expected: [0xA1: "br0"]),
    ]

    @Test("switches matched to bridges", arguments: bindingCases)
    func binding(_ c: BindingCase) {
        var binding = SwitchBinding(bridges: c.bridges)
        for dpid in c.connect { _ = binding.connect(dpid) }
        for (bridge, datapath) in c.reports { _ = binding.report(datapath, of: bridge) }
        #expect(binding.bridgeOf == c.expected)
    }

    @Test("a refused VXLAN port takes the tunnel out of the switch's table, and a fix puts it back")
    func tunnelVerdict() throws {
        var m = Self.machine(reflectors: false)
        _ = m.handle(.databaseRead(bridge: "br0", datapathID: 0xA0, ports: Self.ports(10, mac: 1), tunnelProblem: nil), at: Self.start)
        _ = m.handle(.switchConnected(datapathID: 0xA0), at: Self.start)
        _ = m.handle(.startupTick(routesReceived: false), at: Self.start + .seconds(1))
        var g = SplitMix64(state: 7)
        let remote = AgentIncrementalTests.route(&g)
        _ = m.handle(.routesChanged([(remote.route, remote)]), at: Self.start + .seconds(1))
        _ = m.takeFlowWork()
        let refused = m.handle(.databaseRead(bridge: "br0", datapathID: 0xA0, ports: Self.ports(10, mac: 1), tunnelProblem: "type is internal"),
                               at: Self.start + .seconds(2))
        #expect(Self.notices(refused).contains("tunnelRefused(bridge: \"br0\", problem: \"type is internal\")"), "\(refused)")
        guard case let .replace(_, _, without)? = m.takeFlowWork().first else { Issue.record("no whole table after the verdict"); return }
        #expect(!without.flows.entries.contains { TunnelRefusal.isTunnelFlow($0, vxlanPort: 100) })
        let fixed = m.handle(.databaseRead(bridge: "br0", datapathID: 0xA0, ports: Self.ports(10, mac: 1), tunnelProblem: nil),
                             at: Self.start + .seconds(3))
        #expect(Self.notices(fixed).contains("tunnelVerified(bridge: \"br0\", vxlanPort: 100)"), "\(fixed)")
        guard case let .replace(_, _, with)? = m.takeFlowWork().first else { Issue.record("no whole table after the fix"); return }
        #expect(with.flows == Pipeline.flows(for: try #require(m.core.bridgeState("br0"))))
        #expect(with.flows.entries.contains { TunnelRefusal.isTunnelFlow($0, vxlanPort: 100) })
    }

    @Test("every source not gleaned is counted, each reason said once while it lasts")
    func gleanRefusalsCounted() {
        let settings = AgentCore.Settings(vtep: localVTEP, tenants: [.init(instance: Self.instances[0])], vxlanPorts: ["br0": 100],
                                          maximumGleanedPerVNI: 8)
        var m = AgentStateMachine(core: AgentCore(settings: settings), bridges: [BridgeIdentity(name: "br0")],
                                  deferral: SelectionDeferral(bridgesFromDatabase: [], waitsForRoutes: false, localWait: .zero, routesWait: .zero),
                                  advertises: false, startedAt: Self.start)
        _ = m.handle(.portsChanged(bridge: "br0", ports: .init(ports: [1: Self.instances[0].vni]), tunnelProblem: nil), at: Self.start)
        _ = m.handle(.switchConnected(datapathID: 1), at: Self.start)
        var counted = 0
        var reasons: [String] = []
        for n in 0..<50 {
            let mac = EthernetAddress(rawValue: 0x0200_0000_1000 + UInt64(n))
            for case let .notice(.gleansRefused(count, said)) in m.handle(.packetIn(datapathID: 1, arp(from: mac, port: 1,
                                                                                                         address: IPv4Address(rawValue: 0x0a00_1000 + UInt32(n)))),
                                                                           at: Self.start) {
                counted += count
                reasons += said
            }
        }
        #expect(counted == 42 && m.core.refusedGleanCount == 42)
        #expect(reasons.count == 1, "\(reasons)")
    }

    /// Random events; after each, every connected switch's table (as built
    /// from the machine's flow work, whole tables and changes) equals the
    /// full pipeline of its bridge, tunnel refusal included.
    @Test("every switch's table equals the full pipeline after random events", arguments: 1...6)
    func randomEvents(seed: UInt64) throws {
        var g = SplitMix64(state: seed)
        var m = Self.machine(reflectors: false)
        var switches: [DatapathID: FlowTable] = [:]
        var held: [EVPNRoute: EVPNPath] = [:]
        var now = Self.start
        let datapaths: [DatapathID] = [0xA0, 0xB1, 0xCC]
        for step in 0..<150 {
            now += .milliseconds(200)
            switch Int.random(in: 0..<10, using: &g) {
            case 0:
                let dpid = datapaths.randomElement(using: &g)!
                if switches[dpid] == nil || Bool.random(using: &g) {
                    _ = m.handle(.switchConnected(datapathID: dpid), at: now)
                    switches[dpid] = FlowTable()
                } else {
                    _ = m.handle(.switchDisconnected(datapathID: dpid), at: now)
                    switches[dpid] = nil
                }
            case 1..<3:
                let bridge = ["br0", "br1"].randomElement(using: &g)!
                let problem = Int.random(in: 0..<4, using: &g) == 0 ? "remote_ip is fixed" : nil
                let ports = AgentIncrementalTests.ports(&g)
                if bridge == "br0" {
                    _ = m.handle(.databaseRead(bridge: bridge, datapathID: Bool.random(using: &g) ? 0xA0 : 0xCC, ports: ports,
                                               tunnelProblem: problem), at: now)
                } else {
                    _ = m.handle(.portsChanged(bridge: bridge, ports: ports, tunnelProblem: problem), at: now)
                }
            default:
                _ = m.handle(.routesChanged(AgentIncrementalTests.routeChanges(&g, held: &held)), at: now)
            }
            _ = m.handle(.startupTick(routesReceived: false), at: now)
            for work in m.takeFlowWork() {
                switch work {
                case let .replace(dpid, _, tables): switches[dpid] = tables.flows
                case let .update(dpid, update): switches[dpid]?.apply(update.flows)
                }
            }
            guard m.deferral.mayProgramSwitches else { continue }
            for (dpid, bridge) in m.binding.bridgeOf {
                var wanted = Pipeline.tables(for: try #require(m.core.bridgeState(bridge)))
                if m.tunnelProblems[bridge] != nil { wanted = TunnelRefusal.tables(wanted, vxlanPort: Self.settings.vxlanPorts[bridge]!) }
                let held = switches[dpid] ?? FlowTable()
                #expect(held == wanted.flows, "seed \(seed) step \(step) \(bridge): \(AgentIncrementalTests.difference(held, wanted.flows))")
                if held != wanted.flows { return }
            }
        }
    }
}
