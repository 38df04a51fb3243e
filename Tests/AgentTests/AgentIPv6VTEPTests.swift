import Agent
import BGP
import Overlay
import Packets
import Testing

/// The agent's core with an IPv6 VTEP: what it advertises, what it imports
/// (the same family) and what it refuses and counts (the other family).
struct AgentIPv6VTEPTests {
    static let local = VTEP.v6(IPv6Address("fd00:9::2")!)
    static let sameFamily = VTEP.v6(IPv6Address("fd00:9::3")!)
    static let routerID = IPv4Address(10, 9, 9, 2)

    static func core() -> AgentCore {
        var core = AgentCore(settings: .init(vtep: local, routerID: routerID,
                                             tenants: [.init(instance: instance, ingressReplication: true)],
                                             vxlanPorts: ["br0": 100]))
        core.setPorts(.init(ports: [1: vni], endpoints: [Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))]),
                      bridge: "br0")
        return core
    }

    @Test("advertised: the IPv6 VTEP as next hop and PMSI endpoint, the router id in the RDs")
    func advertisements() {
        let paths = Self.core().advertisements
        #expect(paths.count == 2)
        #expect(paths.allSatisfy { $0.nextHop == Self.local.address })
        for path in paths {
            switch path.route {
            case let .macIPAdvertisement(route): #expect(route.rd == .ipv4(Self.routerID, 10))
            case let .inclusiveMulticastEthernetTag(route):
                #expect(route.rd == .ipv4(Self.routerID, 10) && route.originatingRouter == Self.local.address)
                #expect(path.attributes.pmsiTunnel?.tunnelEndpoint == Self.local.address)
            default: Issue.record("unexpected route \(path.route)")
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var remote: VTEP
        var imported: Bool
        var testDescription: String { "routes from \(remote)" }
    }

    @Test("received: an IPv6 VTEP is tunnelled to, an IPv4 one refused and counted",
          arguments: [Case(remote: sameFamily, imported: true), Case(remote: remoteVTEP, imported: false)])
    func received(_ test: Case) throws {
        var agent = Self.core()
        let b = Endpoint(vni: vni, mac: macB, ipv4: [ipB], location: .remote(vtep: test.remote))
        agent.setReceivedRoutes(remoteRoutes(b, vtep: test.remote), at: .now)
        let state = try #require(agent.bridgeState("br0"))
        let refused = agent.takeRefusedRoutes()
        if test.imported {
            #expect(state.endpoints[b.key] == b && state.ingressReplication[vni] == [test.remote])
            #expect(refused.isEmpty && agent.refusedRouteCount == 0)
        } else {
            #expect(state.endpoints[b.key] == nil && state.ingressReplication[vni] == [])
            #expect(agent.refusedRouteCount == 2 && refused.count == 2, "\(refused)")
            #expect(refused.allSatisfy { $0.reason.contains("no tunnel between the families") }, "\(refused)")
        }
    }
}
