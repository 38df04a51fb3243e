import Agent
import BGP
import BGPSpeaker
import Foundation
import Overlay
import Packets
import Testing
import TestSupport
@testable import AgentConfiguration
@testable import swiftplane_agent

/// Two agents' BGP sides (their configuration's speaker, core and route
/// glue) through an in-process route reflector on loopback: each learns the
/// other's endpoint as remote at the other's VTEP, and loses it on withdraw.
@Suite(.serialized)
struct AgentBGPTests {
    /// The shared base configuration with this host's VTEP, BGP source and one endpoint.
    static func config(host: Int, reflectorPort: Int) -> String {
        base.replacingOccurrences(of: "vtep: 10.0.0.1", with: "vtep: 10.66.0.\(host)") + """

        bgp-listen: 127.0.0.\(host + 1):0
        route-reflectors:
          - address: 127.0.0.1
            port: \(reflectorPort)
        endpoints:
          - vni: 10
            mac: 02:00:00:00:00:0\(host)
            ips: [10.77.0.\(host)]
            port: 1
        """
    }

    struct Agent {
        var configuration: AgentConfiguration
        var core: AgentCore
        var speaker: Speaker

        init(_ yaml: String) throws {
            configuration = try AgentConfiguration.parse(yaml: yaml, file: "agent.yaml")
            core = AgentCore(settings: configuration.coreSettings)
            for (bridge, snapshot) in configuration.staticPorts { core.setPorts(snapshot, bridge: bridge) }
            speaker = Speaker(configuration.speakerConfiguration)
        }

        /// The remote endpoint this agent sees for `mac`, after taking in what its speaker received.
        mutating func remote(_ mac: EthernetAddress) async -> EndpointLocation? {
            core.setReceivedRoutes(BGPRoutes.received(await speaker.receivedBestRoutes()), at: .now)
            return core.bridgeState("br0")?.endpoints[EndpointKey(vni: VNI(rawValue: 10)!, mac: mac)]?.location
        }
    }

