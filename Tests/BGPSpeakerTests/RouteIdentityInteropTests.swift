import BGP
import BGPSpeaker
import Foundation
import NIOCore
import Testing
import TestSupport

/// Against real receivers: a raw client (our codec
/// on a plain socket, so it can send what FRR sends: withdrawals with label
/// 0) announces through our reflector to GoBGP, FRR and ExaBGP clients.
@Suite(.enabled(if: GoBGPDaemon.available && FRRDaemon.available && ExaBGPDaemon.available,
                "gobgpd, FRR's bgpd or exabgp not installed: interop test skipped"))
struct RouteIdentityInteropTests {
    /// Our reflector on 127.0.0.1 accepting 127.93.net.0/24, a raw client at .2 and the receivers.
    struct Fabric {
        let speaker: Speaker
        let client: RawPeer
        let gobgp: GoBGPDaemon
        let frr: FRRDaemon
        let exabgp: ExaBGPDaemon?

        /// Runs `body` on a fabric whose sessions are up; everything started is stopped, also on failure.
        static func with(exabgp: Bool, net: UInt8, _ body: (Fabric) async throws -> Void) async throws {
            var started: [() async -> Void] = []
            do {
                if let f = try await up(exabgp: exabgp, net: net, started: &started) { try await body(f) }
            } catch {
                for stop in started.reversed() { await stop() }
                throw error
            }
            for stop in started.reversed() { await stop() }
        }

        private static func up(exabgp withExaBGP: Bool, net: UInt8, started: inout [() async -> Void]) async throws -> Fabric? {
            let speaker = Speaker.interopReflector(accepting: "127.93.\(net).0/24")
            started.append { await speaker.shutdown() }
            let port = try await speaker.start().port ?? 0
            let gobgp = try GoBGPDaemon(address: "127.93.\(net).3", peer: "127.0.0.1", peerPort: port)
            started.append { gobgp.stop() }
            let frr = try FRRDaemon(address: "127.93.\(net).4", peer: "127.0.0.1", peerPort: port)
            started.append { frr.stop() }
            let exabgp = withExaBGP ? try ExaBGPDaemon(address: "127.93.\(net).5", peer: "127.0.0.1", peerPort: port) : nil
            if let exabgp { started.append { exabgp.stop() } }
            let client = try RawPeer(from: IPv4Address(127, 93, net, 2), toPort: port)
            started.append { client.close() }
            let fabric = Fabric(speaker: speaker, client: client, gobgp: gobgp, frr: frr, exabgp: exabgp)
            try await client.establish()
            try client.send(.update(.endOfRIB(.l2vpnEVPN)))
            let peers = withExaBGP ? 4 : 3
            let up = await eventually(30, every: .milliseconds(200)) { await speaker.neighbors().filter { $0.state == .established }.count == peers }
            let sessions = await speaker.neighbors().map { "\($0.address) \($0.state)" }
            #expect(up, "127.93.\(net).0/24: sessions: \(sessions); FRR: \(frr.log.suffix(400))")
            guard up else { return nil }
            return fabric
        }

        func established() async -> Int { await speaker.neighbors().filter { $0.state == .established }.count }
    }

    static let rd = RouteDistinguisher.ipv4(IPv4Address(10, 1, 1, 9), 300)
    static let esi = EthernetSegmentIdentifier(high: 0x0000, low: 0x1122_3344_5566_7788)

