import Agent
import BGP
import OpenFlowController
import Overlay
import Packets
import Testing
import TestSupport

@Suite("AgentCore: flow updates taken change by change equal the full pipeline")
struct AgentIncrementalTests {
    static let instances = [VNI(rawValue: 10)!, VNI(rawValue: 11)!].map { EVPNInstance.automatic(vni: $0, asn: 65000)! }
    static let vteps: [VTEP] = [.v4(IPv4Address(10, 0, 0, 2)), .v4(IPv4Address(10, 0, 0, 3)), localVTEP]

    static func mac(_ n: Int) -> EthernetAddress { EthernetAddress(0x02, 0, 0, 0, 0, UInt8(n + 1)) }

    static func route(_ g: inout SplitMix64) -> EVPNPath {
        let instance = instances.randomElement(using: &g)!
        let vtep = vteps.randomElement(using: &g)!
        if Int.random(in: 0..<6, using: &g) == 0 {
            return EVPNRoutes.advertisements(endpoints: [], instances: [instance], vtep: vtep)[0]
        }
        let endpoint = Endpoint(vni: instance.vni, mac: mac(Int.random(in: 0..<5, using: &g)),
                                ipv4: Bool.random(using: &g) ? [IPv4Address(192, 168, 0, UInt8.random(in: 1...3, using: &g))] : [],
                                location: .local(port: 9))
        let sequence = UInt32.random(in: 0...2, using: &g)
        return EVPNRoutes.advertisements(endpoints: [endpoint], instances: [instance], vtep: vtep,
                                         mobility: sequence > 0 ? [endpoint.key: sequence] : [:])[0]
    }

    /// One to four random announcements or withdrawals of what `held` holds; `held` follows.
    static func routeChanges(_ g: inout SplitMix64, held: inout [EVPNRoute: EVPNPath]) -> [(route: EVPNRoute, path: EVPNPath?)] {
        var changes: [(route: EVPNRoute, path: EVPNPath?)] = []
        for _ in 0..<Int.random(in: 1...4, using: &g) {
            if !held.isEmpty, Bool.random(using: &g) {
                let route = held.keys.randomElement(using: &g)!
                held[route] = nil
                changes.append((route, nil))
            } else {
                let path = route(&g)
                held[path.route] = path
                changes.append((path.route, path))
            }
        }
        return changes
    }

    static func ports(_ g: inout SplitMix64) -> AgentCore.PortSnapshot {
        var snapshot = AgentCore.PortSnapshot()
        for port in UInt32(1)...3 where Bool.random(using: &g) {
            let vni = instances.randomElement(using: &g)!.vni
            snapshot.ports[port] = vni
            if Bool.random(using: &g) {
                snapshot.endpoints.append(Endpoint(vni: vni, mac: mac(Int.random(in: 0..<5, using: &g)),
                                                   ipv4: [IPv4Address(192, 168, 0, UInt8.random(in: 1...3, using: &g))],
                                                   location: .local(port: port)))
            }
        }
        return snapshot
    }

