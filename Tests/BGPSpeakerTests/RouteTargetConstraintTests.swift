import BGP
import BGPSpeaker
import Logging
import NIOCore
import Testing
import TestSupport

/// Route target constraint (RFC 4684) in the reflector's RIB: a client that
/// negotiated the family gets only the EVPN routes of the route targets it
/// sent membership of, follows its membership as it changes, and waits for
/// its membership End-of-RIB; a client without the family gets everything.
struct RouteTargetConstraintTests {
    static let source = PeerID(1), constrained = PeerID(2), plain = PeerID(3)
    static let rtc: Set<AddressFamily> = [.l2vpnEVPN, .routeTargetConstraint]

    static func target(_ vni: UInt32) -> RouteTarget { .twoOctetAS(asn: 65000, value: vni) }
    static func member(_ vni: UInt32) -> RouteTargetMembershipNLRI { RouteTargetMembershipNLRI(originAS: 65000, routeTarget: target(vni)) }

    /// Routes 1-3 in VNI 10, 4-6 in VNI 20, 7 in VNI 30, each with its route target.
    static let tenants: [UInt32: [UInt32]] = [10: [1, 2, 3], 20: [4, 5, 6], 30: [7]]

    static func announce(vni: UInt32, _ numbers: [UInt32]) -> Update {
        var attributes = Routes.attributes()
        attributes[3] = PathAttribute(.extendedCommunities([.routeTarget(target(vni)), .vxlanEncapsulation]))
        return Routes.announce(numbers.map { Routes.macIP($0, vni: vni) }, attributes)
    }

