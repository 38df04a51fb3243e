import BGP
import NIOCore

/// Adj-RIB-In per peer, the Loc-RIB and Adj-RIB-Out per peer (RFC 4271
/// §3.2), for a route reflector. Sans I/O: feed it UPDATEs and peers coming
/// and going, take packed UPDATEs out per peer.
///
/// Built for a million routes in under 300 bytes each: every destination's
/// NLRI is stored once, packed as plain bytes in `routes` (`PackedRoutes`:
/// copied, compared and dropped without reference counting), and everything else names it by a
/// 4-byte route index (the lookup table holds indices and hashes only). Attribute sets
/// are interned in an `AttributeStore`. The Adj-RIB-In lives in the Loc-RIB
/// entry: the first path inline (most EVPN destinations have one), further
/// paths in a side table. Adj-RIB-Out is a dense array per peer.
public struct RIB: Sendable {
    public typealias RouteIndex = UInt32
    public let reflection: RouteReflection
    public private(set) var store = AttributeStore(released: RouteAttributes(attributes: PathAttributes(), nextHop: []))

    /// Each destination's NLRI by route index, as last announced, packed;
    /// free while the index is. Destinations are told apart by `NLRI.key`: the
    /// fields outside it (EVPN labels, ESI, gateway) are those of the
    /// latest announcement of the key, whichever peer sent it.
    private var routes = PackedRoutes()
    private var loc: [LocEntry] = []
    private var lookup = RouteIndexTable()
    /// What touching lookup slots read (kept so the reads are not optimised away).
    private var touched: UInt64 = 0
    /// Keys `keyHash`: random per RIB.
    private let hashSeed: (UInt64, UInt64, UInt64) = (.random(in: .min ... .max), .random(in: .min ... .max), .random(in: .min ... .max))
    /// The paths after the first, of the few destinations that have several.
    private var morePaths: [RouteIndex: [Path]] = [:]
    private var freeIndices: [RouteIndex] = []
    private var peers: [PeerID: PeerTables] = [:]
    /// The keys of `peers`, kept apart: looping over `peers.keys` while
    /// marking a peer would share, then copy, the peer's tables per route.
    private var peerList: [PeerID] = []
    /// Received attribute set -> its reflected form, for one source router id:
    /// routes sharing attributes are reflected without rebuilding them.
    private var reflectedCache: [AttributeStore.ID: (source: IPv4Address, ebgp: Bool, out: AttributeStore.ID)] = [:]
    /// The entry of `reflectedCache` last used (cleared as it goes).
    private var lastReflected: (received: AttributeStore.ID, source: IPv4Address, ebgp: Bool, out: AttributeStore.ID)?
    /// Peers whose EVPN routes are constrained by their RT membership (RFC
    /// 4684): while none is, paths change without looking at membership.
    private var constrainedPeers = 0
    /// Moves whenever a peer, its membership or its wait for it changes: the memo below is stale then.
    private var membershipEpoch = 0
    private var admitMemo = AdmitMemo()
    /// Peers planned as one (`Subgroup`), by the pseudo peer id their shared tables sit under in `peers`.
    private var groups: [PeerID: Subgroup] = [:]
    private var nextGroup: UInt32 = 0
    /// The last source and attribute set found to make no group member differ (cleared as groups change).
    private var deviationMemo: (source: PeerID, attributes: AttributeStore.ID, dropped: Int)?
    /// Peers and groups last seen in step, by what they must share to merge
    /// (checked again when found: entries go stale).
    private var inStep: [SubgroupSyncKey: [PeerID]] = [:]
    /// Whether `pendingMessages` groups peers in step (`Subgroup`). Off,
    /// every peer is planned on its own: the reference the groups are tested against.
    public var subgroups = true
    /// Peers that were served a plan their group had made (not made for them alone).
    public private(set) var subgroupServes = 0
    /// Peers that left a group with a copy of its tables (fell behind or differed).
    public private(set) var subgroupSplits = 0
    /// Asks for a group's next plan refused because a member had not taken the last.
    public private(set) var subgroupStalls = 0
    /// Groups now, and the peers in them.
    public var subgroupCount: Int { groups.count }
    public var groupedPeerCount: Int { groups.values.reduce(0) { $0 + $1.members.count } }
    /// The peers planned with this one (itself included); empty when it is planned alone.
    public func subgroupMembers(of peer: PeerID) -> [PeerID] { peers[peer]?.group.flatMap { groups[$0]?.members } ?? [] }

    /// The route targets of the last reflected attribute set marked (routes come in runs of one set).
    struct AdmitMemo {
        var attributes: AttributeStore.ID?
        /// `AttributeStore.dropped` when it was taken: ids are reused.
        var dropped = -1
        var targets: [RouteTarget] = []
    }

    /// The peers a constrained-family route may be owed to, by the route
    /// targets they import (RFC 4684), rebuilt when peers or memberships
    /// change (`membershipEpoch`): marking a route weighs its importers,
    /// not every peer.
    struct TargetIndex {
        var epoch = -1
        var byTarget: [UInt64: [PeerID]] = [:]
        /// Peers weighed for every route: unconstrained, waiting for their
        /// membership, or importing a wildcard or part of a route target.
        var everyRoute: [PeerID] = []
    }
    private var targetIndex = TargetIndex()
    /// The peers an unconstrained change is marked for (`PeerTables.mark`
    /// takes: not local, not restarting, in no group; a group is marked
    /// under its own id), rebuilt when peers change (`membershipEpoch`): a
    /// thousand clients in one group cost a route one mark, not a thousand looks.
    private var markable: (epoch: Int, peers: [PeerID]) = (-1, [])
    /// Up to this many peers (groups counted), `decide` walks them all instead.
    static let markWalkLimit = 16

    /// One path of a destination: the peer it came from, its attributes as received.
    struct Path: Sendable {
        var peer: PeerID
        var attributes: AttributeStore.ID
    }

    /// The Loc-RIB entry of a destination (20 bytes): its first path, the
    /// best path's peer with its reflected attributes, and a reference count.
    struct LocEntry: Sendable {
        static let none = UInt32.max
        var firstPeer = none
        var firstAttributes: AttributeStore.ID = 0
        var bestPeer = none
        var out = none
        /// Paths and Adj-RIB-Out entries naming the route; the index is freed at zero.
        var references: UInt32 = 0

        var first: Path? { firstPeer == Self.none ? nil : Path(peer: PeerID(firstPeer), attributes: firstAttributes) }
        var best: PeerID? {
            get { bestPeer == Self.none ? nil : PeerID(bestPeer) }
            set { bestPeer = newValue?.rawValue ?? Self.none }
        }
        var outAttributes: AttributeStore.ID? {
            get { out == Self.none ? nil : out }
            set { out = newValue ?? Self.none }
        }
    }

    struct PeerTables: Sendable {
        var info: RIBPeer
        /// Paths held in its Adj-RIB-In (they live in the Loc-RIB entries).
        var received = 0
        var adjOut = AdjRIBOut()
        /// Destinations changed since its last UPDATEs.
        var pending = PendingRoutes()
        /// Families whose End-of-RIB it is still owed.
        var endOfRIBPending: Set<AddressFamily>
        /// The route targets it imports, when it negotiated RFC 4684; nil: it gets every route.
        var membership: RouteTargetMembership?
        /// RFC 4684 §6: its EVPN routes wait for its membership's End-of-RIB (or our timer).
        var awaitingMembership: Bool
        /// Its membership changed since its last UPDATEs: the routes it
        /// bears on are looked at again.
        var membershipChanged = false
        /// The whole route targets that came or went since (their 64 bits):
        /// only routes carrying one of them can change. Empty with
        /// `membershipChanged` means every route (a wildcard or partial
        /// prefix moved, or the wait for membership ended).
        var changedTargets: Set<UInt64> = []
        /// Routes it holds whose NLRI changed outside the key since it was
        /// sent them (a new label, ESI or gateway): sent again even when the
        /// attributes are the same.
        var renamed: Set<RouteIndex> = []
        /// Routes not sent to it because one alone makes an UPDATE over its
        /// maximum message length (counted each time one is left out).
        var unsendable = 0
        /// Routes kept from before a graceful restart (RFC 4724 §4.2), not yet re-announced.
        var stale: Set<RouteIndex> = []
        /// Down but restarting: its routes stay, it is sent nothing.
        var restarting = false
        /// The group it is planned with: its own tables then hold no marks
        /// and no Adj-RIB-Out (the group's tables do).
        var group: PeerID?
        /// The group generation it took last.
        var taken = 0
        /// The session options it was last planned with.
        var options: SessionOptions?
        /// What its group had planned for it and it had not taken when it left: sent first.
        var carried: OutboundMessages?