    @Test("random ports, route changes, whole route sets, gleaning, port security and reloads", arguments: 1...8)
    func randomEvents(seed: UInt64) throws {
        var g = SplitMix64(state: seed)
        let settings = AgentCore.Settings(vtep: localVTEP, tenants: Self.instances.map { .init(instance: $0, ingressReplication: $0.vni.rawValue == 11) },
                                          vxlanPorts: ["br0": 100])
        var agent = AgentCore(settings: settings)
        var held: [EVPNRoute: EVPNPath] = [:]
        var installed = FlowTable()
        for step in 0..<120 {
            switch Int.random(in: 0..<11, using: &g) {
            case 0..<2:
                agent.setPorts(Self.ports(&g), bridge: "br0")
            case 2..<7:
                let changes = Self.routeChanges(&g, held: &held)
                agent.applyReceivedRoutes(changes, at: .now)
            case 7..<9:
                for route in held.keys where Bool.random(using: &g) { held[route] = nil }
                agent.setReceivedRoutes(Array(held.values), at: .now)
            case 9:
                var next = settings
                next.addressResolutionRate = Bool.random(using: &g) ? 50 : nil
                next.portSecurity = Bool.random(using: &g) ? ["br0"] : []
                agent.reconfigure(next, received: Array(held.values))
                // As the daemon does: the reloaded file's ports and endpoints follow.
                if Bool.random(using: &g) { agent.setPorts(Self.ports(&g), bridge: "br0") }
            default:
                // A source seen on a port: gleaned, moved, or refused on a secured port.
                let frame = FrameBuilder.arpRequest(senderHardwareAddress: Self.mac(Int.random(in: 0..<5, using: &g)),
                                                    senderAddress: IPv4Address(192, 168, 0, UInt8.random(in: 1...3, using: &g)),
                                                    target: IPv4Address(192, 168, 0, 254))
                _ = agent.handlePacketIn(packetIn(frame, port: UInt32.random(in: 1...3, using: &g)), bridge: "br0", at: .now)
            }
            let update = agent.takeFlowUpdates()["br0"]
            if let update { installed.apply(update.flows) }
            let state = try #require(agent.bridgeState("br0"))
            let full = Pipeline.flows(for: state)
            #expect(installed == full, "seed \(seed) step \(step): \(Self.difference(installed, full))")
            #expect(agent.tables("br0")?.flows == full, "seed \(seed) step \(step): a switch connecting now")
            if let update { #expect(update.groups == Pipeline.groups(for: state)) }
            if installed != full { return }
        }
    }

    /// A SIGHUP that changes only the static endpoints (the churn drill's
    /// reload of 10,000) costs their flows, not the whole pipeline; one
    /// that changes a setting recomputes every flow.
    @Test("a reload with the same settings sends only the endpoints that changed", arguments: [false, true])
    func reloadSendsItsDelta(changeSetting: Bool) throws {
        let settings = AgentCore.Settings(vtep: localVTEP, tenants: Self.instances.map { .init(instance: $0) }, vxlanPorts: ["br0": 100])
        let vni = Self.instances[0].vni
        func endpoint(_ n: Int) -> Endpoint {
            Endpoint(vni: vni, mac: EthernetAddress(0x02, 0, 0, 0, UInt8(n >> 8), UInt8(n & 0xff)),
                     ipv4: [IPv4Address(192, 168, UInt8(n >> 8), UInt8(n & 0xff))], location: .local(port: 1))
        }
        var agent = AgentCore(settings: settings)
        var snapshot = AgentCore.PortSnapshot(ports: [1: vni], endpoints: (1...200).map(endpoint))
        agent.setPorts(snapshot, bridge: "br0")
        let before = try #require(agent.takeFlowUpdates()["br0"])
        #expect(before.complete)
        let table = try #require(agent.tables("br0")).flows

        snapshot.endpoints.removeFirst()
        snapshot.endpoints.append(endpoint(201))
        var next = settings
        if changeSetting { next.addressResolutionRate = 50 }
        agent.reconfigure(next)
        agent.setPorts(snapshot, bridge: "br0")
        let update = try #require(agent.takeFlowUpdates()["br0"])
        let full = Pipeline.flows(for: try #require(agent.bridgeState("br0")))
        var installed = table
        installed.apply(update.flows)
        #expect(installed == full, "\(Self.difference(installed, full))")
        #expect(update.complete == changeSetting)
        if !changeSetting {
            // Exactly the flows of the endpoint gone and of the one come.
            #expect(update.flows == FlowChanges(replacing: table, with: full))
            #expect(update.flows.count < 20, "\(update.flows.count) flow changes for two endpoints")
        }
    }

    static func difference(_ installed: FlowTable, _ full: FlowTable) -> String {
        let missing = full.entries.filter { installed[$0.key] != $0 }.map { "\($0.key) \(FlowCookie(cookie: $0.cookie).map { "\($0)" } ?? "")" }
        let extra = installed.entries.filter { full[$0.key] != $0 }.map { "\($0.key) \(FlowCookie(cookie: $0.cookie).map { "\($0)" } ?? "")" }
        return "missing or different: \(missing); extra or different: \(extra)"
    }
}
