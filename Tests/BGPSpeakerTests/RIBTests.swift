import BGP
import BGPSpeaker
import NIOCore
import Testing
import TestSupport

/// Adj-RIB-In -> Loc-RIB -> Adj-RIB-Out, with RFC 4456 reflection.
struct RIBTests {
    let a = PeerID(1), b = PeerID(2), c = PeerID(3)

    func rib(clients: [Bool] = [true, true, true]) -> RIB {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        for (i, client) in clients.enumerated() { rib.addPeer(PeerID(UInt32(i + 1)), Routes.peer(UInt8(i + 2), client: client)) }
        for i in clients.indices { _ = rib.pendingUpdates(for: PeerID(UInt32(i + 1))) }  // initial End-of-RIB
        return rib
    }

    @Test func reflectedAttributesAndNextHop() throws {
        var rib = rib()
        let unknownTransitive = PathAttribute(flags: .optionalTransitive, value: .unknown(typeCode: 99, data: [1, 2, 3]))
        let unknownNonTransitive = PathAttribute(flags: .optionalNonTransitive, value: .unknown(typeCode: 98, data: [4]))
        let route = Routes.macIP(1)
        let change = rib.apply(Routes.announce([route], Routes.attributes(extra: [unknownTransitive, unknownNonTransitive]), nextHop: IPv4Address(10, 1, 1, 1)), from: a)
        #expect(change.announced == 1)
        let toB = rib.pendingUpdates(for: b)
        #expect(toB.count == 1)
        let reach = try #require(toB.first?.reach)
        #expect(reach.nlri == [route])
        #expect(reach.nextHop == [10, 1, 1, 1])
        #expect(reach.attributes.originatorID == IPv4Address(10, 0, 0, 2))
        #expect(reach.attributes.clusterList == ClusterList([Routes.cluster]))
        #expect(reach.attributes.routeTargets == [.twoOctetAS(asn: 65000, value: 100)])
        #expect(reach.attributes.extendedCommunities.contains(.vxlanEncapsulation))
        #expect(reach.attributes.localPref == 100)
        // Unknown optional transitive: same value, partial bit set; non-transitive dropped.
        let passed = try #require(reach.attributes[typeCode: 99])
        #expect(passed.value == unknownTransitive.value)
        #expect(passed.flags == [.optional, .transitive, .partial])
        #expect(reach.attributes[typeCode: 98] == nil)
        // Never back to its source.
        #expect(rib.pendingUpdates(for: a).isEmpty)
        #expect(rib.advertised(to: a).isEmpty)
    }

    @Test func existingOriginatorKeptClusterPrepended() throws {
        var rib = rib()
        let origin = IPv4Address(10, 9, 9, 9), other = IPv4Address(1, 1, 1, 1)
        rib.apply(Routes.announce([Routes.macIP(1)], Routes.attributes(extra: [PathAttribute(.originatorID(origin)), PathAttribute(.clusterList(ClusterList([other])))])), from: a)
        let reach = try #require(rib.pendingUpdates(for: b).first?.reach)
        #expect(reach.attributes.originatorID == origin)
        #expect(reach.attributes.clusterList == ClusterList([Routes.cluster, other]))
    }

    struct LoopRow: NamedRow {
        var name: String
        var extra: [PathAttribute]
        var dropped: Bool
    }

    static let loops: [LoopRow] = [
        LoopRow(name: "our cluster id in CLUSTER_LIST", extra: [PathAttribute(.clusterList(ClusterList([IPv4Address(1, 1, 1, 1), Routes.cluster])))], dropped: true),
        LoopRow(name: "our router id as ORIGINATOR_ID", extra: [PathAttribute(.originatorID(Routes.rr))], dropped: true),
        LoopRow(name: "other clusters only", extra: [PathAttribute(.clusterList(ClusterList([IPv4Address(1, 1, 1, 1)])))], dropped: false),
        LoopRow(name: "another originator", extra: [PathAttribute(.originatorID(IPv4Address(10, 0, 0, 7)))], dropped: false),
    ]

    @Test(arguments: loops)
    func loopPrevention(_ row: LoopRow) {
        var rib = rib()
        let route = Routes.macIP(1)
        // A clean copy first: a looped one must also replace it (implicit withdraw).
        rib.apply(Routes.announce([route], Routes.attributes()), from: a)
        _ = rib.pendingUpdates(for: b)
        let change = rib.apply(Routes.announce([route], Routes.attributes(extra: row.extra)), from: a)
        #expect(change.loops == (row.dropped ? 1 : 0))
        #expect((rib.best(route) == nil) == row.dropped)
        let toB = rib.pendingUpdates(for: b)
        #expect(toB.first?.unreach == (row.dropped ? [route] : []))
    }

    struct ReflectionRow: NamedRow {
        var name: String
        var sourceClient: Bool
        var targetClient: Bool
        var sent: Bool
    }

    static let reflection: [ReflectionRow] = [
        ReflectionRow(name: "client to client", sourceClient: true, targetClient: true, sent: true),
        ReflectionRow(name: "client to non-client", sourceClient: true, targetClient: false, sent: true),
        ReflectionRow(name: "non-client to client", sourceClient: false, targetClient: true, sent: true),
        ReflectionRow(name: "non-client to non-client", sourceClient: false, targetClient: false, sent: false),
    ]