        init(info: RIBPeer) {
            self.info = info
            endOfRIBPending = info.families
            let constrained = !info.local && info.families.contains(.routeTargetConstraint)
            membership = constrained ? RouteTargetMembership() : nil
            awaitingMembership = constrained
        }

        /// Whether its EVPN routes are filtered by membership.
        var constrained: Bool { membership != nil }

        /// Marks a constrained-family route only if it may be owed: its
        /// membership takes the route's targets (`verdict`, weighed here
        /// when nil), or it holds the route and may have to lose it.
        mutating func markIfOwed(_ i: RouteIndex, verdict: inout Bool?, targets: [RouteTarget], attributes: AttributeStore.ID?) {
            if verdict == nil { verdict = admits(targets, attributes: attributes) }
            guard verdict == true || adjOut[i] != nil else { return }
            mark(i)
        }

        /// Whether a constrained-family route with these reflected attributes (nil: none) may go to it now.
        func admits(_ targets: [RouteTarget], attributes: AttributeStore.ID?) -> Bool {
            guard attributes != nil else { return false }
            guard let membership else { return true }
            return !awaitingMembership && membership.admits(targets)
        }

        /// Notes that destination `i` may have changed for this peer. The
        /// local pseudo-peer and a restarting peer are sent nothing, so nothing is noted.
        mutating func mark(_ i: RouteIndex) {
            guard !info.local, !restarting, group == nil else { return }
            pending.insert(i)
        }
    }

    /// Destinations whose best path changed since `takeBestChanges`, kept
    /// only once an application asked (the reflector never does): bounded
    /// by the number of destinations.
    /// By route key (`NLRI.key`): a route relabelled in place is one destination.
    private var bestChanged: [Set<NLRI>] = Array(repeating: [], count: BestChangeReader.allCases.count)
    private var tracking: [Bool] = Array(repeating: false, count: BestChangeReader.allCases.count)
    private var tracksBestChanges = false

    /// Who follows the Loc-RIB by deltas: each has its own record of what changed.
    public enum BestChangeReader: Int, CaseIterable, Sendable {
        /// The application (the agent's flows).
        case application
        /// Monitoring (BMP's Loc-RIB, RFC 9069).
        case monitoring
    }

    private mutating func noteBestChanged(_ key: NLRI) {
        for r in BestChangeReader.allCases where tracking[r.rawValue] { bestChanged[r.rawValue].insert(key) }
    }

    public init(routerID: IPv4Address, clusterID: IPv4Address) {
        reflection = RouteReflection(routerID: routerID, clusterID: clusterID)
    }

    // MARK: figures

    /// Destinations with a best path.
    public var routeCount: Int { loc.reduce(0) { $0 + ($1.best == nil ? 0 : 1) } }
    /// Routes held in the peer's Adj-RIB-In (what max-prefix counts).
    public func prefixCount(_ peer: PeerID) -> Int { peers[peer]?.received ?? 0 }
    public var peerIDs: [PeerID] { peers.keys.filter { groups[$0] == nil }.sorted() }
    /// Routes of the peer kept as stale through its restart.
    public func staleCount(_ peer: PeerID) -> Int { peers[peer]?.stale.count ?? 0 }
    /// The peer left Established and its routes are kept for its restart.
    public func isRestarting(_ peer: PeerID) -> Bool { peers[peer]?.restarting ?? false }

    /// The best path of a destination: the peer it came from and its attributes as received.
    public func best(_ nlri: NLRI) -> (peer: PeerID, attributes: RouteAttributes)? {
        guard let i = indexOf(nlri), let p = loc[Int(i)].best, let a = path(i, from: p) else { return nil }
        return (p, store[a])
    }

    /// The destinations whose best path changed since the last call, each
    /// with its best path as received now (nil: none, or one from
    /// `excluded`). The first call returns every destination and starts
    /// the tracking, so an application follows the table by deltas.
    public mutating func takeBestChanges(excluding excluded: PeerID? = nil, reader: BestChangeReader = .application) -> [(nlri: NLRI, attributes: RouteAttributes?)] {
        guard tracking[reader.rawValue] else {
            tracking[reader.rawValue] = true
            tracksBestChanges = true
            return bestRoutes(excluding: excluded).map { ($0.nlri, $0.attributes) }
        }
        defer { bestChanged[reader.rawValue] = [] }
        return bestChanged[reader.rawValue].map { key in
            guard let i = indexOf(key), let nlri = routes[i] else { return (key, nil) }
            guard let (peer, attributes) = best(nlri), peer != excluded else { return (nlri, nil) }
            return (nlri, attributes)
        }
    }

    /// Every destination's best path as received, except those from `excluded`
    /// (this speaker's own routes, for an application that wants the others').
    public func bestRoutes(excluding excluded: PeerID? = nil) -> [(nlri: NLRI, attributes: RouteAttributes)] {
        loc.indices.compactMap { k in
            let i = RouteIndex(k)
            guard let p = loc[k].best, p != excluded, let nlri = routes[i], let a = path(i, from: p) else { return nil }
            return (nlri, store[a])
        }
    }

    /// The route targets a peer imports (RFC 4684); nil when it did not negotiate the family and gets every route.
    public func membership(_ peer: PeerID) -> RouteTargetMembership? { peers[peer]?.membership }
    /// Its EVPN routes still wait for its RT membership End-of-RIB.
    public func isAwaitingMembership(_ peer: PeerID) -> Bool { peers[peer]?.awaitingMembership ?? false }

    /// Routes left out of a peer's UPDATEs so far because a single one
    /// would make a message over its maximum length (they count as withdrawn toward it).
    public func unsendableCount(_ peer: PeerID) -> Int { peers[peer]?.unsendable ?? 0 }

    /// Routes sent to a peer and not withdrawn since.
    public func advertisedCount(_ peer: PeerID) -> Int { peers[outputTables(peer)]?.adjOut.count ?? 0 }

    /// Where a peer's Adj-RIB-Out and marks are: its group's tables, or its own.
    private func outputTables(_ peer: PeerID) -> PeerID { peers[peer]?.group ?? peer }

    /// Every path held, per peer, with whether it is the best one and stale.
    public func paths() -> [RIBPath] {
        var out: [RIBPath] = []
        for (k, e) in loc.enumerated() {
            let i = RouteIndex(k)
            guard let first = e.first, let nlri = routes[i] else { continue }
            for p in [first] + (morePaths[i] ?? []) {
                out.append(RIBPath(nlri: nlri, peer: p.peer, attributes: store[p.attributes], best: e.best == p.peer,
                                   stale: peers[p.peer]?.stale.contains(i) ?? false))
            }
        }
        return out
    }

    /// What has been sent to a peer and not withdrawn since.
    public func advertised(to peer: PeerID) -> [NLRI: RouteAttributes] {
        var out: [NLRI: RouteAttributes] = [:]
        for (i, a) in peers[outputTables(peer)]?.adjOut.entries ?? [] { if let n = routes[i] { out[n] = store[a] } }
        return out
    }

    // MARK: peers

