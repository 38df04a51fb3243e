import BGP
import OpenFlow
import OpenFlowController
import Overlay
import Packets
import Testing
import TestSupport

/// A tiny universe, so that IPs, MACs and ports collide often: two tenants,
/// four ports, six MACs, three IPv4 and two IPv6 addresses, three IPv4 and
/// three IPv6 VTEPs.
enum SmallUniverse {
    static let vnis = [VNI(rawValue: 10)!, VNI(rawValue: 11)!]
    static let vteps: [VTEP] = [.v4(IPv4Address(10, 9, 9, 2)), .v4(IPv4Address(10, 9, 9, 3)), .v4(IPv4Address(10, 9, 9, 4)),
                                .v6(IPv6Address("fd00:9::2")!), .v6(IPv6Address("fd00:9::3")!), .v6(IPv6Address("fd00:9::4")!)]

    static func mac(_ n: Int) -> EthernetAddress { EthernetAddress(0x02, 0, 0, 0, 0, UInt8(n + 1)) }
    static func ip(_ n: Int) -> IPv4Address { IPv4Address(192, 168, 0, UInt8(n + 1)) }
    static func ip6(_ n: Int) -> IPv6Address { IPv6Address(high: 0xfd00_0000_0000_0000, low: UInt64(n + 1)) }

    static func endpoint(_ g: inout SplitMix64) -> Endpoint {
        let vni = vnis.randomElement(using: &g)!
        let ips = (0..<3).filter { _ in Bool.random(using: &g) }.map(ip)
        let ips6 = (0..<2).filter { _ in Bool.random(using: &g) }.map(ip6)
        let location: EndpointLocation = Bool.random(using: &g)
            ? .local(port: UInt32.random(in: 1...4, using: &g)) : .remote(vtep: vteps.randomElement(using: &g)!)
        return Endpoint(vni: vni, mac: mac(Int.random(in: 0..<6, using: &g)), ipv4: ips, ipv6: ips6, location: location)
    }

    static func layout(_ g: inout SplitMix64) -> BridgeLayout {
        var ports: [UInt32: VNI] = [:]
        for port in UInt32(1)...4 where Int.random(in: 0..<3, using: &g) > 0 { ports[port] = vnis.randomElement(using: &g)! }
        var flooding: [VNI: [VTEP]] = [:]
        for vni in vnis where Bool.random(using: &g) { flooding[vni] = vteps.filter { _ in Int.random(in: 0..<3, using: &g) == 0 } }
        // Port security on some ports, some of them maybe not tenant ports.
        let secured = Set((UInt32(1)...5).filter { _ in Int.random(in: 0..<3, using: &g) == 0 })
        return BridgeLayout(vxlanPort: Int.random(in: 0..<8, using: &g) == 0 ? 101 : 100, ports: ports, ingressReplication: flooding,
                            addressResolutionRate: Bool.random(using: &g) ? 100 : nil, securedPorts: secured)
    }
}

