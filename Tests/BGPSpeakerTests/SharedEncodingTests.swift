import BGP
import BGPSpeaker
import NIOCore
import Testing
import TestSupport

/// The shared-encoding path (`RIB.pendingMessages` with one cache for all
/// peers, as the speaker flushes) sends every peer exactly the bytes its own
/// per-peer path (`pendingUpdates`, encoded with its options) would: split
/// horizon, the ORIGINATOR_ID and CLUSTER_LIST rules, non-clients, route
/// target constraint, session options that change the wire (extended
/// messages, 2-octet AS numbers) and late joiners. Bounded flushes end in the same
/// Adj-RIB-Out with every route once.
///
/// The shared path groups peers in step (`Subgroup`); the own path has
/// `subgroups` off. A peer taken at the same moments gets the same bytes;
/// one left unread (a slow reader) ends with the same routes, having been
/// sent each change in order. The rows split groups (a slow reader, a
/// source, a membership change) and merge them (a late joiner catching up,
/// the slow reader once it has read).
struct SharedEncodingTests {
    enum Step: Sendable {
        case add(PeerID, RIBPeer)
        case apply(Update, from: PeerID)
        case remove(PeerID)
        /// Every peer takes what it is owed; the two paths are compared here.
        case drain
        /// The same, but these peers are not read (their sockets are full).
        case drainSkipping([PeerID])
        /// RFC 4684 §6: the wait for the peer's membership ends (its timer).
        case endMembershipWait(PeerID)
    }

    struct Row: NamedRow {
        var name: String
        var steps: [Step]
        var options: [PeerID: SessionOptions] = [:]
        /// Whether some run must have been encoded once for two peers or more.
        var shares: Bool
        /// Whether a peer must have split off its group (a source of routes always does).
        var splits = false
        /// Peers that must end planned in one group.
        var groupedAtEnd: [PeerID] = []
    }

    static let rtc: Set<AddressFamily> = [.l2vpnEVPN, .routeTargetConstraint]
    static let internalOptions = SessionOptions(fourOctetAS: true, internalPeer: true)

    static func peer(_ last: UInt8, client: Bool = true, families: Set<AddressFamily> = [.l2vpnEVPN]) -> Step {
        var info = Routes.peer(last, client: client)
        info.families = families
        return .add(PeerID(UInt32(last)), info)
    }

    static func routes(_ numbers: ClosedRange<UInt32>, vni: UInt32 = 100) -> [NLRI] { numbers.map { Routes.macIP($0, vni: vni) } }