    static func membership(_ m: [RouteTargetMembershipNLRI], withdraw: Bool = false) -> Update {
        let nlri = m.map { NLRI.routeTargetMembership($0) }
        if withdraw { return Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .routeTargetConstraint, nlri: nlri)))])) }
        return Update(attributes: PathAttributes([PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
                                                  PathAttribute(.mpReachNLRI(MPReachNLRI(family: .routeTargetConstraint, nextHop: .v4(IPv4Address(10, 0, 0, 2)), nlri: nlri)))]))
    }

    /// A reflector with a source of every tenant's routes, a constrained client and a plain one.
    static func rib() -> RIB {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        rib.addPeer(source, Routes.peer(1))
        var c = Routes.peer(2)
        c.families = rtc
        rib.addPeer(constrained, c)
        rib.addPeer(plain, Routes.peer(3))
        for (vni, numbers) in tenants { rib.apply(announce(vni: vni, numbers), from: source) }
        return rib
    }

    /// The EVPN routes the peer holds after its pending UPDATEs, by VNI.
    static func held(_ rib: inout RIB, _ peer: PeerID) -> Set<UInt32> {
        _ = rib.pendingUpdates(for: peer)
        return Set(rib.advertised(to: peer).keys.compactMap { n -> UInt32? in
            guard case .macIPAdvertisement(let r)? = n.evpn else { return nil }
            return r.label1.vni
        })
    }

    struct Row: NamedRow {
        var name: String
        var membership: [RouteTargetMembershipNLRI]
        var vnis: Set<UInt32>
    }

    @Test(arguments: [
        Row(name: "no membership: no EVPN route", membership: [], vnis: []),
        Row(name: "one route target", membership: [member(10)], vnis: [10]),
        Row(name: "two route targets", membership: [member(10), member(20)], vnis: [10, 20]),
        Row(name: "a route target nobody uses", membership: [member(99)], vnis: []),
        Row(name: "the default route: everything", membership: [.default], vnis: [10, 20, 30]),
        Row(name: "type and AS of the route targets (64-bit prefix)",
            membership: [RouteTargetMembershipNLRI(length: 64, originAS: 65000, routeTarget: 0x0002_fde8_0000_0000)!], vnis: [10, 20, 30]),
        Row(name: "the same route target from two origin ASes", membership: [member(20), RouteTargetMembershipNLRI(originAS: 65001, routeTarget: target(20))],
            vnis: [20]),
    ])
    func constrainedClientGetsItsRouteTargetsOnly(_ row: Row) {
        var rib = Self.rib()
        if !row.membership.isEmpty { rib.apply(Self.membership(row.membership), from: Self.constrained) }
        rib.apply(.endOfRIB(.routeTargetConstraint), from: Self.constrained)
        #expect(Self.held(&rib, Self.constrained) == row.vnis)
        // A client without the family gets every route, as before.
        #expect(Self.held(&rib, Self.plain) == [10, 20, 30])
    }

    @Test func membershipChangesSendTheDifference() {
        var rib = Self.rib()
        rib.apply(Self.membership([Self.member(10)]), from: Self.constrained)
        rib.apply(.endOfRIB(.routeTargetConstraint), from: Self.constrained)
        #expect(Self.held(&rib, Self.constrained) == [10])

        // RT 20 added: its three routes announced, nothing withdrawn.
        rib.apply(Self.membership([Self.member(20)]), from: Self.constrained)
        var updates = rib.pendingUpdates(for: Self.constrained)
        #expect(Set(updates.flatMap { $0.reach?.nlri ?? [] }) == Set(Self.tenants[20]!.map { Routes.macIP($0, vni: 20) }))
        #expect(updates.allSatisfy { $0.unreach.isEmpty })

        // RT 10 withdrawn: its routes withdrawn, nothing announced.
        rib.apply(Self.membership([Self.member(10)], withdraw: true), from: Self.constrained)
        updates = rib.pendingUpdates(for: Self.constrained)
        #expect(Set(updates.flatMap(\.unreach)) == Set(Self.tenants[10]!.map { Routes.macIP($0, vni: 10) }))
        #expect(updates.allSatisfy { $0.reach == nil })
        #expect(Self.held(&rib, Self.constrained) == [20])

        // A new route of a member tenant follows at once; one of another tenant does not.
        rib.apply(Self.announce(vni: 20, [8]), from: Self.source)
        rib.apply(Self.announce(vni: 30, [9]), from: Self.source)
        #expect(rib.pendingUpdates(for: Self.constrained).flatMap { $0.reach?.nlri ?? [] } == [Routes.macIP(8, vni: 20)])
        #expect(rib.membership(Self.constrained)?.admits([Self.target(20)]) == true)
        #expect(rib.membership(Self.plain) == nil)
    }

    struct Step: NamedRow {
        var name: String
        var changes: [(member: RouteTargetMembershipNLRI, withdraw: Bool)]
        var vnis: Set<UInt32>
    }

    /// Whole route targets narrow the rescan to their routes; a wildcard or a
    /// partial prefix (or a mix in one go) weighs every route again.
    @Test(arguments: [
        [Step(name: "default added", changes: [(.default, false)], vnis: [10, 20, 30]),
         Step(name: "default gone", changes: [(.default, true)], vnis: [10])],
        [Step(name: "20 and default in one go", changes: [(member(20), false), (.default, false)], vnis: [10, 20, 30]),
         Step(name: "default and 10 gone in one go", changes: [(.default, true), (member(10), true)], vnis: [20])],
        [Step(name: "64-bit prefix of every 65000 target", changes: [(RouteTargetMembershipNLRI(length: 64, originAS: 65000, routeTarget: 0x0002_fde8_0000_0000)!, false)],
              vnis: [10, 20, 30]),
         Step(name: "30 added, prefix gone", changes: [(member(30), false), (RouteTargetMembershipNLRI(length: 64, originAS: 65000, routeTarget: 0x0002_fde8_0000_0000)!, true)],
              vnis: [10, 30])],
    ])
    func wildcardsAndWholeTargetsMix(_ steps: [Step]) {
        var rib = Self.rib()
        rib.apply(Self.membership([Self.member(10)]), from: Self.constrained)
        rib.apply(.endOfRIB(.routeTargetConstraint), from: Self.constrained)
        #expect(Self.held(&rib, Self.constrained) == [10])
        for step in steps {
            for c in step.changes { rib.apply(Self.membership([c.member], withdraw: c.withdraw), from: Self.constrained) }
            #expect(Self.held(&rib, Self.constrained) == step.vnis, "\(step.name)")
        }
    }

    @Test func evpnWaitsForTheMembershipEndOfRIB() {
        var rib = Self.rib()
        rib.apply(Self.membership([Self.member(10)]), from: Self.constrained)
        // Before its End-of-RIB: no EVPN route and no EVPN End-of-RIB, only ours for the membership family.
        var updates = rib.pendingUpdates(for: Self.constrained)
        #expect(updates.allSatisfy { $0.reach == nil })
        #expect(updates.compactMap(\.endOfRIB) == [.routeTargetConstraint])
        #expect(rib.isAwaitingMembership(Self.constrained))
        // Its End-of-RIB: the table of its route targets, then the EVPN End-of-RIB.
        rib.apply(.endOfRIB(.routeTargetConstraint), from: Self.constrained)
        updates = rib.pendingUpdates(for: Self.constrained)
        #expect(updates.last?.endOfRIB == .l2vpnEVPN)
        #expect(Set(updates.flatMap { $0.reach?.nlri ?? [] }) == Set(Self.tenants[10]!.map { Routes.macIP($0, vni: 10) }))
    }

    @Test func waitEndsByTimerWithTheMembershipSoFar() {
        var rib = Self.rib()
        rib.apply(Self.membership([Self.member(30)]), from: Self.constrained)
        #expect(Self.held(&rib, Self.constrained).isEmpty)
        rib.endMembershipWait(Self.constrained)
        #expect(Self.held(&rib, Self.constrained) == [30])
    }

    /// During our selection deferral only membership goes out; the rest stays owed.
    @Test func membershipAloneCanBeSentFirst() {
        var rib = Self.rib()
        rib.addPeer(PeerID(0), RIBPeer(address: .v4(Routes.rr), routerID: Routes.rr, routeReflectorClient: false, families: Self.rtc, local: true))
        rib.replaceRoutes(RouteTargetMembership.routes([.default], nextHop: Routes.rr), from: PeerID(0))
        rib.apply(Self.membership([Self.member(10)]), from: Self.constrained)
        rib.apply(.endOfRIB(.routeTargetConstraint), from: Self.constrained)
        let first = rib.pendingUpdates(for: Self.constrained, only: [.routeTargetConstraint])
        #expect(first.flatMap { $0.reach?.nlri ?? [] } == [.routeTargetMembership(.default)])
        #expect(first.compactMap(\.endOfRIB) == [.routeTargetConstraint])
        let rest = rib.pendingUpdates(for: Self.constrained)
        #expect(Set(rest.flatMap { $0.reach?.nlri ?? [] }) == Set(Self.tenants[10]!.map { Routes.macIP($0, vni: 10) }))
        #expect(rest.compactMap(\.endOfRIB) == [.l2vpnEVPN])
    }

    @Test func reflectorOwnDefaultMembershipGoesOnlyToConstrainedPeers() {
        var rib = Self.rib()
        rib.addPeer(PeerID(0), RIBPeer(address: .v4(Routes.rr), routerID: Routes.rr, routeReflectorClient: false, families: Self.rtc, local: true))
        rib.replaceRoutes(RouteTargetMembership.routes([.default], nextHop: Routes.rr), from: PeerID(0))
        let sent = rib.pendingUpdates(for: Self.constrained).flatMap { $0.reach?.nlri ?? [] }
        #expect(sent == [.routeTargetMembership(.default)])
        #expect(rib.pendingUpdates(for: Self.plain).allSatisfy { $0.reach?.nlri.contains(.routeTargetMembership(.default)) != true })
    }
}

