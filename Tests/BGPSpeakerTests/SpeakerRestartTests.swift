import BGP
import BGPSpeaker
import Foundation
import NIOCore
import Testing
import TestSupport

/// RFC 4724 seen from the restarting side, over real loopback sessions:
/// a speaker that stops gracefully leaves its routes at its peers, and a
/// restarted reflector holds its tables back until its clients are back.
@Suite(.serialized)
struct SpeakerRestartTests {
    static let evpnRoute = RouteAttributes(attributes: PathAttributes(Routes.attributes()), nextHop: [10, 1, 1, 1])

    static func bothHaveOne(_ a: Speaker, _ b: Speaker) async -> Bool {
        let (x, y) = (await a.receivedBestRoutes().count, await b.receivedBestRoutes().count)
        return x == 1 && y == 1
    }

    static func reflector(deferral: UInt16 = 0, accept: Bool = true, neighbors: [NeighborConfiguration] = []) throws -> Speaker {
        Speaker(SpeakerConfiguration(
            localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), listenHost: "127.0.0.1", listenPort: 0,
            accept: accept ? [try #require(NeighborRange("127.0.0.0/8"))] : [], neighbors: neighbors,
            gracefulRestart: GracefulRestartConfiguration(restartTime: 60, selectionDeferralTime: deferral)))
    }

    /// A client on 127.0.0.N that dials the reflector (or, passive, waits for it).
    static func client(_ n: UInt8, reflectorPort: Int, passive: Bool = false, listenPort: Int = 0) -> Speaker {
        Speaker(SpeakerConfiguration(
            localAS: 65000, routerID: IPv4Address(127, 0, 0, n), listenHost: "127.0.0.\(n)", listenPort: listenPort,
            neighbors: [NeighborConfiguration(address: IPv4Address(127, 0, 0, 1), port: reflectorPort, peerAS: 65000,
                                              passive: passive, routeReflectorClient: false)],
            connectRetryTime: .seconds(1), gracefulRestart: GracefulRestartConfiguration(restartTime: 60)))
    }

    @Test(arguments: [true, false])
    func gracefulShutdownLeavesOurRoutesAtThePeer(_ graceful: Bool) async throws {
        let reflector = try Self.reflector()
        let port = try #require(try await reflector.start().port)
        let client = Self.client(2, reflectorPort: port)
        try await client.start()
        await client.originate([Routes.macIP(1): Self.evpnRoute])
        #expect(await eventually(10) { await reflector.routeCount == 1 })
        let peer = try #require(await reflector.neighbors().first?.peer)

        await client.shutdown(graceful: graceful)
        #expect(await eventually(10) { await reflector.neighbors().allSatisfy { $0.state != .established } })
        if graceful {
            // No NOTIFICATION: the session merely ended, so the route stays, marked stale (the mark shows the end was handled).
            #expect(await eventually(5) { await reflector.staleRoutes(peer) == 1 })
            #expect(await reflector.routeCount == 1)
        } else {
            // CEASE: graceful restart does not cover it; the route goes.
            #expect(await eventually(5) { await reflector.routeCount == 0 })
        }
        await reflector.shutdown()
    }

    @Test func restartedReflectorHoldsItsTablesUntilTheDeferralEnds() async throws {
        // Long enough that both clients are up and have sent, on a loaded machine, well before it ends.
        let reflector = try Self.reflector(deferral: 5)
        let port = try #require(try await reflector.start().port)
        let started = Date()
        let a = Self.client(2, reflectorPort: port), b = Self.client(3, reflectorPort: port)
        try await a.start()
        try await b.start()
        await a.originate([Routes.macIP(1): Self.evpnRoute])
        await b.originate([Routes.macIP(2): Self.evpnRoute])
        // Both routes are in the reflector, yet neither client has the other's.
        #expect(await eventually(4) { await reflector.routeCount == 2 })
        let early = (await a.receivedBestRoutes().count, await b.receivedBestRoutes().count)
        #expect(early == (0, 0))
        #expect(await eventually(10) { await Self.bothHaveOne(a, b) })
        #expect(Date().timeIntervalSince(started) >= 4.5, "tables went out before the deferral time")
        await a.shutdown(); await b.shutdown(); await reflector.shutdown()
    }

    @Test func deferralEndsWhenEveryConfiguredNeighbourSentEndOfRIB() async throws {
        // Clients that wait for the reflector's call on fixed ports; the reflector knows them all.
        let ports = [freeLoopbackPort(), freeLoopbackPort()]
        let reflector = try Self.reflector(deferral: 60, accept: false, neighbors: [
            NeighborConfiguration(address: IPv4Address(127, 0, 0, 2), port: ports[0], peerAS: 65000),
            NeighborConfiguration(address: IPv4Address(127, 0, 0, 3), port: ports[1], peerAS: 65000),
        ])
        let a = Self.client(2, reflectorPort: 179, passive: true, listenPort: ports[0])
        let b = Self.client(3, reflectorPort: 179, passive: true, listenPort: ports[1])
        try await a.start()
        try await b.start()
        await a.originate([Routes.macIP(1): Self.evpnRoute])
        await b.originate([Routes.macIP(2): Self.evpnRoute])
        try await reflector.start()
        // Far sooner than the 60 s deferral time: both End-of-RIBs are in.
        #expect(await eventually(15) { await Self.bothHaveOne(a, b) })
        await a.shutdown(); await b.shutdown(); await reflector.shutdown()
    }
}