    /// A peer reached Established: it gets the whole table, then End-of-RIB.
    /// A restarting peer keeps its stale routes until it re-announces them
    /// or sends End-of-RIB (RFC 4724 §4.2), but only of the families in
    /// `preserved`: those its new graceful restart capability lists with the
    /// Forwarding State bit (nil: every family). The others go at once.
    public mutating func addPeer(_ id: PeerID, _ info: RIBPeer, preserved: Set<AddressFamily>? = nil) {
        membershipEpoch &+= 1
        if peers[id]?.restarting == true, var t = peers.removeValue(forKey: id) {
            // Its stale membership routes still hold until replaced; its table waits for the new End-of-RIB.
            let membership = t.membership
            let wasConstrained = t.constrained
            t.info = info
            t.restarting = false
            let fresh = PeerTables(info: info)
            t.endOfRIBPending = fresh.endOfRIBPending
            t.awaitingMembership = fresh.awaitingMembership
            t.membership = fresh.constrained ? membership ?? RouteTargetMembership() : nil
            constrainedPeers += (t.constrained ? 1 : 0) - (wasConstrained ? 1 : 0)
            peers[id] = t
            // Families no longer negotiated lose their routes now: no End-of-RIB will come for them.
            // So do those whose forwarding state the peer did not keep.
            let kept = preserved.map { info.families.intersection($0) } ?? info.families
            let gone = received(from: id).filter { i in routes.family(i).map { !kept.contains($0) } ?? true }
            for i in gone { removePath(i, from: id) }
        } else {
            removePeer(id)
            let t = PeerTables(info: info)
            if t.constrained { constrainedPeers += 1 }
            peers[id] = t
            peerList.append(id)
        }
        // Again once it is in: `removePeer` above may have rebuilt the indices without it.
        membershipEpoch &+= 1
        markAll(for: id)
    }

    /// A peer left Established: its routes are withdrawn from the others,
    /// its Adj-RIB-Out dropped.
    public mutating func removePeer(_ id: PeerID) {
        guard peers[id] != nil else { return }
        leaveGroup(id, copying: false)
        membershipEpoch &+= 1
        for i in received(from: id) { removePath(i, from: id) }
        if let t = peers.removeValue(forKey: id) {
            forget(t.adjOut)
            if t.constrained { constrainedPeers -= 1 }
        }
        peerList.removeAll { $0 == id }
    }

    /// The peer left Established in a way it may restart from (RFC 4724
    /// §4.2): its routes of `families` stay, marked stale, still best and
    /// still reflected; the others are withdrawn. What was sent to it is
    /// forgotten: it gets the whole table when it comes back.
    public mutating func peerRestarting(_ id: PeerID, families: Set<AddressFamily>) {
        leaveGroup(id, copying: false)
        guard var t = peers.removeValue(forKey: id) else { return }
        membershipEpoch &+= 1
        forget(t.adjOut)
        t.adjOut.removeAll()
        t.pending.removeAll()
        t.renamed = []
        t.endOfRIBPending = t.info.families
        t.restarting = true
        t.stale = []
        peers[id] = t
        for i in received(from: id) {
            if let f = routes.family(i), families.contains(f) {
                peers[id]?.stale.insert(i)
            } else {
                removePath(i, from: id)
            }
        }
    }

    /// Withdraws the peer's routes still stale (of `family`, or all):
    /// at its End-of-RIB, or when its restart or stale timer runs out.
    /// A peer still down is then removed. Returns the routes purged.
    @discardableResult
    public mutating func purgeStale(_ id: PeerID, family: AddressFamily? = nil) -> Int {
        guard peers[id] != nil else { return 0 }
        // No copy of the set is kept alive: removing from it below would copy it per route.
        let purge = (peers[id]?.stale ?? []).filter { i in family == nil || routes.family(i) == family }
        for i in purge { removePath(i, from: id) }
        if family == nil, peers[id]?.restarting == true { removePeer(id) }
        return purge.count
    }

    /// ROUTE-REFRESH: the peer gets every route again (of `family` only,
    /// when given: RFC 2918 §3 names one AFI/SAFI), then End-of-RIB.
    public mutating func refresh(_ id: PeerID, family: AddressFamily? = nil) {
        leaveGroup(id, copying: family != nil)
        guard var t = peers.removeValue(forKey: id) else { return }
        guard let family else {
            t.carried = nil
            forget(t.adjOut)
            t.adjOut.removeAll()
            t.pending.removeAll()
            t.renamed = []
            t.endOfRIBPending = t.info.families
            peers[id] = t
            markAll(for: id)
            return
        }
        guard t.info.families.contains(family) else {
            peers[id] = t
            return
        }
        for (i, a) in t.adjOut.entries where routes.family(i) == family {
            t.adjOut[i] = nil
            store.release(a)
            unreference(i)
        }
        for k in loc.indices where loc[k].best != nil && routes.family(RouteIndex(k)) == family { t.mark(RouteIndex(k)) }
        t.endOfRIBPending.insert(family)
        peers[id] = t
    }

    /// Whether UPDATEs are owed to the peer. Mutating only to read its
    /// tables in place: a speaker asks this of every peer at every flush, and
    /// reading them through the dictionary's getter copies them whole.
    public mutating func hasPendingUpdates(_ id: PeerID) -> Bool {
        guard let (group, taken, owed) = withTables(id, { t in
            (t.group, t.taken, t.carried != nil || !t.pending.isEmpty || !t.endOfRIBPending.isEmpty || t.membershipChanged)
        }) else { return false }
        if let g = group, let generation = withGroup(g, { $0.generation }) { return taken < generation || hasPendingUpdates(g) }
        return owed
    }

    /// RFC 4684 §6: the peer's membership is complete (its End-of-RIB for
    /// the family came, or we waited long enough): its EVPN routes go now.
    public mutating func endMembershipWait(_ id: PeerID) {
        guard peers[id]?.awaitingMembership == true else { return }
        leaveGroup(id, copying: true)
        membershipEpoch &+= 1
        peers[id]?.awaitingMembership = false
        peers[id]?.membershipChanged = true
        peers[id]?.changedTargets = []
    }

    // MARK: input

    /// What an UPDATE did.
    public struct Change: Hashable, Sendable {
        public var announced = 0
        public var withdrawn = 0
        /// Routes ignored by RFC 4456 §8 loop prevention (and removed if held).
        public var loops = 0
        /// Routes of a family not negotiated with the peer, ignored.
        public var ignored = 0
        /// The UPDATE was an End-of-RIB (RFC 4724 §2) of this family.
        public var endOfRIB: AddressFamily?
        /// Stale routes withdrawn by that End-of-RIB.
        public var purged = 0
    }

    /// Applies an UPDATE from an Established peer to its Adj-RIB-In and the Loc-RIB.
    @discardableResult
    public mutating func apply(_ update: Update, from peer: PeerID) -> Change {
        var change = Change()
        guard let info = peers[peer]?.info, peers[peer]?.restarting == false else { return change }
        if let family = update.endOfRIB {
            change.endOfRIB = family
            change.purged = purgeStale(peer, family: family)
            if family == .routeTargetConstraint { endMembershipWait(peer) }
            return change
        }
        // Each list as it came: no concatenated copy of every NLRI.
        change.withdrawn = withdraw(update.withdrawnRoutes, from: peer, ignored: &change.ignored)
        if let unreach = update.attributes.mpUnreachNLRI { change.withdrawn += withdraw(unreach.nlri, from: peer, ignored: &change.ignored) }
        // Classic IPv4 NLRI are not carried: only multiprotocol families are negotiated.
        change.ignored += update.nlri.count
        guard let mp = update.attributes.mpReachNLRI else { return change }
        guard info.families.contains(mp.family) else {
            change.ignored += mp.nlri.count
            return change
        }
        let attributes = update.attributes.withoutMultiprotocol
        if reflection.isLoop(attributes) {
            change.loops = mp.nlri.count
            var ignored = 0
            _ = withdraw(mp.nlri, from: peer, ignored: &ignored)
            return change
        }
        let id = store.intern(RouteAttributes(attributes: attributes, nextHop: mp.nextHop))
        // By position: each NLRI is read in place, not copied out first.
        let hashes = keyHashes(mp.nlri)
        for k in mp.nlri.indices where mp.nlri[k].family == mp.family {
            setPath(index(for: mp.nlri[k], hash: hashes[k]), from: peer, attributes: id)
            change.announced += 1
        }
        releaseReceived(id)
        return change
    }

