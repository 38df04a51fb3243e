import BGP
import BGPSpeaker
import Testing
import TestSupport

/// Routes a speaker originates itself (an agent's endpoints): held by a
/// local pseudo-peer, sent to every peer unreflected, never to itself, and
/// replaced as a whole set.
struct LocalOriginationTests {
    static let local = PeerID(0), rr1 = PeerID(1), rr2 = PeerID(2)

    /// An agent peered with two route reflectors (non-clients from its side).
    func rib() -> RIB {
        var rib = RIB(routerID: IPv4Address(10, 1, 1, 1), clusterID: IPv4Address(10, 1, 1, 1))
        rib.addPeer(Self.local, RIBPeer(address: .v4(IPv4Address(10, 1, 1, 1)), routerID: IPv4Address(10, 1, 1, 1),
                                        routeReflectorClient: false, local: true))
        rib.addPeer(Self.rr1, Routes.peer(2, client: false))
        rib.addPeer(Self.rr2, Routes.peer(3, client: false))
        for peer in [Self.rr1, Self.rr2] { _ = rib.pendingUpdates(for: peer) }
        return rib
    }

    func routes(_ numbers: [UInt32], localPref: UInt32 = 100) -> [NLRI: RouteAttributes] {
        Dictionary(uniqueKeysWithValues: numbers.map { n in
            (Routes.macIP(n), RouteAttributes(attributes: PathAttributes(Routes.attributes(localPref: localPref)), nextHop: [10, 1, 1, 1]))
        })
    }

    @Test func sentToEveryPeerUnreflected() throws {
        var rib = rib()
        let change = rib.replaceRoutes(routes([1, 2]), from: Self.local)
        #expect(change.announced == 2 && change.withdrawn == 0)
        for peer in [Self.rr1, Self.rr2] {
            let reach = try #require(rib.pendingUpdates(for: peer).first?.reach)
            #expect(Set(reach.nlri) == [Routes.macIP(1), Routes.macIP(2)])
            #expect(reach.nextHop == [10, 1, 1, 1])
            #expect(reach.attributes.originatorID == nil)
            #expect(reach.attributes.clusterList == nil)
        }
        // Nothing goes to itself (an End-of-RIB marker at most: the speaker never sends it).
        #expect(rib.pendingUpdates(for: Self.local).allSatisfy { $0.reach == nil && $0.withdrawn.isEmpty })
        #expect(rib.bestRoutes(excluding: Self.local).isEmpty)
        #expect(rib.bestRoutes().count == 2)
    }

    struct Replacement: NamedRow {
        var name: String
        var next: [UInt32]
        var localPref: UInt32
        var announced: Int
        var withdrawn: Int
    }

    @Test(arguments: [
        Replacement(name: "same set: nothing", next: [1, 2], localPref: 100, announced: 0, withdrawn: 0),
        Replacement(name: "one gone", next: [1], localPref: 100, announced: 0, withdrawn: 1),
        Replacement(name: "one new", next: [1, 2, 3], localPref: 100, announced: 1, withdrawn: 0),
        Replacement(name: "attributes changed", next: [1, 2], localPref: 200, announced: 2, withdrawn: 0),
        Replacement(name: "all gone", next: [], localPref: 100, announced: 0, withdrawn: 2),
    ])
    func replacedAsAWhole(_ row: Replacement) {
        var rib = rib()
        rib.replaceRoutes(routes([1, 2]), from: Self.local)
        for peer in [Self.rr1, Self.rr2] { _ = rib.pendingUpdates(for: peer) }
        let change = rib.replaceRoutes(routes(row.next, localPref: row.localPref), from: Self.local)
        #expect(change.announced == row.announced && change.withdrawn == row.withdrawn)
        _ = rib.pendingUpdates(for: Self.rr2)
        #expect(Set(rib.advertised(to: Self.rr2).keys) == Set(row.next.map { Routes.macIP($0) }))
        let updates = rib.pendingUpdates(for: Self.rr1)
        #expect(updates.flatMap(\.withdrawn).count == row.withdrawn)
    }

    /// A route from a reflector (another VTEP's) is best for the application, and not sent back to the reflectors.
    @Test func receivedRoutesAreNotReadvertised() {
        var rib = rib()
        rib.apply(Routes.announce([Routes.macIP(7, vtep: IPv4Address(10, 2, 2, 2))], Routes.attributes(),
                                  nextHop: IPv4Address(10, 2, 2, 2)), from: Self.rr1)
        #expect(rib.bestRoutes(excluding: Self.local).map(\.nlri) == [Routes.macIP(7, vtep: IPv4Address(10, 2, 2, 2))])
        #expect(rib.pendingUpdates(for: Self.rr2).isEmpty)
    }
}