@Suite("BridgeFlows: the incremental pipeline equals the full one after every change")
struct IncrementalPipelineTests {
    @Test("random changes: the flows the changes build equal Pipeline.flows of the same state", arguments: 1...24)
    func randomChanges(seed: UInt64) {
        var g = SplitMix64(state: seed)
        var reference = BridgeState(vxlanPort: 100)
        reference.layout = SmallUniverse.layout(&g)
        var incremental = BridgeFlows(state: reference)
        var installed = incremental.flows
        #expect(installed == Pipeline.flows(for: reference))
        for step in 0..<200 {
            var upserts: [Endpoint] = []
            var removals: [EndpointKey] = []
            var layout: BridgeLayout?
            switch Int.random(in: 0..<10, using: &g) {
            case 0..<5:
                upserts = (0..<Int.random(in: 1...3, using: &g)).map { _ in SmallUniverse.endpoint(&g) }
                // One change per key, as the agent gives them.
                upserts = Dictionary(upserts.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last }).values.sorted { $0.key < $1.key }
            case 5..<8:
                removals = reference.endpoints.keys.filter { _ in Int.random(in: 0..<3, using: &g) == 0 }
            case 8:
                layout = SmallUniverse.layout(&g)
            default:
                upserts = [SmallUniverse.endpoint(&g)]
                removals = reference.endpoints.keys.filter { $0 != upserts[0].key && Bool.random(using: &g) }
                layout = SmallUniverse.layout(&g)
            }
            for key in removals { reference.remove(key) }
            for endpoint in upserts { reference.upsert(endpoint) }
            if let layout { reference.layout = layout }

            let changes = incremental.apply(upserts: upserts, removals: removals, layout: layout)
            let previous = installed
            installed.apply(changes)
            let full = Pipeline.flows(for: reference)
            #expect(incremental.state == reference, "seed \(seed) step \(step): state")
            #expect(installed == full, "seed \(seed) step \(step): \(Self.difference(installed, full))")
            // A change names only flows that really change.
            let idle = changes.byKey.filter { key, entry in previous[key] == entry }.map { "\($0.key)" }
            #expect(idle.isEmpty, "seed \(seed) step \(step): unchanged flows sent: \(idle)")
            // The responders' address index finds what a scan of the state finds.
            for vni in SmallUniverse.vnis {
                for n in 0..<3 {
                    for ip in [IPAddress.v4(SmallUniverse.ip(n)), .v6(SmallUniverse.ip6(n))] {
                        let scanned = reference.endpoints.values.filter { endpoint in
                            guard endpoint.vni == vni else { return false }
                            switch ip {
                            case let .v4(address): return endpoint.ipv4.contains(address)
                            case let .v6(address): return endpoint.ipv6.contains(address)
                            }
                        }.sorted { $0.key < $1.key }
                        #expect(incremental.endpoints(vni: vni, holding: ip) == scanned, "seed \(seed) step \(step) VNI \(vni) \(ip)")
                    }
                }
            }
            if installed != full { return }
        }
        // A switch that connects now gets the same table.
        #expect(incremental.flows == installed)
    }

    @Test("one endpoint among many changes only its own flows")
    func proportional() {
        var state = BridgeState(vxlanPort: 100, ports: [1: SmallUniverse.vnis[0]])
        for n in 0..<1000 {
            state.upsert(Endpoint(vni: SmallUniverse.vnis[0], mac: EthernetAddress(rawValue: 0x0200_0000_0000 + UInt64(n)),
                                  ipv4: [IPv4Address(rawValue: 0x0a00_0000 + UInt32(n))], location: .remote(vtep: SmallUniverse.vteps[0])))
        }
        var flows = BridgeFlows(state: state)
        let mac = EthernetAddress(rawValue: 0x0200_0000_0000 + 7)
        let moved = Endpoint(vni: SmallUniverse.vnis[0], mac: mac, ipv4: [IPv4Address(rawValue: 0x0a00_0007)],
                             location: .remote(vtep: SmallUniverse.vteps[1]))
        // A move: the forward flow's tunnel destination, nothing else.
        #expect(flows.apply(upserts: [moved]).count == 1)
        // A removal: its forward flow and its ARP responder.
        #expect(flows.apply(removals: [moved.key]).count == 2)
        #expect(flows.apply(upserts: [moved]).count == 2)
        // The same again: nothing.
        #expect(flows.apply(upserts: [moved]).isEmpty)
    }

    static func difference(_ installed: FlowTable, _ full: FlowTable) -> String {
        let missing = full.entries.filter { installed[$0.key] != $0 }.map { "\($0.key)" }
        let extra = installed.entries.filter { full[$0.key] != $0 }.map { "\($0.key)" }
        return "missing or different: \(missing); extra or different: \(extra)"
    }
}

@Suite("RemoteRoutes: routes imported one by one equal the import of the whole set")
struct RemoteRoutesTests {
    static let instances = SmallUniverse.vnis.map { EVPNInstance.automatic(vni: $0, asn: 65000)! }
    static let foreign = EVPNInstance.automatic(vni: VNI(rawValue: 99)!, asn: 65000)!
    static let localVTEP = SmallUniverse.vteps[0]
    /// Odd seeds run as an IPv4 host, even ones as an IPv6 host; routes come
    /// from VTEPs of both families, so the other family's are refused alike.
    static func localVTEP(seed: UInt64) -> VTEP { SmallUniverse.vteps[seed % 2 == 1 ? 0 : 3] }

    static func path(_ g: inout SplitMix64) -> EVPNPath {
        let instance = (instances + [foreign]).randomElement(using: &g)!
        let vtep = SmallUniverse.vteps.randomElement(using: &g)!
        let sequence = UInt32.random(in: 0...3, using: &g)
        if Int.random(in: 0..<5, using: &g) == 0 {
            // A type-3 route: this VTEP asks for the tenant's broadcast traffic.
            var local = EVPNRoutes.advertisements(endpoints: [], instances: [instance], vtep: vtep)
            return local.removeLast()
        }
        let ip: [IPv4Address] = Bool.random(using: &g) ? [SmallUniverse.ip(Int.random(in: 0..<3, using: &g))] : []
        let endpoint = Endpoint(vni: instance.vni, mac: SmallUniverse.mac(Int.random(in: 0..<4, using: &g)), ipv4: ip,
                                location: .local(port: 1))
        return EVPNRoutes.advertisements(endpoints: [endpoint], instances: [instance], vtep: vtep,
                                         mobility: sequence > 0 ? [endpoint.key: sequence] : [:])[0]
    }