    @Test func endpointsCrossTheRouteReflector() async throws {
        let reflector = Speaker(SpeakerConfiguration(
            localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), listenHost: "127.0.0.1", listenPort: 0,
            accept: [try #require(NeighborRange("127.0.0.0/8"))]))
        let port = try #require(try await reflector.start().port)
        var a = try Agent(Self.config(host: 1, reflectorPort: port))
        var b = try Agent(Self.config(host: 2, reflectorPort: port))
        do {
            try await a.speaker.start()
            try await b.speaker.start()
            await a.speaker.originate(BGPRoutes.originated(a.core.advertisements))
            await b.speaker.originate(BGPRoutes.originated(b.core.advertisements))
            // As the daemon does once its local endpoints are known: then dial the reflector.
            await a.speaker.reconfigureNeighbors(a.configuration.reflectorNeighbors)
            await b.speaker.reconfigureNeighbors(b.configuration.reflectorNeighbors)
            let macA = EthernetAddress(0x02, 0, 0, 0, 0, 0x01)
            let macB = EthernetAddress(0x02, 0, 0, 0, 0, 0x02)

            #expect(await eventually(10) { await b.remote(macA) == .remote(vtep: .v4(IPv4Address(10, 66, 0, 1))) })
            #expect(await eventually(10) { await a.remote(macB) == .remote(vtep: .v4(IPv4Address(10, 66, 0, 2))) })
            // The received route is the one a originated, reflected: same RD, MAC, IP, label and route target.
            let received = BGPRoutes.received(await b.speaker.receivedBestRoutes())
            #expect(received.map(\.route) == a.core.advertisements.map(\.route))
            #expect(received.first?.attributes.routeTargets == [.twoOctetAS(asn: 65000, value: 10)])
            #expect(received.first?.attributes.originatorID == IPv4Address(10, 66, 0, 1))

            // a withdraws everything: b forgets a's endpoint.
            await a.speaker.originate([:])
            #expect(await eventually(10) { await b.remote(macA) == nil })
        } catch {
            Issue.record("\(error)")
        }
        await a.speaker.shutdown()
        await b.speaker.shutdown()
        await reflector.shutdown()
    }
}

/// Route target constraint (RFC 4684) from the agent's side: each agent
/// announces membership of its tenants' route targets, so a reflector with
/// the family sends it only its tenants' routes, and a reload that adds a
/// tenant brings that tenant's routes.
@Suite(.serialized)
struct AgentRouteTargetConstraintTests {
    /// Host `host` serving `vnis`, with one endpoint in each.
    static func config(host: Int, vnis: [Int], reflectorPort: Int) -> String {
        """
        vtep: 10.67.0.\(host)
        as: 65000
        bridges:
          - name: br0
            vxlan-port: 100
        vnis:
        \(vnis.map { "  - vni: \($0)" }.joined(separator: "\n"))
        bgp-listen: 127.0.0.\(host + 10):0
        route-reflectors:
          - address: 127.0.0.1
            port: \(reflectorPort)
        endpoints:
        \(vnis.enumerated().map { i, vni in
            "  - {vni: \(vni), mac: \"02:00:00:00:\(String(format: "%02x", host)):\(String(format: "%02x", vni))\", ips: [10.78.\(host).\(i + 1)], port: \(i + 1)}"
        }.joined(separator: "\n"))
        """
    }

    /// The route targets of the EVPN routes an agent's speaker received.
    static func receivedTargets(_ agent: AgentBGPTests.Agent) async -> Set<RouteTarget> {
        Set(BGPRoutes.received(await agent.speaker.receivedBestRoutes()).flatMap(\.attributes.routeTargets))
    }

    static func advertise(_ agent: AgentBGPTests.Agent) async {
        await agent.speaker.originate(BGPRoutes.originated(agent.core.advertisements).merging(BGPRoutes.membership(agent.configuration)) { a, _ in a })
    }

    @Test func eachAgentGetsItsTenantsRoutesAndAReloadBringsMore() async throws {
        let rrID = IPv4Address(127, 0, 0, 1)
        let reflector = Speaker(SpeakerConfiguration(
            localAS: 65000, routerID: rrID, listenHost: "127.0.0.1", listenPort: 0,
            accept: [try #require(NeighborRange("127.0.0.0/8"))], families: [.l2vpnEVPN, .routeTargetConstraint]))
        await reflector.originate(RouteTargetMembership.routes([.default], nextHop: rrID))
        let port = try #require(try await reflector.start().port)
        var a = try AgentBGPTests.Agent(Self.config(host: 3, vnis: [10], reflectorPort: port))
        var b = try AgentBGPTests.Agent(Self.config(host: 4, vnis: [10, 20], reflectorPort: port))
        let rt10 = RouteTarget.twoOctetAS(asn: 65000, value: 10), rt20 = RouteTarget.twoOctetAS(asn: 65000, value: 20)
        do {
            #expect(BGPRoutes.membership(b.configuration).keys.compactMap(\.routeTargetMembership).map(\.description).sorted()
                    == ["65000:65000:10/96", "65000:65000:20/96"])
            try await a.speaker.start()
            try await b.speaker.start()
            await Self.advertise(a)
            await Self.advertise(b)
            await a.speaker.reconfigureNeighbors(a.configuration.reflectorNeighbors)
            await b.speaker.reconfigureNeighbors(b.configuration.reflectorNeighbors)

            // b serves both tenants and gets a's tenant-10 routes; a gets b's tenant-10 routes only.
            #expect(await eventually(10) { await Self.receivedTargets(b) == [rt10] })
            #expect(await eventually(10) { await Self.receivedTargets(a) == [rt10] })
            // b's tenant-20 routes did reach the reflector: they were held back from a, not lost.
            #expect(await reflector.receivedBestRoutes().contains { $0.attributes.attributes.routeTargets == [rt20] })
            // A barrier: b announces one more tenant-10 endpoint, after its
            // tenant-20 routes on the same session. Once a has it, the
            // reflector has dealt with everything b sent before it; a
            // tenant-20 route for a would have come first.
            b.configuration = try AgentConfiguration.parse(yaml: Self.config(host: 4, vnis: [10, 20], reflectorPort: port) + """

                  - {vni: 10, mac: "02:00:00:00:04:99", ips: [10.78.4.99], port: 1}
                """, file: "agent.yaml")
            for (bridge, snapshot) in b.configuration.staticPorts { b.core.setPorts(snapshot, bridge: bridge) }
            await Self.advertise(b)
            let barrier = EthernetAddress(0x02, 0, 0, 0, 0x04, 0x99)
            #expect(await eventually(10) { await a.remote(barrier) != nil }, "b's second tenant-10 endpoint never reached a")
            #expect(await Self.receivedTargets(a) == [rt10])

            // A reload gives a tenant 20 too: its membership follows, and b's tenant-20 routes come.
            a.configuration = try AgentConfiguration.parse(yaml: Self.config(host: 3, vnis: [10, 20], reflectorPort: port), file: "agent.yaml")
            a.core.reconfigure(a.configuration.coreSettings)
            await Self.advertise(a)
            #expect(await eventually(10) { await Self.receivedTargets(a) == [rt10, rt20] })
        } catch {
            Issue.record("\(error)")
        }
        await a.speaker.shutdown()
        await b.speaker.shutdown()
        await reflector.shutdown()
    }
}
