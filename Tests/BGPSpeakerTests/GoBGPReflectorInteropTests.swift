import BGP
import BGPSpeaker
import Foundation
import Logging
import NIOCore
import Testing
import TestSupport

/// Our speaker as a route reflector client of a GoBGP
/// route reflector. A GoBGP client's type-2 and type-3 routes reach our
/// speaker through the GoBGP reflector (ORIGINATOR_ID and CLUSTER_LIST set by
/// GoBGP), and the routes our speaker originates reach the GoBGP client the
/// same way; withdrawals too, both ways.
@Suite(.enabled(if: GoBGPDaemon.available, "gobgpd/gobgp not installed (apt install gobgpd): interop test skipped"))
struct GoBGPReflectorInteropTests {
    static func evpn(_ routes: [(nlri: NLRI, attributes: RouteAttributes)]) -> [(route: EVPNRoute, attributes: RouteAttributes)] {
        routes.compactMap { r in r.nlri.evpn.map { ($0, r.attributes) } }
    }

    @Test func routesFlowBothWaysThroughAGoBGPReflector() async throws {
        var logger = Logger(label: "test.client")
        logger.logLevel = .warning
        let net = UInt8.random(in: 10...250)
        let rr = IPv4Address(127, 91, net, 1), ours = IPv4Address(127, 91, net, 2), theirs = IPv4Address(127, 91, net, 3)
        let rrPort = freeLoopbackPort()
        let reflector = try GoBGPDaemon(address: "\(rr)", listenPort: rrPort, neighbors: [
            .init(address: "\(ours)", passive: true, reflectorClient: true),
            .init(address: "\(theirs)", passive: true, reflectorClient: true),
        ])
        defer { reflector.stop() }
        let client = try GoBGPDaemon(address: "\(theirs)", peer: "\(rr)", peerPort: rrPort)
        defer { client.stop() }
        var config = SpeakerConfiguration(localAS: 65000, routerID: ours, listenHost: "\(ours)", listenPort: 0,
                                          neighbors: [NeighborConfiguration(address: rr, port: rrPort, peerAS: 65000, routeReflectorClient: false)])
        config.connectRetryTime = .seconds(1)
        let speaker = Speaker(config, logger: logger)
        try await speaker.start()
        let macadv = GoBGPDaemon.macadv("02:00:00:00:00:07", "10.0.0.7", vni: 2001, vtep: "10.1.1.7", rd: 200)
        let multicast = GoBGPDaemon.multicast(vni: 2001, vtep: "10.1.1.7", rd: 200)

        let up = await eventually(30, every: .milliseconds(200)) { await speaker.neighbors().first?.state == .established }
        #expect(up, "no session with the GoBGP reflector: \(reflector.log.suffix(600))")
        guard up else { await speaker.shutdown(); return }

        // GoBGP client -> GoBGP RR -> our speaker.
        #expect(try client.evpn(macadv))
        #expect(try client.evpn(multicast))
        var received: [(route: EVPNRoute, attributes: RouteAttributes)] = []
        let arrived = await eventually(10, every: .milliseconds(200)) {
            received = Self.evpn(await speaker.receivedBestRoutes())
            return received.count == 2
        }
        #expect(arrived, "our speaker holds \(received.map(\.route))")
        let rt = ExtendedCommunity.routeTarget(.twoOctetAS(asn: 65000, value: 2001))
        for (route, attributes) in received {
            let a = attributes.attributes
            #expect(attributes.nextHop == [10, 1, 1, 7], "\(route) next hop")
            #expect(a.originatorID == theirs, "\(route) ORIGINATOR_ID")
            #expect(a.clusterList?.clusterIDs == [rr], "\(route) CLUSTER_LIST")
            #expect(a.extendedCommunities.contains(rt), "\(route) RT")
            #expect(a.extendedCommunities.contains(.vxlanEncapsulation), "\(route) encapsulation")
            switch route {
            case .macIPAdvertisement(let m):
                #expect(m.mac == EthernetAddress("02:00:00:00:00:07"))
                #expect(m.ip == .v4(IPv4Address(10, 0, 0, 7)))
                #expect(m.label1 == .vni(2001))
                #expect(m.rd == .ipv4(IPv4Address(10, 1, 1, 7), 200))
            case .inclusiveMulticastEthernetTag(let m):
                #expect(m.originatingRouter == .v4(IPv4Address(10, 1, 1, 7)))
                #expect(m.rd == .ipv4(IPv4Address(10, 1, 1, 7), 200))
            default:
                Issue.record("unexpected route \(route)")
            }
        }

        // Our speaker -> GoBGP RR -> GoBGP client.
        let vtep = IPv4Address(10, 2, 2, 2)
        let attributes = RouteAttributes(attributes: PathAttributes(Routes.attributes()), nextHop: vtep.bytes)
        await speaker.originate([Routes.macIP(9, vni: 100, vtep: vtep): attributes, Routes.multicast(vni: 100, vtep: vtep): attributes])
        var rib: [String: [[String: Any]]] = [:]
        let reflected = try await eventually(10, every: .milliseconds(200)) {
            rib = try client.evpnRIB()
            return rib.count == 4
        }
        #expect(reflected, "the GoBGP client holds \(rib.keys.sorted())")
        let ourPaths = rib.values.flatMap { $0 }.filter { GoBGPInteropTests.attribute($0, type: 9)?["value"] as? String == "\(ours)" }
        #expect(ourPaths.count == 2, "paths with ORIGINATOR_ID \(ours): \(rib)")
        for path in ourPaths {
            #expect(GoBGPInteropTests.attribute(path, type: 10)?["value"] as? [String] == ["\(rr)"], "CLUSTER_LIST")
            #expect(GoBGPInteropTests.attribute(path, type: 14)?["nexthop"] as? String == "10.2.2.2", "next hop")
            let ext = GoBGPInteropTests.attribute(path, type: 16)?["value"] as? [[String: Any]] ?? []
            #expect(ext.contains { ($0["subtype"] as? Int) == 2 && ($0["value"] as? String) == "65000:100" }, "RT")
        }
        let type2 = ourPaths.compactMap { ($0["nlri"] as? [String: Any]).flatMap { $0["type"] as? Int == 2 ? $0["value"] as? [String: Any] : nil } }.first
        #expect(type2?["mac"] as? String == "02:00:00:00:00:09")
        #expect(type2?["ip"] as? String == "10.0.0.9")
        #expect(type2?["labels"] as? [Int] == [100])

        // Withdrawals, both ways.
        await speaker.originate([:])
        #expect(try client.evpn(macadv, delete: true))
        let gone = try await eventually(10, every: .milliseconds(200)) {
            rib = try client.evpnRIB()
            received = Self.evpn(await speaker.receivedBestRoutes())
            return rib.count == 1 && received.count == 1
        }
        #expect(gone, "client holds \(rib.keys.sorted()), our speaker \(received.map(\.route))")
        if case .inclusiveMulticastEthernetTag? = received.first?.route {} else { Issue.record("the type-3 route should stay: \(received)") }
        await speaker.shutdown()
    }
}