/// The same through real sessions: a reflector and three client speakers on
/// loopback, two of them with route target constraint.
@Suite(.serialized)
struct RouteTargetConstraintSpeakerTests {
    static func logger() -> Logger {
        var l = Logger(label: "test.rtc")
        l.logLevel = .critical
        return l
    }

    static func evpn(_ n: UInt32, vni: UInt32, vtep: IPv4Address) -> (NLRI, RouteAttributes) {
        let attributes = PathAttributes([PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
                                         PathAttribute(.extendedCommunities([.routeTarget(RouteTargetConstraintTests.target(vni)), .vxlanEncapsulation]))])
        return (Routes.macIP(n, vni: vni, vtep: vtep), RouteAttributes(attributes: attributes, nextHop: IPAddress.v4(vtep).bytes))
    }

    /// A client speaker at `address` that dials the reflector; `rtc` offers the family.
    static func client(_ address: IPv4Address, rrPort: Int, rtc: Bool) -> Speaker {
        Speaker(SpeakerConfiguration(localAS: 65000, routerID: address, listenHost: "\(address)", listenPort: 0,
                                     neighbors: [NeighborConfiguration(address: IPv4Address(127, 78, 0, 1), port: rrPort, peerAS: 65000,
                                                                       routeReflectorClient: false)],
                                     connectRetryTime: .seconds(1),
                                     families: rtc ? [.l2vpnEVPN, .routeTargetConstraint] : [.l2vpnEVPN]),
                logger: logger())
    }