    /// Makes `routes` the whole set held from `peer` (the speaker's local
    /// pseudo-peer for the routes it originates): what is new or changed is
    /// announced, what is gone withdrawn.
    @discardableResult
    public mutating func replaceRoutes(_ routes: [NLRI: RouteAttributes], from peer: PeerID) -> Change {
        var change = Change()
        guard peers[peer] != nil else { return change }
        let keys = Set(routes.keys.map(\.key))
        let gone = received(from: peer).compactMap { i -> NLRI? in
            guard let nlri = self.routes[i] else { return nil }
            return keys.contains(nlri.key) ? nil : nlri
        }
        change.withdrawn = withdraw(gone, from: peer, ignored: &change.ignored)
        for (nlri, attributes) in routes {
            if let i = indexOf(nlri), self.routes[i] == nlri, let a = path(i, from: peer), store[a] == attributes { continue }
            let id = store.intern(attributes)
            setPath(index(for: nlri, hash: keyHash(nlri)), from: peer, attributes: id)
            releaseReceived(id)
            change.announced += 1
        }
        return change
    }

    /// Withdraws routes from a peer (also RFC 7606 treat-as-withdraw).
    @discardableResult
    public mutating func withdraw(_ nlri: [NLRI], from peer: PeerID, ignored: inout Int) -> Int {
        var n = 0
        let hashes = keyHashes(nlri)
        // The peer's count of paths goes down once for the UPDATE, not with a look-up per route (unless it has stale ones to clear).
        let batch = withTables(peer, { $0.stale.isEmpty }) == true
        for k in nlri.indices {
            guard let i = indexOf(nlri[k], hash: hashes[k]), path(i, from: peer) != nil else { ignored += 1; continue }
            removePath(i, from: peer, countedByCaller: batch)
            n += 1
        }
        if batch { withTables(peer) { $0.received -= n } }
        return n
    }

    // MARK: output

    /// The UPDATEs owed to a peer, packed: NLRI sharing attributes ride in
    /// one UPDATE up to `maximumLength` octets; End-of-RIB follows the first table.
    /// With `only`, just those families' (the rest stays owed).
    public mutating func pendingUpdates(for peer: PeerID, options: SessionOptions = SessionOptions(),
                                        only: Set<AddressFamily>? = nil) -> [Update] {
        leaveGroup(peer, copying: true)
        var carried: [Update] = []
        if let k = peers.index(forKey: peer), let c = peers.values[k].carried {
            peers.values[k].carried = nil
            var d = MessageStreamDecoder()
            for b in c.buffers { d.append(b) }
            while let m = try? d.next(), case .update(let u)? = try? BGPMessage.decode(m, options: options) { carried.append(u) }
        }
        guard let plan = takePlan(for: peer, options: options, only: only, budget: nil) else { return carried }
        let updates = carried + plan.withdrawals.flatMap { withdrawalUpdates($0.routes, family: $0.family, options: options) }
            + plan.announcements.flatMap { announcementUpdates($0.routes, attributes: $0.attributes, family: $0.family, options: options) }
            + plan.endOfRIB.map { Update.endOfRIB($0) }
        release(plan)
        return updates
    }

    /// The same UPDATEs as `pendingUpdates`, encoded, at most about `budget`
    /// octets of NLRI at a time (the rest stays owed: call again once they
    /// are written). Identical runs of routes with one attribute set (or
    /// withdrawn together) to peers with the same session options are
    /// encoded once per `cache` and their bytes shared: a reflector's
    /// clients mostly receive the very same UPDATEs (update groups).
    ///
    /// Peers in step are planned as one (`Subgroup`): a member is served
    /// its group's plan, made once for all.
    public mutating func pendingMessages(for peer: PeerID, options: SessionOptions = SessionOptions(),
                                         only: Set<AddressFamily>? = nil, budget: Int? = nil,
                                         cache: inout OutboundEncodingCache) -> OutboundMessages {
        guard groups.index(forKey: peer) == nil, let group = withTables(peer, { $0.group }) else { return OutboundMessages() }
        if let g = group {
            if only == nil, withTables(g, { $0.options == options }) == true,
               let out = groupMessages(for: peer, in: g, budget: budget, cache: &cache) {
                return out
            }
            leaveGroup(peer, copying: true)
        }
        if let c = withTables(peer, { t in
            defer { t.carried = nil }
            return t.carried
        }) ?? nil {
            // What its group had planned for it comes first; its own plan after.
            return c
        }
        guard let plan = takePlan(for: peer, options: options, only: only, budget: budget) else { return OutboundMessages() }
        let out = encode(plan, options: options, cache: &cache)
        release(plan)
        if subgroups, only == nil {
            withTables(peer) { $0.options = options }
            joinIfInStep(peer)
        }
        return out
    }

    /// The next plan of a group for one member: the last generation if it
    /// has not taken it, else a new one once every member has taken the
    /// last (a member that keeps the others waiting splits off). Nil when
    /// the peer is no longer in the group (it differed from it).
    private mutating func groupMessages(for peer: PeerID, in g: PeerID, budget: Int?,
                                        cache: inout OutboundEncodingCache) -> OutboundMessages? {
        // A member taking the generation made: read and counted in place (a thousand members per generation).
        guard let generation = withGroup(g, { $0.generation }), let taken = withTables(peer, { $0.taken }) else { return nil }
        if taken < generation {
            withTables(peer) { $0.taken = generation }
            subgroupServes += 1
            return withGroup(g) { s in
                s.taken += 1
                return s.output
            }
        }
        guard hasPendingUpdates(g) else { return OutboundMessages() }
        guard var s = groups[g], let options = withTables(g, { $0.options }) ?? nil else { return nil }
        if s.behind > 0 {
            s.stalls += 1
            subgroupStalls += 1
            groups[g] = s
            if s.stalls <= s.members.count * Subgroup.stallRounds { return OutboundMessages() }
            for m in s.members where peers[m].map({ $0.taken < s.generation }) ?? false { leaveGroup(m, copying: true) }
            guard let again = groups[g] else { return nil }
            s = again
        }
        let unsendable = peers[g]?.unsendable ?? 0
        guard let plan = takePlan(for: g, options: options, only: nil, budget: budget) else { return nil }
        let out = encode(plan, options: options, cache: &cache)
        release(plan)
        s.generation += 1
        s.output = out
        s.stalls = 0
        s.taken = 0
        groups[g] = s
        let more = (peers[g]?.unsendable ?? 0) - unsendable
        if more > 0 { for m in s.members { withTables(m) { $0.unsendable += more } } }
        for m in plan.deviants { leaveGroup(m, copying: true) }
        joinIfInStep(g)
        guard let k = peers.index(forKey: peer), peers.values[k].group == g, var now = groups[g] else { return nil }
        peers.values[k].taken = now.generation
        now.taken += 1
        groups[g] = now
        return out
    }

    /// A plan's UPDATEs as bytes, runs shared through `cache`. Each run's
    /// attributes are encoded once (`MultiprotocolUpdateTemplate`), its NLRI
    /// written from the table straight into the buffer: the same bytes as
    /// encoding `pendingUpdates`' UPDATEs, without building them.
    private func encode(_ plan: OutboundPlan, options: SessionOptions, cache: inout OutboundEncodingCache) -> OutboundMessages {
        var out = OutboundMessages()
        out.unsendable = plan.unsendable
        for w in plan.withdrawals {
            out.append(cache.encoded(.init(attributes: nil, family: w.family, options: options, routes: w.routes)) {
                write(w.routes, options: options, Self.withdrawal([], family: w.family))
            })
        }
        for a in plan.announcements {
            out.append(cache.encoded(.init(attributes: a.attributes, family: a.family, options: options, routes: a.routes)) {
                write(a.routes, options: options, Self.announcement([], family: a.family, attributes: store[a.attributes]))
            })
        }
        for family in plan.endOfRIB {
            var b = ByteBuffer()
            BGPMessage.update(.endOfRIB(family)).encode(into: &b, options: options)
            out.append((b, 1))
        }
        return out
    }

    /// What one peer is owed, decided per peer before anything is encoded:
    /// routes by index (the withdrawn with their NLRI, whose index may be
    /// freed by the withdrawal), grouped by attribute set.
    struct OutboundPlan {
        /// Withdrawn routes keep their index (and NLRI) until the plan is
        /// encoded: `release` lets them go after.
        var withdrawals: [(family: AddressFamily, routes: [RouteIndex])] = []
        var announcements: [(attributes: AttributeStore.ID, family: AddressFamily, routes: [RouteIndex])] = []
        var endOfRIB: [AddressFamily] = []
        /// Members of the group planned that differ from it on a route left
        /// owed (they are its source or its originator): they split off.
        var deviants: Set<PeerID> = []
        /// Routes left out: one alone makes an UPDATE over the maximum length.
        var unsendable = 0
    }