    @Test("a route is held by its key: withdrawn with another label, relabelled in place")
    func routeKey() throws {
        let endpoint = Endpoint(vni: Self.instances[0].vni, mac: SmallUniverse.mac(0), ipv4: [SmallUniverse.ip(0)], location: .local(port: 1))
        let announced = EVPNRoutes.advertisements(endpoints: [endpoint], instances: [Self.instances[0]], vtep: SmallUniverse.vteps[1])[0]
        let route0 = announced.route
        guard case var .macIPAdvertisement(route) = route0 else { Issue.record("not a type-2 route"); return }
        var remote = RemoteRoutes(instances: Self.instances, localVTEP: Self.localVTEP)
        remote.apply(announced.route, announced)
        #expect(remote.endpoints.count == 1)
        // Relabelled: still one route, one endpoint.
        route.label1 = MPLSLabel.vni(99)
        var relabelled = announced
        relabelled.route = .macIPAdvertisement(route)
        remote.apply(relabelled.route, relabelled)
        #expect(remote.routeCount == 1)
        // Withdrawn with label 0 (as FRR writes withdrawals): gone.
        route.label1 = MPLSLabel(rawValue: 0)
        remote.apply(.macIPAdvertisement(route), nil)
        #expect(remote.endpoints.isEmpty)
        #expect(remote.routeCount == 0)
    }

    @Test("refused, with the reason: a route naming two local tenants, a group MAC; another tenant's route is simply not ours")
    func refusals() {
        let endpoint = Endpoint(vni: Self.instances[0].vni, mac: SmallUniverse.mac(0), ipv4: [SmallUniverse.ip(0)], location: .local(port: 1))
        var both = EVPNRoutes.advertisements(endpoints: [endpoint], instances: [Self.instances[0]], vtep: SmallUniverse.vteps[1])[0]
        both.attributes.set(PathAttribute(.extendedCommunities([.routeTarget(Self.instances[0].routeTarget),
                                                                .routeTarget(Self.instances[1].routeTarget), .vxlanEncapsulation])))
        var group = endpoint
        group.mac = EthernetAddress(0x01, 0x00, 0x5e, 0, 0, 1)
        let multicast = EVPNRoutes.advertisements(endpoints: [group], instances: [Self.instances[0]], vtep: SmallUniverse.vteps[1])[0]
        let foreign = EVPNRoutes.advertisements(endpoints: [endpoint], instances: [Self.foreign], vtep: SmallUniverse.vteps[1])[0]
        var remote = RemoteRoutes(instances: Self.instances, localVTEP: Self.localVTEP)
        let reasons = [both, multicast, foreign].map { remote.apply($0.route, $0).refused.map(\.reason) }
        #expect(reasons[0].count == 1 && reasons[0][0].contains("several local tenants (VNIs 10, 11)"), "\(reasons)")
        #expect(reasons[1].count == 1 && reasons[1][0].contains("group MAC address"), "\(reasons)")
        #expect(reasons[2].isEmpty)
        #expect(remote.routeCount == 0 && remote.endpoints.isEmpty)
        // The reference import agrees.
        #expect(EVPNRoutes.remoteEndpoints(from: [both, multicast, foreign], instances: Self.instances, localVTEP: Self.localVTEP).isEmpty)
    }

    @Test("random announcements and withdrawals", arguments: 1...16)
    func randomRoutes(seed: UInt64) {
        var g = SplitMix64(state: seed)
        let localVTEP = Self.localVTEP(seed: seed)
        var refused = 0
        var held: [EVPNRoute: EVPNPath] = [:]
        var remote = RemoteRoutes(instances: Self.instances, localVTEP: localVTEP)
        for step in 0..<300 {
            if !held.isEmpty, Int.random(in: 0..<3, using: &g) == 0 {
                let route = held.keys.randomElement(using: &g)!
                held[route] = nil
                remote.apply(route, nil)
            } else {
                let path = Self.path(&g)
                held[path.route] = path
                refused += remote.apply(path.route, path).refused.count { $0.reason.contains("no tunnel between the families") }
            }
            let all = Array(held.values)
            let expected = EVPNRoutes.remoteEndpoints(from: all, instances: Self.instances, localVTEP: localVTEP)
            #expect(remote.endpoints == expected, "seed \(seed) step \(step)")
            let flood = EVPNRoutes.floodList(from: all, instances: Self.instances, localVTEP: localVTEP)
            for vni in SmallUniverse.vnis {
                #expect(remote.floodList(vni) == (flood[vni] ?? []), "seed \(seed) step \(step) VNI \(vni)")
            }
            if remote.endpoints != expected { return }
        }
        #expect(refused > 0, "seed \(seed): no route of the other family was refused")
        #expect(remote.endpoints.allSatisfy { if case let .remote(vtep) = $0.location { vtep.sameFamily(as: localVTEP) } else { false } })
        // The whole set at once gives the same.
        var whole = RemoteRoutes(instances: Self.instances, localVTEP: localVTEP)
        whole.replaceAll(with: Array(held.values))
        #expect(whole.endpoints == remote.endpoints)
    }
}