    /// What a client originates: its EVPN routes and, by route target, its membership.
    static func routes(_ evpn: [(NLRI, RouteAttributes)], members vnis: [UInt32], of address: IPv4Address) -> [NLRI: RouteAttributes] {
        var out = Dictionary(evpn, uniquingKeysWith: { a, _ in a })
        out.merge(RouteTargetMembership.routes(vnis.map(RouteTargetConstraintTests.member), nextHop: address)) { a, _ in a }
        return out
    }

    /// Within 10 s the speaker holds exactly `wanted` (and says what it holds if not).
    static func expect(_ s: Speaker, holds wanted: Set<NLRI>, _ name: String) async {
        let ok = await eventually(10) { await received(s) == wanted }
        let held = await received(s)
        #expect(ok, "\(name) holds \(held)")
    }

    static func received(_ s: Speaker) async -> Set<NLRI> {
        Set(await s.receivedBestRoutes().map(\.nlri).filter { $0.evpn != nil })
    }

    @Test func clientsGetTheirTenantsRoutesAndFollowMembership() async throws {
        let rrAddress = IPv4Address(127, 78, 0, 1)
        let rr = Speaker(SpeakerConfiguration(localAS: 65000, routerID: rrAddress, listenHost: "\(rrAddress)", listenPort: 0,
                                              accept: [NeighborRange("127.78.0.0/16")!], families: [.l2vpnEVPN, .routeTargetConstraint]),
                         logger: Self.logger())
        await rr.originate(RouteTargetMembership.routes([.default], nextHop: rrAddress))
        let port = try await rr.start().port ?? 0
        let (a, b, c) = (IPv4Address(127, 78, 0, 11), IPv4Address(127, 78, 0, 12), IPv4Address(127, 78, 0, 13))
        let sa = Self.client(a, rrPort: port, rtc: true), sb = Self.client(b, rrPort: port, rtc: true), sc = Self.client(c, rrPort: port, rtc: false)
        let a10 = Self.evpn(1, vni: 10, vtep: a), b10 = Self.evpn(2, vni: 10, vtep: b), b20 = Self.evpn(3, vni: 20, vtep: b)
        let c20 = Self.evpn(4, vni: 20, vtep: c)
        await sa.originate(Self.routes([a10], members: [10], of: a))
        await sb.originate(Self.routes([b10, b20], members: [20], of: b))
        await sc.originate(Self.routes([c20], members: [], of: c))
        do {
            for s in [sa, sb, sc] { try await s.start() }
            // A imports RT 10: B's VNI 10 route only. B imports RT 20: C's route.
            // C has no route target constraint: every other client's route.
            await Self.expect(sa, holds: [b10.0], "A")
            await Self.expect(sb, holds: [c20.0], "B")
            await Self.expect(sc, holds: [a10.0, b10.0, b20.0], "C")
            // The reflector's view of each client's imports; C, without the family, gets everything.
            let imports = Dictionary(await rr.neighbors().map { ($0.address, $0.routeTargetMembership?.members) }, uniquingKeysWith: { a, _ in a })
            let expected: [String: [String]?] = ["\(a)": ["65000:10"], "\(b)": ["65000:20"], "\(c)": nil]
            #expect(imports == expected, "\(imports)")
            // The clients' own EVPN routes reached the reflector whole (its default membership asked for them).
            #expect(Set(await rr.receivedBestRoutes().map(\.nlri).filter { $0.evpn != nil }) == [a10.0, b10.0, b20.0, c20.0])

            // B joins tenant 10: A's route follows. A leaves 10 for 20: B's 10 goes, B's and C's 20 come.
            await sb.originate(Self.routes([b10, b20], members: [10, 20], of: b))
            await sa.originate(Self.routes([a10], members: [20], of: a))
            await Self.expect(sb, holds: [a10.0, c20.0], "B")
            await Self.expect(sa, holds: [b20.0, c20.0], "A")
            #expect(await Self.received(sc) == [a10.0, b10.0, b20.0])
        } catch {
            Issue.record("\(error)")
        }
        for s in [sa, sb, sc, rr] { await s.shutdown() }
    }
}