    private func withdrawalUpdates(_ routes: [RouteIndex], family: AddressFamily, options: SessionOptions) -> [Update] {
        UpdatePacker.pack(routes.compactMap { self.routes[$0] }, options: options) { Self.withdrawal($0, family: family) }
    }

    /// The encoded UPDATEs carrying `routes`, packed as `UpdatePacker.pack`
    /// packs them, each `template` with its share of the NLRI.
    private func write(_ routes: [RouteIndex], options: SessionOptions, _ update: Update) -> (bytes: ByteBuffer, messages: Int) {
        guard let template = MultiprotocolUpdateTemplate(update, options: options) else { return (ByteBuffer(), 0) }
        var offsets = [0]
        offsets.reserveCapacity(routes.count + 1)
        for i in routes { offsets.append(offsets[offsets.count - 1] + (self.routes.wireLength(i) ?? 0)) }
        let lengths = (0..<routes.count).map { offsets[$0 + 1] - offsets[$0] }
        let runs = UpdatePacker.chunks(lengths, base: template.length(nlriLength: 0), maximum: options.maximumMessageLength) { r in
            template.length(nlriLength: offsets[r.upperBound] - offsets[r.lowerBound])
        }
        var b = ByteBuffer()
        b.reserveCapacity(runs.reduce(0) { $0 + template.length(nlriLength: offsets[$1.upperBound] - offsets[$1.lowerBound]) })
        for r in runs {
            template.writeHead(nlriLength: offsets[r.upperBound] - offsets[r.lowerBound], into: &b)
            for k in r { self.routes.encode(routes[k], into: &b) }
        }
        return (b, runs.count)
    }

    /// Lets go of the routes a plan withdrew, once it is encoded. Those it
    /// held the last reference to leave the lookup table: their slots are
    /// touched first (see `keyHashes`); the others are only counted down.
    private mutating func release(_ plan: OutboundPlan) {
        for w in plan.withdrawals {
            var hashes: [UInt32] = []
            hashes.reserveCapacity(w.routes.count)
            for i in w.routes { hashes.append(loc[Int(i)].references == 1 ? routes.keyHash(i, seed: hashSeed) ?? 0 : 0) }
            touched ^= lookup.touch(hashes)
            for (k, i) in w.routes.enumerated() { unreference(i, hash: hashes[k]) }
        }
    }

    private func announcementUpdates(_ routes: [RouteIndex], attributes a: AttributeStore.ID, family: AddressFamily,
                                     options: SessionOptions) -> [Update] {
        let attrs = store[a]
        return UpdatePacker.pack(routes.compactMap { self.routes[$0] }, options: options) {
            Self.announcement($0, family: family, attributes: attrs)
        }
    }

    /// Takes what the peer is owed off its marks and moves its Adj-RIB-Out
    /// to it. With a `budget`, stops once about that many octets of NLRI
    /// are to be sent (the rest stays marked; End-of-RIB waits for it).
    /// Nil when the peer is unknown or restarting.
    mutating func takePlan(for peer: PeerID, options: SessionOptions, only: Set<AddressFamily>?, budget: Int?) -> OutboundPlan? {
        // Taken out and put back, so its tables are mutated without a copy.
        guard peers[peer]?.restarting == false, var t = peers.removeValue(forKey: peer) else { return nil }
        if t.membershipChanged, !t.awaitingMembership {
            // Membership moved: every route is weighed again, the Adj-RIB-Out
            // gives the difference. Not while waiting for the rest of it: then
            // nothing constrained is sent anyway, and the end of the wait rescans.
            t.membershipChanged = false
            let changed = t.changedTargets
            t.changedTargets = []
            if changed.isEmpty {
                for k in loc.indices where loc[k].best != nil || t.adjOut[RouteIndex(k)] != nil { t.mark(RouteIndex(k)) }
            } else {
                // Only routes whose attributes, as they are or as last sent, carry a changed route target.
                var bears: [AttributeStore.ID: Bool] = [:]
                func carries(_ a: AttributeStore.ID?) -> Bool {
                    guard let a else { return false }
                    if let known = bears[a] { return known }
                    let verdict = store[a].attributes.routeTargets.contains { changed.contains(ExtendedCommunity.routeTarget($0).rawValue) }
                    bears[a] = verdict
                    return verdict
                }
                for k in loc.indices where carries(loc[k].outAttributes) || carries(t.adjOut[RouteIndex(k)]) { t.mark(RouteIndex(k)) }
            }
        }
        var plan = OutboundPlan()
        /// Where each attribute set's routes go in the plan; routes come in runs of one set, so the last is kept at hand.
        var slots: [AttributeStore.ID: Int] = [:]
        var last: (attributes: AttributeStore.ID, slot: Int)?
        /// Membership verdicts per attribute set: routes sharing attributes share route targets.
        var admitted: [AttributeStore.ID: Bool] = [:]
        var held: [RouteIndex] = []
        /// Per attribute set, the length of its UPDATE without NLRI.
        var baseLength = BaseLengths()
        var decisions = ReflectionMemo()
        var used = 0
        /// For a group: the members a route's source and originator make differ, for the last of each.
        let subgroup = groups[peer]
        var differs: (source: PeerID, attributes: AttributeStore.ID, members: [PeerID])?
        while let i = t.pending.next() {
            // The NLRI is read in place, never copied: withdrawn ones are encoded from the table too.
            guard let family = routes.family(i) else { continue }
            if let only, !only.contains(family) {
                held.append(i)
                continue
            }
            var wanted = self.wanted(i, family: family, to: peer, t.info, memo: &decisions)
            if let a = wanted, let membership = t.membership, RouteTargetMembership.constrainedFamilies.contains(family) {
                let ok = !t.awaitingMembership && (admitted[a] ?? {
                    let verdict = membership.admits(store[a].attributes.routeTargets)
                    admitted[a] = verdict
                    return verdict
                }())
                if !ok { wanted = nil }
            }
            if let subgroup, let a = wanted, let b = loc[Int(i)].best {
                if differs?.source != b || differs?.attributes != a {
                    differs = (b, a, deviants(of: peer, subgroup, source: b, attributes: a))
                }
                if let d = differs, !d.members.isEmpty {
                    // Left owed: planned again once they have split off.
                    held.append(i)
                    plan.deviants.formUnion(d.members)
                    continue
                }
            }
            // RFC 4271 §4: nothing over the peer's maximum. A route that
            // cannot fit even alone is not sent there: withdrawn toward it.
            if let a = wanted, !fits(i, family: family, attributes: a, options: options, baseLength: &baseLength) {
                wanted = nil
                t.unsendable += 1
                plan.unsendable += 1
            }
            let current = t.adjOut[i]
            let renamed = !t.renamed.isEmpty && t.renamed.remove(i) != nil
            if wanted == current && !(renamed && wanted != nil) { continue }
            if let old = current { store.release(old) }
            t.adjOut[i] = wanted
            if let a = wanted {
                store.retain(a)
                if current == nil { loc[Int(i)].references &+= 1 }
                if last?.attributes != a {
                    let slot = slots[a] ?? {
                        plan.announcements.append((a, family, []))
                        slots[a] = plan.announcements.count - 1
                        return plan.announcements.count - 1
                    }()
                    last = (a, slot)
                }
                plan.announcements[last!.slot].routes.append(i)
            } else {
                // A family or two at most: found by a scan.
                if let k = plan.withdrawals.firstIndex(where: { $0.family == family }) {
                    plan.withdrawals[k].routes.append(i)
                } else {
                    plan.withdrawals.append((family, [i]))
                }
            }
            used += routes.wireLength(i) ?? 0
            if let budget, used >= budget { break }
        }
        for i in held { t.pending.insert(i) }
        plan.withdrawals.sort { $0.family.afi.rawValue < $1.family.afi.rawValue }
        plan.announcements.sort { $0.attributes < $1.attributes }
        // Held routes are other families': a cut short by the budget leaves this one's table unfinished.
        let complete = t.pending.count == held.count
        if !t.endOfRIBPending.isEmpty, complete {
            // A constrained family's table is not complete while it waits for membership.
            var closing = t.awaitingMembership ? t.endOfRIBPending.subtracting(RouteTargetMembership.constrainedFamilies) : t.endOfRIBPending
            if let only { closing.formIntersection(only) }
            t.endOfRIBPending.subtract(closing)
            plan.endOfRIB = closing.sorted { ($0.afi.rawValue, $0.safi.rawValue) < ($1.afi.rawValue, $1.safi.rawValue) }
        }
        peers[peer] = t
        return plan
    }