    @Test(arguments: reflection)
    func reflectionRules(_ row: ReflectionRow) {
        var rib = rib(clients: [row.sourceClient, row.targetClient])
        rib.apply(Routes.announce([Routes.macIP(1)], Routes.attributes()), from: a)
        #expect(rib.advertised(to: b).isEmpty)
        let out = rib.pendingUpdates(for: b)
        #expect(out.isEmpty == !row.sent)
        #expect(rib.advertised(to: b).count == (row.sent ? 1 : 0))
    }

    @Test func notSentToItsOriginator() {
        // C's router id is 10.0.0.4: a route from A that names C as originator is not sent to C.
        var rib = rib()
        rib.apply(Routes.announce([Routes.macIP(1)], Routes.attributes(extra: [PathAttribute(.originatorID(IPv4Address(10, 0, 0, 4)))])), from: a)
        #expect(rib.pendingUpdates(for: c).isEmpty)
        #expect(rib.pendingUpdates(for: b).count == 1)
    }

    @Test func packingAndInterning() throws {
        var rib = rib()
        let first = (0..<400).map { Routes.macIP($0) }
        let second = (400..<500).map { Routes.macIP($0, vni: 200) }
        rib.apply(Routes.announce(first, Routes.attributes()), from: a)
        rib.apply(Routes.announce(second, Routes.attributes(localPref: 150)), from: a)
        // Two attribute sets as received, two as reflected: not one per route.
        #expect(rib.store.count == 4)
        let out = rib.pendingUpdates(for: b)
        let nlri = out.flatMap { $0.reach?.nlri ?? [] }
        #expect(Set(nlri) == Set(first + second))
        #expect(nlri.count == 500)
        for u in out { #expect(BGPMessage.update(u).encodedLength() <= 4096) }
        // About 45 octets per type-2 NLRI: 500 fit in well under 20 messages.
        #expect(out.count >= 2 && out.count < 20)
        // Every UPDATE carries one attribute set.
        let sets = Set(out.compactMap { $0.reach?.attributes.localPref })
        #expect(sets == [100, 150])
        rib.apply(Routes.withdraw(first + second), from: a)
        #expect(rib.pendingUpdates(for: b).flatMap(\.unreach).count == 500)
        #expect(rib.store.count == 0)
    }

    @Test func withdrawalAndPeerDown() {
        var rib = rib()
        let r1 = Routes.macIP(1), r2 = Routes.macIP(2), r3 = Routes.multicast(vni: 100, vtep: IPv4Address(10, 1, 1, 1))
        rib.apply(Routes.announce([r1, r2, r3], Routes.attributes()), from: a)
        _ = rib.pendingUpdates(for: b)
        rib.apply(Routes.withdraw([r1]), from: a)
        #expect(rib.pendingUpdates(for: b).flatMap(\.unreach) == [r1])
        #expect(Set(rib.advertised(to: b).keys) == [r2, r3])
        rib.removePeer(a)
        #expect(Set(rib.pendingUpdates(for: b).flatMap(\.unreach)) == [r2, r3])
        #expect(rib.advertised(to: b).isEmpty)
        #expect(rib.routeCount == 0)
        // Every attribute set, received or reflected, is released.
        #expect(rib.store.count == 0)
    }

    @Test func bestPathChangesAndFallsBack() throws {
        var rib = rib()
        let route = Routes.macIP(1)
        rib.apply(Routes.announce([route], Routes.attributes(), nextHop: IPv4Address(10, 1, 1, 1)), from: a)
        rib.apply(Routes.announce([route], Routes.attributes(localPref: 200), nextHop: IPv4Address(10, 3, 3, 3)), from: c)
        #expect(rib.best(route)?.peer == c)
        let first = try #require(rib.pendingUpdates(for: b).first?.reach)
        #expect(first.nextHop == [10, 3, 3, 3])
        // A gets C's path (it is not A's own best); C gets A's? No: C's own path is best, so C gets nothing.
        #expect(rib.pendingUpdates(for: a).first?.reach?.nextHop == [10, 3, 3, 3])
        #expect(rib.pendingUpdates(for: c).isEmpty)
        rib.apply(Routes.withdraw([route]), from: c)
        #expect(rib.best(route)?.peer == a)
        #expect(rib.pendingUpdates(for: b).first?.reach?.nextHop == [10, 1, 1, 1])
        // A's own path is now best: A's copy of C's path is withdrawn; C gets A's.
        #expect(rib.pendingUpdates(for: a).flatMap(\.unreach) == [route])
        #expect(rib.pendingUpdates(for: c).first?.reach?.nextHop == [10, 1, 1, 1])
    }

    @Test func initialTableThenEndOfRIBOnceAndRefresh() {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        rib.addPeer(a, Routes.peer(2))
        #expect(rib.pendingUpdates(for: a) == [Update.endOfRIB(.l2vpnEVPN)])
        rib.apply(Routes.announce([Routes.macIP(1), Routes.macIP(2)], Routes.attributes()), from: a)
        rib.addPeer(b, Routes.peer(3))
        let first = rib.pendingUpdates(for: b)
        #expect(first.count == 2)
        #expect(first.first?.reach?.nlri.count == 2)
        #expect(first.last?.endOfRIB == .l2vpnEVPN)
        #expect(rib.pendingUpdates(for: b).isEmpty)
        rib.refresh(b)
        #expect(rib.pendingUpdates(for: b).count == 2)
    }

    @Test func maxPrefixCount() {
        var rib = rib()
        rib.apply(Routes.announce((0..<7).map { Routes.macIP($0) }, Routes.attributes()), from: a)
        #expect(rib.prefixCount(a) == 7)
        rib.apply(Routes.withdraw([Routes.macIP(0)]), from: a)
        #expect(rib.prefixCount(a) == 6)
    }
}