    static func tenant(_ numbers: ClosedRange<UInt32>, vni: UInt32, from source: UInt32 = 1, asPath: ASPath = ASPath(),
                       extra: [PathAttribute] = []) -> Step {
        var attributes = Routes.attributes(extra: extra)
        attributes[1] = PathAttribute(.asPath(asPath))
        attributes[3] = PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: 65000, value: vni)), .vxlanEncapsulation]))
        return .apply(Routes.announce(routes(numbers, vni: vni), attributes), from: PeerID(source))
    }

    static func membership(_ vnis: [UInt32], of peer: UInt32) -> [Step] {
        let nlri = vnis.map { NLRI.routeTargetMembership(RouteTargetMembershipNLRI(originAS: 65000, routeTarget: .twoOctetAS(asn: 65000, value: $0))) }
        let reach = Update(attributes: PathAttributes([
            PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
            PathAttribute(.mpReachNLRI(MPReachNLRI(family: .routeTargetConstraint, nextHop: .v4(IPv4Address(10, 0, 0, UInt8(peer))), nlri: nlri))),
        ]))
        return [.apply(reach, from: PeerID(peer)), .apply(.endOfRIB(.routeTargetConstraint), from: PeerID(peer))]
    }

    static let rows: [Row] = [
        Row(name: "split horizon: a client's routes go to the others, not back",
            steps: [peer(1), peer(2), peer(3), peer(4), .drain, tenant(1...300, vni: 10), tenant(301...320, vni: 10, from: 2), .drain],
            shares: true),
        Row(name: "originator and cluster list: never to the originator, our cluster id prepended",
            steps: [peer(1), peer(2), peer(3), peer(4), .drain,
                    tenant(1...50, vni: 10, extra: [PathAttribute(.originatorID(IPv4Address(10, 0, 0, 3))),
                                                    PathAttribute(.clusterList(ClusterList([IPv4Address(10, 9, 9, 9)])))]),
                    tenant(51...80, vni: 10, extra: [PathAttribute(.originatorID(IPv4Address(10, 0, 0, 9)))]),
                    // Our own cluster id: a loop, dropped.
                    tenant(81...90, vni: 10, extra: [PathAttribute(.clusterList(ClusterList([Routes.cluster])))]),
                    .drain],
            shares: true),
        Row(name: "non-clients: not reflected between two of them",
            steps: [peer(1, client: false), peer(2, client: false), peer(3), peer(4), .drain, tenant(1...100, vni: 10), .drain,
                    tenant(101...150, vni: 10, from: 3), .drain],
            shares: true),
        Row(name: "route target constraint: each client its tenants, membership changing",
            steps: [peer(1), peer(2, families: rtc), peer(3, families: rtc), peer(4, families: rtc), peer(5)]
                + membership([10], of: 2) + membership([10], of: 3) + membership([20, 30], of: 4)
                + [.drain, tenant(1...100, vni: 10), tenant(101...200, vni: 20), tenant(201...250, vni: 30), .drain]
                + membership([20], of: 3) + [.drain, .apply(Routes.withdraw(routes(1...40, vni: 10) + routes(101...120, vni: 20)), from: PeerID(1)), .drain],
            shares: true),
        // The speaker never offers ADD-PATH send, so no session sends path identifiers: what can
        // differ between sessions is the message size and the AS number width.
        Row(name: "session options: extended messages and 2-octet AS encode apart, the rest share",
            steps: [peer(1), peer(2), peer(3), peer(4), peer(5), .drain,
                    tenant(1...400, vni: 10, asPath: ASPath([ASPathSegment(.asSequence, [65001, 70000])])), .drain,
                    .apply(Routes.withdraw(routes(1...200, vni: 10)), from: PeerID(1)), .drain],
            options: [PeerID(2): SessionOptions(fourOctetAS: true, extendedMessage: true, internalPeer: true),
                      PeerID(3): SessionOptions(fourOctetAS: false, internalPeer: true)],
            shares: true),
        Row(name: "withdrawals, new attributes, a peer leaving, a late joiner",
            steps: [peer(1), peer(2), peer(3), .drain, tenant(1...500, vni: 10), .drain,
                    .apply(Routes.withdraw(routes(1...250, vni: 10)), from: PeerID(1)), tenant(251...300, vni: 10, extra: [PathAttribute(.multiExitDisc(5))]),
                    .drain, .remove(PeerID(2)), peer(4), tenant(600...610, vni: 10, from: 4), .drain],
            shares: true),
        Row(name: "a single client: nothing to share",
            steps: [peer(1), peer(2), .drain, tenant(1...100, vni: 10), .drain], shares: false),
        Row(name: "subgroup: a slow reader splits off, then merges back in step",
            steps: [peer(1), peer(2), peer(3), peer(4), .drain, tenant(1...200, vni: 10), .drainSkipping([PeerID(4)]),
                    tenant(201...300, vni: 10), .drainSkipping([PeerID(4)]),
                    .apply(Routes.withdraw(routes(1...50, vni: 10)), from: PeerID(1)), tenant(301...320, vni: 20), .drain, .drain],
            shares: true, splits: true, groupedAtEnd: [PeerID(2), PeerID(3), PeerID(4)]),
        Row(name: "subgroup: a peer joining late catches up alone, then joins",
            steps: [peer(1), peer(2), peer(3), .drain, tenant(1...300, vni: 10), .drain, peer(5), tenant(301...310, vni: 10),
                    .drain, .drain, tenant(311...320, vni: 10), .drain],
            shares: true, groupedAtEnd: [PeerID(2), PeerID(3), PeerID(5)]),
        Row(name: "subgroup: route target constraint, a member's membership changes and it splits off",
            steps: [peer(1), peer(2, families: rtc), peer(3, families: rtc), peer(4, families: rtc),
                    .endMembershipWait(PeerID(2)), .endMembershipWait(PeerID(3)), .endMembershipWait(PeerID(4)), .drain,
                    tenant(1...100, vni: 10), tenant(101...150, vni: 20), .drain]
                + membership([10], of: 3) + [.drain, tenant(151...170, vni: 10), .drain],
            shares: true, splits: true, groupedAtEnd: [PeerID(2), PeerID(4)]),
        Row(name: "subgroup: a member named as ORIGINATOR_ID splits off",
            steps: [peer(1), peer(2), peer(3), peer(4), .drain, tenant(1...50, vni: 10), .drain,
                    tenant(51...80, vni: 10, extra: [PathAttribute(.originatorID(IPv4Address(10, 0, 0, 3)))]), .drain,
                    tenant(81...90, vni: 10), .drain],
            shares: true, splits: true, groupedAtEnd: [PeerID(2), PeerID(4)]),
    ]

    static func options(_ row: Row, _ peer: PeerID) -> SessionOptions { row.options[peer] ?? internalOptions }

    /// Runs the steps; at each drain, `take` gives every peer read (in id order) its bytes.
    @discardableResult
    static func run(_ row: Row, subgroups: Bool = true, _ take: (inout RIB, [PeerID]) -> [PeerID: [UInt8]]) -> (drains: [[PeerID: [UInt8]]], rib: RIB) {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        rib.subgroups = subgroups
        var drains: [[PeerID: [UInt8]]] = []
        for step in row.steps {
            switch step {
            case .add(let id, let info): rib.addPeer(id, info)
            case .apply(let u, let from): rib.apply(u, from: from)
            case .remove(let id): rib.removePeer(id)
            case .endMembershipWait(let id): rib.endMembershipWait(id)
            case .drain: drains.append(take(&rib, rib.peerIDs))
            case .drainSkipping(let skipped): drains.append(take(&rib, rib.peerIDs.filter { !skipped.contains($0) }))
            }
        }
        return (drains, rib)
    }

    /// Peers some drain does not read.
    static func skipped(_ row: Row) -> Set<PeerID> {
        Set(row.steps.flatMap { step -> [PeerID] in if case .drainSkipping(let p) = step { p } else { [] } })
    }

    /// The routes a stream of UPDATEs leaves a peer holding, in order.
    static func held(_ bytes: [UInt8], options: SessionOptions) throws -> [NLRI: PathAttributes] {
        var d = MessageStreamDecoder(maximumMessageLength: options.maximumMessageLength)
        d.append(ByteBuffer(bytes: bytes))
        var out: [NLRI: PathAttributes] = [:]
        while let message = try d.next() {
            guard case .update(let u) = try BGPMessage.decode(message, options: options) else { continue }
            for n in u.attributes.mpUnreachNLRI?.nlri ?? [] { out[n] = nil }
            for n in u.attributes.mpReachNLRI?.nlri ?? [] { out[n] = u.attributes.withoutMultiprotocol }
        }
        return out
    }

    @Test(arguments: rows)
    func sharedBytesAreEachPeersOwn(_ row: Row) throws {
        let (own, ownRIB) = Self.run(row, subgroups: false) { rib, peers in
            var out: [PeerID: [UInt8]] = [:]
            for p in peers {
                var b = ByteBuffer()
                for u in rib.pendingUpdates(for: p, options: Self.options(row, p)) { BGPMessage.update(u).encode(into: &b, options: Self.options(row, p)) }
                out[p] = Array(b.readableBytesView)
            }
            return out
        }
        var hits = 0
        let (shared, sharedRIB) = Self.run(row) { rib, peers in
            var out: [PeerID: [UInt8]] = [:]
            // Rounds until the peers read are owed nothing: a group waits for its members to take each plan.
            for _ in 0..<1_000 {
                var cache = OutboundEncodingCache()
                for p in peers {
                    let m = rib.pendingMessages(for: p, options: Self.options(row, p), cache: &cache)
                    out[p, default: []] += m.buffers.flatMap { Array($0.readableBytesView) }
                }
                hits += cache.hits
                if !peers.contains(where: { rib.hasPendingUpdates($0) }) { break }
            }
            return out
        }
        #expect(own.count == shared.count)
        let slow = Self.skipped(row)
        for (k, (a, b)) in zip(own, shared).enumerated() {
            for p in a.keys.sorted() where !slow.contains(p) {
                let same = a[p] == b[p]
                #expect(same, "drain \(k), \(p): \(a[p]?.count ?? 0) octets on its own path, \(b[p]?.count ?? 0) shared")
            }
            #expect(a.keys.sorted() == b.keys.sorted())
        }
        // Every peer, the slow included, ends holding what it holds on its own path, as the bytes tell.
        for p in ownRIB.peerIDs {
            let o = Self.options(row, p)
            let (a, b) = (try Self.held(own.flatMap { $0[p] ?? [] }, options: o), try Self.held(shared.flatMap { $0[p] ?? [] }, options: o))
            let same = a == b, sameRIB = ownRIB.advertised(to: p) == sharedRIB.advertised(to: p)
            #expect(same, "\(p) holds \(a.count) routes on its own path, \(b.count) shared")
            #expect(sameRIB, "\(p)")
        }
        // Something was sent at all, or the comparison proves nothing.
        #expect(own.joined().contains { $0.value.count > 23 })
        let served = sharedRIB.subgroupServes
        #expect((hits + served > 0) == row.shares, "\(hits) runs shared, \(served) plans served to a group's members")
        if row.splits { #expect(sharedRIB.subgroupSplits > 0) }
        if let first = row.groupedAtEnd.first {
            #expect(sharedRIB.subgroupMembers(of: first).sorted() == row.groupedAtEnd)
        }
    }

    /// In bounded pieces (a budget far below the table), taken round robin
    /// as the speaker does: every peer ends with the same Adj-RIB-Out as on
    /// its own path, each route announced to it once per drain.
    @Test(arguments: rows)
    func boundedFlushesEndTheSame(_ row: Row) throws {
        var ownRIBs: [PeerID: [NLRI: RouteAttributes]] = [:]
        _ = Self.run(row) { rib, peers in
            for p in peers {
                _ = rib.pendingUpdates(for: p, options: Self.options(row, p))
                ownRIBs[p] = rib.advertised(to: p)
            }
            return [:]
        }
        var boundedRIBs: [PeerID: [NLRI: RouteAttributes]] = [:]
        var decodingFailed = false
        _ = Self.run(row) { rib, peers in
            var announced: [PeerID: [NLRI]] = [:]
            var pieces = 0
            repeat {
                var cache = OutboundEncodingCache()
                var sent = false
                for p in peers where rib.hasPendingUpdates(p) {
                    let m = rib.pendingMessages(for: p, options: Self.options(row, p), budget: 1_000, cache: &cache)
                    #expect(m.bytes <= 1_000 + 2 * 4096, "a bounded piece of \(m.bytes) octets")
                    sent = sent || !m.isEmpty
                    var d = MessageStreamDecoder()
                    for b in m.buffers { d.append(b) }
                    while let message = try? d.next() {
                        guard case .update(let u)? = try? BGPMessage.decode(message, options: Self.options(row, p)) else { decodingFailed = true; continue }
                        announced[p, default: []] += u.attributes.mpReachNLRI?.nlri ?? []
                    }
                }
                pieces += 1
                if !sent, !peers.contains(where: { rib.hasPendingUpdates($0) }) { break }
            } while pieces < 10_000
            for p in peers {
                #expect(Set(announced[p] ?? []).count == (announced[p] ?? []).count, "\(p) was announced a route twice")
                boundedRIBs[p] = rib.advertised(to: p)
            }
            return [:]
        }
        #expect(!decodingFailed)
        #expect(ownRIBs == boundedRIBs)
    }
}