    /// One route of each type 1 to 5 as announced, and the NLRI FRR-style
    /// withdrawals name it by: label 0, and for types 2 and 5 no ESI or gateway.
    static let routes: [(announced: EVPNRoute, withdrawn: EVPNRoute)] = [
        (.ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: rd, esi: esi, ethernetTag: 0, label: .vni(3001))),
         .ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: rd, esi: esi, ethernetTag: 0, label: .vni(0)))),
        (.macIPAdvertisement(MACIPAdvertisementRoute(rd: rd, esi: esi, mac: EthernetAddress(rawValue: 0x0200_0000_0009),
                                                     ip: .v4(IPv4Address(10, 0, 0, 9)), label1: .vni(3001), label2: .vni(5001))),
         .macIPAdvertisement(MACIPAdvertisementRoute(rd: rd, mac: EthernetAddress(rawValue: 0x0200_0000_0009),
                                                     ip: .v4(IPv4Address(10, 0, 0, 9)), label1: .vni(0)))),
        (.inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd, originatingRouter: .v4(IPv4Address(10, 1, 1, 9)))),
         .inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd, originatingRouter: .v4(IPv4Address(10, 1, 1, 9))))),
        (.ethernetSegment(EthernetSegmentRoute(rd: rd, esi: esi, originatingRouter: .v4(IPv4Address(10, 1, 1, 9)))),
         .ethernetSegment(EthernetSegmentRoute(rd: rd, esi: esi, originatingRouter: .v4(IPv4Address(10, 1, 1, 9))))),
        (.ipPrefix(IPPrefixRoute(rd: rd, esi: esi, prefix: .v4(IPv4Address(198, 51, 100, 0)), prefixLength: 24,
                                 gateway: .v4(IPv4Address(10, 1, 1, 9)), label: .vni(5001))),
         .ipPrefix(IPPrefixRoute(rd: rd, prefix: .v4(IPv4Address(198, 51, 100, 0)), prefixLength: 24,
                                 gateway: .v4(IPv4Address(0, 0, 0, 0)), label: .vni(0)))),
    ]

    static func attributes(routeTargets: Int = 1, extra: [PathAttribute] = []) -> [PathAttribute] {
        let targets = (0..<routeTargets).map { ExtendedCommunity.routeTarget(.twoOctetAS(asn: 65000, value: UInt32(3001 + $0))) }
        return [PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
                PathAttribute(.extendedCommunities(targets + [.vxlanEncapsulation]))] + extra
    }

    /// GoBGP's, FRR's and ExaBGP's view of the routes they hold from our client.
    static func held(_ f: Fabric) throws -> (gobgp: Int, frr: Int, exabgp: Int) {
        let exa = f.exabgp.map { e in
            let announced = ExaBGPInteropTests.announced(e.updates).filter { ($0.attributes["originator-id"] as? String) == "\(f.client.address)" }.count
            return announced - ExaBGPInteropTests.withdrawn(e.updates).count
        } ?? 0
        return (try f.gobgp.evpnRIB().count, try f.frr.evpnRoutes().count, exa)
    }

    /// Both items below wait mostly on GoBGP, which dials 5-9 s after its
    /// start: side by side, each on its own fabric and loopback /24, they
    /// take about as long as the longer one (25 s one after the other).
    @Test func reflectedRouteIdentity() async throws {
        let first = UInt8.random(in: 10...250)
        let second = first == 250 ? 10 : first + 1
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Self.withdrawalsWithAnotherLabelReachEveryReceiver(net: first) }
            group.addTask { try await Self.aRouteTooLargeToReflectLeavesSessionsUp(net: second) }
            try await group.waitForAll()
        }
    }

    static func withdrawalsWithAnotherLabelReachEveryReceiver(net: UInt8) async throws {
        try await Fabric.with(exabgp: true, net: net) { f in
            try f.client.send(.update(Routes.announce(Self.routes.map { .evpn($0.announced) }, Self.attributes(), nextHop: IPv4Address(10, 1, 1, 9))))
            var held = (gobgp: 0, frr: 0, exabgp: 0)
            // FRR keeps type-1 and type-4 routes only for Ethernet segments it has; GoBGP and ExaBGP take all five.
            let arrived = try await eventually(15, every: .milliseconds(200)) {
                held = try Self.held(f)
                return held.gobgp == 5 && held.frr >= 3 && held.exabgp == 5
            }
            #expect(arrived, "withdrawals: held \(held); FRR: \(f.frr.log.suffix(400))")
            #expect(await f.speaker.routeCount == 5, "withdrawals: the reflector's routes before")
            try f.client.send(.update(Routes.withdraw(Self.routes.map { .evpn($0.withdrawn) })))
            let gone = try await eventually(15, every: .milliseconds(200)) {
                held = try Self.held(f)
                return held.gobgp == 0 && held.frr == 0 && held.exabgp == 0
            }
            #expect(gone, "withdrawals: still held \(held)")
            #expect(await f.speaker.routeCount == 0, "withdrawals: the reflector's routes after")
            #expect(await f.established() == 4, "withdrawals: sessions at the end")
        }
    }

    /// Item 2: a route with 498 route targets fits the client's 4096-octet
    /// UPDATE, but not once reflected (ORIGINATOR_ID and CLUSTER_LIST): it
    /// is not sent to receivers without the extended message capability, and
    /// their sessions stay up.
    static func aRouteTooLargeToReflectLeavesSessionsUp(net: UInt8) async throws {
        try await Fabric.with(exabgp: false, net: net) { f in
            let large = Routes.announce([.evpn(Self.routes[1].announced)], Self.attributes(routeTargets: 498), nextHop: IPv4Address(10, 1, 1, 9))
            let length = BGPMessage.update(large).encodedLength()
            #expect((4000...4096).contains(length), "the client's UPDATE is \(length) octets")
            try f.client.send(.update(large))
            // A small route after it, which both receivers must get over sessions that stayed up.
            try f.client.send(.update(Routes.announce([.evpn(Self.routes[2].announced)], Self.attributes(), nextHop: IPv4Address(10, 1, 1, 9))))
            var held = (gobgp: 0, frr: 0, exabgp: 0)
            let arrived = try await eventually(15, every: .milliseconds(200)) {
                held = try Self.held(f)
                return held.gobgp >= 1 && held.frr >= 1
            }
            #expect(arrived, "too large: held \(held)")
            // The small route came after the large one on the same session:
            // holding it means the large one was dealt with, so its absence is final.
            #expect(held.gobgp == 1 && held.frr == 1, "only the small route: \(held)")
            let sessions = await f.speaker.neighbors().map { "\($0.address) \($0.state) \($0.lastError.map { "\($0)" } ?? "")" }
            #expect(await f.established() == 3, "too large: \(sessions)")
            #expect(await f.speaker.routeCount == 2, "too large: the reflector's routes")
        }
    }
}