    // MARK: internals

    /// The UPDATE withdrawing `nlri` of one family.
    private static func withdrawal(_ nlri: [NLRI], family: AddressFamily) -> Update {
        Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: family, nlri: nlri)))]))
    }

    /// The UPDATE announcing `nlri` of one family with one attribute set.
    private static func announcement(_ nlri: [NLRI], family: AddressFamily, attributes: RouteAttributes) -> Update {
        var p = attributes.attributes
        p.attributes.append(PathAttribute(.mpReachNLRI(MPReachNLRI(family: family, nextHop: attributes.nextHop, nlri: nlri))))
        return Update(attributes: p)
    }

    /// Whether an UPDATE announcing just this route with attribute set `a`
    /// stays within the maximum length. Exact (encoded) only near the limit.
    private func fits(_ i: RouteIndex, family: AddressFamily, attributes a: AttributeStore.ID, options: SessionOptions,
                      baseLength: inout BaseLengths) -> Bool {
        guard let length = routes.wireLength(i) else { return true }
        let base: Int
        if baseLength.last?.attributes == a, let known = baseLength.last?.length {
            base = known
        } else if let known = baseLength.all[a] {
            baseLength.last = (a, known)
            base = known
        } else {
            base = BGPMessage.update(Self.announcement([], family: family, attributes: store[a])).encodedLength(options: options)
            baseLength.all[a] = base
            baseLength.last = (a, base)
        }
        // One more octet for MP_REACH_NLRI's length should it turn extended.
        if base + length + 1 <= options.maximumMessageLength { return true }
        guard let nlri = routes[i] else { return true }
        return BGPMessage.update(Self.announcement([nlri], family: family, attributes: store[a])).encodedLength(options: options)
            <= options.maximumMessageLength
    }

    /// A destination's key hash (`PackedRoutes.keyHash`), seeded per RIB.
    private func keyHash(_ nlri: NLRI) -> UInt32 { PackedRoutes.keyHash(nlri, seed: hashSeed) }

    private func indexOf(_ nlri: NLRI, hash: UInt32? = nil) -> RouteIndex? {
        lookup.find(hash: hash ?? keyHash(nlri)) { routes.sameKey($0, as: nlri) }
    }

    /// The key hashes of an UPDATE's NLRI, their slots in the lookup table
    /// touched all at once: the cache misses of a table of a million overlap
    /// instead of coming one per route.
    private mutating func keyHashes(_ nlri: [NLRI]) -> [UInt32] {
        var hashes: [UInt32] = []
        hashes.reserveCapacity(nlri.count)
        for k in nlri.indices { hashes.append(keyHash(nlri[k])) }
        touched ^= lookup.touch(hashes)
        return hashes
    }

    /// The index of an announced route's destination, made if new. The
    /// same key with other fields replaces the NLRI held (an implicit
    /// withdraw): peers that were sent the old one are sent it again.
    private mutating func index(for nlri: NLRI, hash: UInt32) -> RouteIndex {
        if let i = lookup.find(hash: hash, matches: { routes.sameKey($0, as: nlri) }) {
            if !routes.holds(i, exactly: nlri) {
                routes.set(i, nlri)
                // The same destination with new labels: the application follows it too.
                if tracksBestChanges { noteBestChanged(nlri.key) }
                for p in peerList where peers[p]?.adjOut[i] != nil {
                    peers[p]?.renamed.insert(i)
                    peers[p]?.mark(i)
                }
            }
            return i
        }
        let i: RouteIndex
        if let reused = freeIndices.popLast() {
            i = reused
            routes.set(i, nlri)
            loc[Int(i)] = LocEntry()
        } else {
            i = RouteIndex(routes.count)
            routes.set(i, nlri)
            loc.append(LocEntry())
        }
        lookup.insert(i, hash: hash)
        return i
    }

    /// A peer's tables changed in place. (The dictionary's optional
    /// subscript would copy the whole tables, twice, per route.)
    @discardableResult
    private mutating func withTables<R>(_ peer: PeerID, _ body: (inout PeerTables) -> R) -> R? {
        guard let k = peers.index(forKey: peer) else { return nil }
        return body(&peers.values[k])
    }

    /// A group changed or read in place (its getter copies its members and buffers).
    @discardableResult
    private mutating func withGroup<R>(_ g: PeerID, _ body: (inout Subgroup) -> R) -> R? {
        guard let k = groups.index(forKey: g) else { return nil }
        return body(&groups.values[k])
    }

    /// What the RIB knows of a peer, without copying its tables.
    private func info(_ peer: PeerID) -> RIBPeer? {
        guard let k = peers.index(forKey: peer) else { return nil }
        return peers.values[k].info
    }

    /// One reference less to route `i` (whose key hash the caller may know); the route goes with the last.
    private mutating func unreference(_ i: RouteIndex, hash: UInt32? = nil) {
        guard loc[Int(i)].references > 0 else { return }
        loc[Int(i)].references -= 1
        guard loc[Int(i)].references == 0, !routes.isFree(i), let h = hash ?? routes.keyHash(i, seed: hashSeed) else { return }
        lookup.remove(i, hash: h)
        routes.set(i, nil)
        loc[Int(i)] = LocEntry()
        freeIndices.append(i)
    }

    /// Releases what an Adj-RIB-Out held: its attribute sets and its references to routes.
    private mutating func forget(_ adjOut: AdjRIBOut) {
        for (i, a) in adjOut.entries {
            store.release(a)
            unreference(i)
        }
    }

    /// The attributes a peer's path to destination `i` carries, if it has one.
    private func path(_ i: RouteIndex, from peer: PeerID) -> AttributeStore.ID? {
        let e = loc[Int(i)]
        if e.firstPeer == peer.rawValue { return e.firstAttributes }
        guard e.firstPeer != LocEntry.none, !morePaths.isEmpty else { return nil }
        return morePaths[i]?.first { $0.peer == peer }?.attributes
    }

    /// The destinations the peer has a path to (its Adj-RIB-In): a scan, done
    /// only when a peer goes or comes back, so no per-peer index is kept.
    private func received(from peer: PeerID) -> [RouteIndex] {
        var out: [RouteIndex] = []
        for (k, e) in loc.enumerated() where e.firstPeer == peer.rawValue { out.append(RouteIndex(k)) }
        for (i, more) in morePaths where more.contains(where: { $0.peer == peer }) { out.append(i) }
        return out
    }

    private mutating func setPath(_ i: RouteIndex, from peer: PeerID, attributes id: AttributeStore.ID) {
        // A source differs from its group: it is never sent its own routes.
        // (One look-up of its tables per route: most sources are in no group.)
        if withTables(peer, { t in
            if !t.stale.isEmpty { t.stale.remove(i) }
            return t.group != nil
        }) == true { leaveGroup(peer, copying: true) }
        store.retain(id)
        var e = loc[Int(i)]
        var old: AttributeStore.ID?
        if e.firstPeer == LocEntry.none {
            e.firstPeer = peer.rawValue
            e.firstAttributes = id
        } else if e.firstPeer == peer.rawValue {
            old = e.firstAttributes
            e.firstAttributes = id
        } else {
            var more = morePaths.removeValue(forKey: i) ?? []
            if let k = more.firstIndex(where: { $0.peer == peer }) {
                old = more[k].attributes
                more[k].attributes = id
            } else {
                more.append(Path(peer: peer, attributes: id))
            }
            morePaths[i] = more
        }
        if let old {
            loc[Int(i)] = e
            releaseReceived(old)
        } else {
            e.references &+= 1
            loc[Int(i)] = e
            withTables(peer) { $0.received += 1 }
            if constrainedPeers > 0 { noteMembership(i, of: peer, added: true) }
        }
        decide(i)
    }

    /// `countedByCaller`: the caller counts the peer's paths down itself,
    /// and the peer has no stale routes (one look-up of its tables per UPDATE).
    private mutating func removePath(_ i: RouteIndex, from peer: PeerID, countedByCaller: Bool = false) {
        var e = loc[Int(i)]
        let old: AttributeStore.ID
        if e.firstPeer == peer.rawValue {
            old = e.firstAttributes
            // The next path, if any, moves inline.
            if !morePaths.isEmpty, var more = morePaths.removeValue(forKey: i), let next = more.popLast() {
                e.firstPeer = next.peer.rawValue
                e.firstAttributes = next.attributes
                if !more.isEmpty { morePaths[i] = more }
            } else {
                e.firstPeer = LocEntry.none
            }
        } else if !morePaths.isEmpty, var more = morePaths[i], let k = more.firstIndex(where: { $0.peer == peer }) {
            old = more.remove(at: k).attributes
            morePaths[i] = more.isEmpty ? nil : more
        } else {
            return
        }
        loc[Int(i)] = e
        if !countedByCaller {
            withTables(peer) { t in
                if !t.stale.isEmpty { t.stale.remove(i) }
                t.received -= 1
            }
        }
        if constrainedPeers > 0 { noteMembership(i, of: peer, added: false) }
        releaseReceived(old)
        decide(i)
        unreference(i)
    }

    /// A membership route of a constrained peer came or went: its filter follows.
    private mutating func noteMembership(_ i: RouteIndex, of peer: PeerID, added: Bool) {
        guard routes.family(i) == .routeTargetConstraint, let m = routes[i]?.routeTargetMembership, var t = peers.removeValue(forKey: peer) else { return }
        membershipEpoch &+= 1
        if t.membership != nil {
            if added { t.membership?.insert(m) } else { t.membership?.remove(m) }
            // A whole route target narrows the rescan to its routes, unless one of every route is due anyway.
            if m.length == 96, !t.membershipChanged || !t.changedTargets.isEmpty {
                t.changedTargets.insert(m.routeTarget)
            } else {
                t.changedTargets = []
            }
            t.membershipChanged = true
        }
        peers[peer] = t
    }

    /// The decision process for one destination, then every peer is marked
    /// to be sent its change.
    private mutating func decide(_ i: RouteIndex) {
        var entry = loc[Int(i)]
        let newBest: PeerID?
        if let more = morePaths.isEmpty ? nil : morePaths[i], let first = entry.first,
           let own = ([first] + more).first(where: { peers[$0.peer]?.info.local == true }) {
            // Our own route stays best: a reflected copy of the same
            // destination (an RT membership route, which every host of a
            // tenant announces alike) must not displace it, or we would
            // withdraw it from the very peer that reflected it.
            newBest = own.peer
        } else if let more = morePaths.isEmpty ? nil : morePaths[i], let first = entry.first {
            let paths = [first] + more
            let candidates: [(PeerID, CandidatePath)] = paths.compactMap { p in
                guard let t = peers[p.peer] else { return nil }
                return (p.peer, CandidatePath(attributes: store[p.attributes].attributes, peerRouterID: t.info.routerID,
                                              peerAddress: t.info.address, fromEBGP: t.info.ebgp))
            }
            newBest = DecisionProcess.best(candidates.map(\.1)).map { candidates[$0].0 }
        } else {
            // One path: it is the best, no comparison to make.
            newBest = entry.first.map(\.peer)
        }
        var newOut: AttributeStore.ID?
        if let b = newBest, let info = info(b), let a = path(i, from: b) {
            if info.local {
                store.retain(a)
                newOut = a
            } else {
                newOut = reflected(a, from: info)
            }
        }
        let changed = newBest != entry.best || newOut != entry.outAttributes
        // A constrained peer whose membership does not take the route, and
        // that does not hold it, is owed nothing: not marked (RFC 4684; a
        // membership change later rescans the route targets that moved).
        let filter = changed && constrainedPeers > 0
            && routes.family(i).map { RouteTargetMembership.constrainedFamilies.contains($0) } == true
        // A peer that holds the route was sent it under the old attributes' route targets: read before they may go.
        let oldTargets = filter ? entry.outAttributes.map { store[$0].attributes.routeTargets } ?? [] : []
        if let old = entry.outAttributes { store.release(old) }
        entry.best = newBest
        entry.outAttributes = newOut
        loc[Int(i)] = entry
        guard changed else { return }
        if tracksBestChanges, let nlri = routes[i] { noteBestChanged(nlri.key) }
        // A member the route must not go to (its source, its originator) leaves its group before the
        // group is marked: the group's plan then stays every member's own.
        if !groups.isEmpty, let b = newBest, let a = newOut,
           deviationMemo?.attributes != a || deviationMemo?.source != b || deviationMemo?.dropped != store.dropped {
            deviationMemo = (b, a, store.dropped)
            var leaving: [PeerID] = []
            for (g, s) in groups { leaving += deviants(of: g, s, source: b, attributes: a) }
            // Kept when none differs: the next route of the run is not weighed again.
            for m in leaving { leaveGroup(m, copying: true) }
        }
        guard filter else {
            // In place, no copy of a peer's tables per mark. A few peers are
            // walked by position (cheaper than hashing the ids of those that
            // take marks); more, only those are looked up.
            if peers.count <= Self.markWalkLimit {
                var k = peers.startIndex
                while k != peers.endIndex {
                    peers.values[k].mark(i)
                    k = peers.index(after: k)
                }
                return
            }
            if markable.epoch != membershipEpoch {
                let all = Array(peers.keys)
                markable = (membershipEpoch, all.filter { withTables($0) { t in !t.info.local && !t.restarting && t.group == nil } == true })
            }
            for id in markable.peers { withTables(id) { $0.mark(i) } }
            return
        }
        // Only the peers that may be owed it are weighed: those importing one
        // of its route targets, old or new (a holder imported one of the old
        // when it was sent it, or its membership changed since and its
        // rescan finds the route), and those that take every route.
        if admitMemo.attributes != newOut || admitMemo.dropped != store.dropped {
            admitMemo = AdmitMemo(attributes: newOut, dropped: store.dropped, targets: newOut.map { store[$0].attributes.routeTargets } ?? [])
        }
        let targets = admitMemo.targets
        refreshTargetIndex()
        func weigh(_ id: PeerID) {
            guard let k = peers.index(forKey: id) else { return }
            var verdict: Bool?
            peers.values[k].markIfOwed(i, verdict: &verdict, targets: targets, attributes: newOut)
        }
        for id in targetIndex.everyRoute { weigh(id) }
        for t in targets + oldTargets {
            for id in targetIndex.byTarget[ExtendedCommunity.routeTarget(t).rawValue] ?? [] { weigh(id) }
        }
    }

    /// Rebuilds `targetIndex` if peers or memberships changed since.
    private mutating func refreshTargetIndex() {
        guard targetIndex.epoch != membershipEpoch else { return }
        var x = TargetIndex(epoch: membershipEpoch)
        for (id, t) in peers where t.group == nil && !t.info.local && !t.restarting {
            if let m = t.membership, !t.awaitingMembership, !m.isBroad {
                for rt in m.exactTargets { x.byTarget[rt, default: []].append(id) }
            } else {
                x.everyRoute.append(id)
            }
        }
        targetIndex = x
    }

    /// The reflected attribute set of a received one, with a reference for the caller.
    private mutating func reflected(_ received: AttributeStore.ID, from source: RIBPeer) -> AttributeStore.ID {
        // Routes come in runs of one set: the last found is tried first.
        if let c = lastReflected, c.received == received, c.source == source.routerID, c.ebgp == source.ebgp {
            store.retain(c.out)
            return c.out
        }
        if let c = reflectedCache[received], c.source == source.routerID, c.ebgp == source.ebgp {
            lastReflected = (received, c.source, c.ebgp, c.out)
            store.retain(c.out)
            return c.out
        }
        let r = store[received]
        let out = store.intern(RouteAttributes(attributes: reflection.reflected(r.attributes, from: source), nextHop: r.nextHop))
        // Cached only when it is a different set: a self-reference would never be released.
        if out != received, reflectedCache[received] == nil {
            store.retain(out)
            reflectedCache[received] = (source.routerID, source.ebgp, out)
        }
        return out
    }

    /// Releases a received set; its cached reflected form goes with it.
    private mutating func releaseReceived(_ id: AttributeStore.ID) {
        store.release(id)
        if store.references(id) == 0, let c = reflectedCache.removeValue(forKey: id) {
            if lastReflected?.received == id { lastReflected = nil }
            store.release(c.out)
        }
    }

    private mutating func markAll(for peer: PeerID) {
        guard var t = peers.removeValue(forKey: peer) else { return }
        for k in loc.indices where loc[k].best != nil { t.mark(RouteIndex(k)) }
        peers[peer] = t
    }

    /// What the peer should hold for destination `i` now: the best path's
    /// reflected attributes when the reflection rules send it there.
    private func wanted(_ i: RouteIndex, family: AddressFamily, to target: PeerID, _ targetInfo: RIBPeer,
                        memo: inout ReflectionMemo) -> AttributeStore.ID? {
        let entry = loc[Int(i)]
        guard let b = entry.best, b != target, let out = entry.outAttributes else { return nil }
        // Routes come in runs from one source with one attribute set: the rules are weighed once per run.
        if let m = memo.last, m.source == b, m.attributes == out, m.family == family { return m.sends ? out : nil }
        guard let source = info(b) else { return nil }
        // A group's members have their own router ids: `deviants` weighs the originator for each.
        let sends = reflection.sends(from: source, sourceID: b, to: targetInfo, targetID: target,
                                     originatorID: groups[target] == nil ? store[out].attributes.originatorID : nil, family: family)
        memo.last = (b, out, family, sends)
        return sends ? out : nil
    }

    /// The members of a group that must not be sent a route the group is:
    /// its source, and the member its ORIGINATOR_ID names (RFC 4456 §6).
    private func deviants(of g: PeerID, _ group: Subgroup, source: PeerID, attributes: AttributeStore.ID) -> [PeerID] {
        var out: [PeerID] = []
        if let k = peers.index(forKey: source), peers.values[k].group == g { out.append(source) }
        if let o = store[attributes].attributes.originatorID, group.routerIDs[o] != nil {
            out += group.members.filter { info($0)?.routerID == o }
        }
        return out
    }

    // MARK: subgroups

    /// What the peer's or group's tables must share with another's to be planned as one; nil when not in step.
    private func syncKey(_ id: PeerID) -> SubgroupSyncKey? {
        guard let k = peers.index(forKey: id) else { return nil }
        let t = peers.values[k]
        guard t.group == nil, !t.info.local, !t.restarting, t.received == 0, let options = t.options, t.carried == nil,
              t.pending.isEmpty, t.endOfRIBPending.isEmpty, !t.membershipChanged, t.renamed.isEmpty, t.stale.isEmpty else { return nil }
        let key = SubgroupKey(families: t.info.families, routeReflectorClient: t.info.routeReflectorClient, ebgp: t.info.ebgp,
                              options: options, membership: t.membership, awaitingMembership: t.awaitingMembership)
        return SubgroupSyncKey(key: key, count: t.adjOut.count, fingerprint: t.adjOut.fingerprint)
    }

    /// A peer or group in step joins another in step with the same tables,
    /// or waits for one (`inStep`).
    private mutating func joinIfInStep(_ id: PeerID) {
        guard subgroups, let key = syncKey(id) else { return }
        var others = (inStep[key] ?? []).filter { $0 != id && syncKey($0) == key }
        let tables = peers[id]!.adjOut
        if let k = others.firstIndex(where: { peers[$0]!.adjOut.sameEntries(tables) }) {
            let other = others[k]
            switch (groups[id] != nil, groups[other] != nil) {
            case (true, true):
                // Two groups: left apart (rare: a group is found before a second forms).
                others.append(id)
            case (true, false):
                join(other, group: id)
                others[k] = id
            case (false, true):
                join(id, group: other)
            case (false, false):
                let g = makeGroup(from: other)
                join(id, group: g)
                others[k] = g
            }
        } else {
            others.append(id)
        }
        // Stale entries are dropped as found; all of them once they outnumber the peers.
        if inStep.count > 2 * peers.count + 16 { inStep = [:] }
        inStep[key] = others
    }

    /// A group whose tables are those of `peer`, now its first member.
    private mutating func makeGroup(from peer: PeerID) -> PeerID {
        membershipEpoch &+= 1
        deviationMemo = nil
        let g = PeerID(UInt32.max - nextGroup)
        nextGroup = (nextGroup + 1) % (1 << 30)
        var t = peers.removeValue(forKey: peer)!
        var shared = t
        shared.info.routerID = .any
        shared.unsendable = 0
        t.adjOut = AdjRIBOut()
        t.pending = PendingRoutes()
        t.group = g
        t.taken = 0
        peers[peer] = t
        peers[g] = shared
        peerList.append(g)
        if shared.constrained { constrainedPeers += 1 }
        groups[g] = Subgroup(members: [peer], routerIDs: [t.info.routerID: 1], taken: 1)
        return g
    }

    /// A peer in step with the group joins it: its own Adj-RIB-Out, the same, goes.
    private mutating func join(_ peer: PeerID, group g: PeerID) {
        guard var s = groups[g], var t = peers.removeValue(forKey: peer) else { return }
        membershipEpoch &+= 1
        deviationMemo = nil
        forget(t.adjOut)
        t.adjOut = AdjRIBOut()
        t.pending = PendingRoutes()
        t.group = g
        t.taken = s.generation
        peers[peer] = t
        s.members.append(peer)
        s.routerIDs[t.info.routerID, default: 0] += 1
        s.taken += 1
        groups[g] = s
    }

    /// The peer leaves its group, if in one: `copying`, with the group's
    /// tables as its own and the generation it has not taken yet. The last
    /// member out ends the group.
    private mutating func leaveGroup(_ peer: PeerID, copying: Bool) {
        guard let k = peers.index(forKey: peer), let g = peers.values[k].group, var s = groups[g] else { return }
        membershipEpoch &+= 1
        deviationMemo = nil
        var t = peers.removeValue(forKey: peer)!
        s.members.removeAll { $0 == peer }
        if let n = s.routerIDs[t.info.routerID] { s.routerIDs[t.info.routerID] = n > 1 ? n - 1 : nil }
        let took = t.taken >= s.generation
        if took { s.taken -= 1 }
        t.group = nil
        if copying, let shared = peers[g] {
            t.adjOut = shared.adjOut
            for (i, a) in t.adjOut.entries {
                store.retain(a)
                loc[Int(i)].references &+= 1
            }
            t.pending = shared.pending
            t.endOfRIBPending = shared.endOfRIBPending
            t.renamed = shared.renamed
            t.membership = shared.membership
            t.awaitingMembership = shared.awaitingMembership
            t.membershipChanged = shared.membershipChanged
            t.changedTargets = shared.changedTargets
            t.carried = took ? nil : s.output
            subgroupSplits += 1
        }
        peers[peer] = t
        if s.members.isEmpty, let shared = peers.removeValue(forKey: g) {
            groups[g] = nil
            forget(shared.adjOut)
            peerList.removeAll { $0 == g }
            if shared.constrained { constrainedPeers -= 1 }
        } else {
            groups[g] = s
        }
    }

    /// Per attribute set, the length of its UPDATE without NLRI, within one
    /// plan; the last at hand (routes come in runs of one set).
    struct BaseLengths {
        var all: [AttributeStore.ID: Int] = [:]
        var last: (attributes: AttributeStore.ID, length: Int)?
    }

    /// The last verdict of the reflection rules, for one target within one plan.
    struct ReflectionMemo {
        var last: (source: PeerID, attributes: AttributeStore.ID, family: AddressFamily, sends: Bool)?
    }
}
