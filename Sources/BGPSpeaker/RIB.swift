import BGP

/// Adj-RIB-In per peer, the Loc-RIB and Adj-RIB-Out per peer (RFC 4271
/// §3.2), for a route reflector. Sans I/O: feed it UPDATEs and peers coming
/// and going, take packed UPDATEs out per peer.
///
/// Built for many routes: each destination is interned once as a small
/// route index, attribute sets are interned in an `AttributeStore`, and the
/// tables hold only integers.
public struct RIB: Sendable {
    public typealias RouteIndex = UInt32
    public let reflection: RouteReflection
    public private(set) var store = AttributeStore()

    private var indices: [NLRI: RouteIndex] = [:]
    private var routes: [NLRI?] = []
    /// Adj-RIB-In and Adj-RIB-Out entries naming the route; it goes at zero.
    private var references: [UInt32] = []
    private var freeIndices: [RouteIndex] = []
    private var loc: [LocEntry] = []
    private var peers: [PeerID: PeerTables] = [:]
    /// Received attribute set -> its reflected form, for one source router id:
    /// routes sharing attributes are reflected without rebuilding them.
    private var reflectedCache: [AttributeStore.ID: (source: IPv4Address, ebgp: Bool, out: AttributeStore.ID)] = [:]

    /// The Loc-RIB entry of a destination: the peers with a path, and the
    /// best one with its reflected attributes.
    struct LocEntry: Sendable {
        var paths: [PeerID] = []
        var best: PeerID?
        var outAttributes: AttributeStore.ID?
    }

    struct PeerTables: Sendable {
        var info: RIBPeer
        var adjIn: [RouteIndex: AttributeStore.ID] = [:]
        var adjOut: [RouteIndex: AttributeStore.ID] = [:]
        /// Changes not yet sent: an attribute id, or `withdrawal`.
        var pending: [RouteIndex: AttributeStore.ID] = [:]
        var endOfRIBPending = true
        /// Routes kept from before a graceful restart (RFC 4724 §4.2), not yet re-announced.
        var stale: Set<RouteIndex> = []
        /// Down but restarting: its routes stay, it is sent nothing.
        var restarting = false
    }

    static let withdrawal: AttributeStore.ID = .max

    public init(routerID: IPv4Address, clusterID: IPv4Address) {
        reflection = RouteReflection(routerID: routerID, clusterID: clusterID)
    }

    // MARK: figures

    /// Destinations with a best path.
    public var routeCount: Int { loc.reduce(0) { $0 + ($1.best == nil ? 0 : 1) } }
    /// Routes held in the peer's Adj-RIB-In (what max-prefix counts).
    public func prefixCount(_ peer: PeerID) -> Int { peers[peer]?.adjIn.count ?? 0 }
    public var peerIDs: [PeerID] { peers.keys.sorted() }
    /// Routes of the peer kept as stale through its restart.
    public func staleCount(_ peer: PeerID) -> Int { peers[peer]?.stale.count ?? 0 }
    /// The peer left Established and its routes are kept for its restart.
    public func isRestarting(_ peer: PeerID) -> Bool { peers[peer]?.restarting ?? false }

    /// The best path of a destination: the peer it came from and its attributes as received.
    public func best(_ nlri: NLRI) -> (peer: PeerID, attributes: RouteAttributes)? {
        guard let i = indices[nlri], let p = loc[Int(i)].best, let a = peers[p]?.adjIn[i] else { return nil }
        return (p, store[a])
    }

    /// Every destination's best path as received, except those from `excluded`
    /// (this speaker's own routes, for an application that wants the others').
    public func bestRoutes(excluding excluded: PeerID? = nil) -> [(nlri: NLRI, attributes: RouteAttributes)] {
        indices.compactMap { nlri, i in
            guard let p = loc[Int(i)].best, p != excluded, let a = peers[p]?.adjIn[i] else { return nil }
            return (nlri, store[a])
        }
    }

    /// Routes sent to a peer and not withdrawn since.
    public func advertisedCount(_ peer: PeerID) -> Int { peers[peer]?.adjOut.count ?? 0 }

    /// Every path held, per peer, with whether it is the best one and stale.
    public func paths() -> [RIBPath] {
        var out: [RIBPath] = []
        for (peer, t) in peers {
            for (i, a) in t.adjIn {
                guard let nlri = routes[Int(i)] else { continue }
                out.append(RIBPath(nlri: nlri, peer: peer, attributes: store[a], best: loc[Int(i)].best == peer, stale: t.stale.contains(i)))
            }
        }
        return out
    }

    /// What has been sent to a peer and not withdrawn since.
    public func advertised(to peer: PeerID) -> [NLRI: RouteAttributes] {
        var out: [NLRI: RouteAttributes] = [:]
        for (i, a) in peers[peer]?.adjOut ?? [:] { if let n = routes[Int(i)] { out[n] = store[a] } }
        return out
    }

    // MARK: peers

    /// A peer reached Established: it gets the whole table, then End-of-RIB.
    /// A restarting peer keeps its stale routes until it re-announces them
    /// or sends End-of-RIB (RFC 4724 §4.2).
    public mutating func addPeer(_ id: PeerID, _ info: RIBPeer) {
        if var t = peers[id], t.restarting {
            t.info = info
            t.restarting = false
            peers[id] = t
            // Families no longer negotiated lose their routes now: no End-of-RIB will come for them.
            let gone = t.adjIn.keys.filter { i in routes[Int(i)]?.family.map { !info.families.contains($0) } ?? true }
            for i in gone { removePath(i, from: id) }
        } else {
            removePeer(id)
            peers[id] = PeerTables(info: info)
        }
        for i in loc.indices where loc[i].best != nil { recompute(RouteIndex(i), for: id) }
    }

    /// A peer left Established: its routes are withdrawn from the others,
    /// its Adj-RIB-Out dropped.
    public mutating func removePeer(_ id: PeerID) {
        guard let tables = peers[id] else { return }
        for (i, _) in tables.adjIn { removePath(i, from: id) }
        if let t = peers[id] {
            for (i, a) in t.adjOut { store.release(a); unreference(i) }
        }
        peers[id] = nil
    }

    /// The peer left Established in a way it may restart from (RFC 4724
    /// §4.2): its routes of `families` stay, marked stale, still best and
    /// still reflected; the others are withdrawn. What was sent to it is
    /// forgotten: it gets the whole table when it comes back.
    public mutating func peerRestarting(_ id: PeerID, families: Set<AddressFamily>) {
        guard var t = peers.removeValue(forKey: id) else { return }
        for (i, a) in t.adjOut { store.release(a); unreference(i) }
        t.adjOut = [:]
        t.pending = [:]
        t.endOfRIBPending = true
        t.restarting = true
        t.stale = []
        peers[id] = t
        for i in t.adjIn.keys {
            if let f = routes[Int(i)]?.family, families.contains(f) {
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
        guard let t = peers[id] else { return 0 }
        let purge = t.stale.filter { i in family == nil || routes[Int(i)]?.family == family }
        for i in purge { removePath(i, from: id) }
        if family == nil, peers[id]?.restarting == true { removePeer(id) }
        return purge.count
    }

    /// ROUTE-REFRESH: the peer gets every route again, then End-of-RIB.
    public mutating func refresh(_ id: PeerID) {
        guard var t = peers.removeValue(forKey: id) else { return }
        for (i, a) in t.adjOut { store.release(a); unreference(i) }
        t.adjOut = [:]
        t.pending = [:]
        t.endOfRIBPending = true
        peers[id] = t
        for i in loc.indices where loc[i].best != nil { recompute(RouteIndex(i), for: id) }
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
            return change
        }
        change.withdrawn = withdraw(update.withdrawn, from: peer, ignored: &change.ignored)
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
        for nlri in mp.nlri where nlri.family == mp.family {
            setPath(index(for: nlri), from: peer, attributes: id)
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
        guard let held = peers[peer]?.adjIn else { return change }
        let gone = held.keys.compactMap { i -> NLRI? in
            guard let nlri = self.routes[Int(i)] else { return nil }
            return routes[nlri] == nil ? nlri : nil
        }
        change.withdrawn = withdraw(gone, from: peer, ignored: &change.ignored)
        for (nlri, attributes) in routes {
            if let i = indices[nlri], let a = held[i], store[a] == attributes { continue }
            let id = store.intern(attributes)
            setPath(index(for: nlri), from: peer, attributes: id)
            releaseReceived(id)
            change.announced += 1
        }
        return change
    }

    /// Withdraws routes from a peer (also RFC 7606 treat-as-withdraw).
    @discardableResult
    public mutating func withdraw(_ nlri: [NLRI], from peer: PeerID, ignored: inout Int) -> Int {
        var n = 0
        for r in nlri {
            guard let i = indices[r], peers[peer]?.adjIn[i] != nil else { ignored += 1; continue }
            removePath(i, from: peer)
            n += 1
        }
        return n
    }

    // MARK: output

    /// The UPDATEs owed to a peer, packed: NLRI sharing attributes ride in
    /// one UPDATE up to `maximumLength` octets; End-of-RIB follows the first table.
    public mutating func pendingUpdates(for peer: PeerID, options: SessionOptions = SessionOptions()) -> [Update] {
        // Taken out and put back, so its tables are mutated without a copy.
        guard peers[peer]?.restarting == false, var t = peers.removeValue(forKey: peer) else { return [] }
        var withdrawals: [AddressFamily: [NLRI]] = [:]
        var announcements: [AttributeStore.ID: [NLRI]] = [:]
        for (i, a) in t.pending {
            guard let nlri = routes[Int(i)], let family = nlri.family else { continue }
            if let old = t.adjOut[i] {
                store.release(old)
                if a == Self.withdrawal { t.adjOut[i] = nil; unreference(i) }
            } else if a != Self.withdrawal {
                references[Int(i)] &+= 1
            }
            if a == Self.withdrawal {
                withdrawals[family, default: []].append(nlri)
            } else {
                store.retain(a)
                t.adjOut[i] = a
                announcements[a, default: []].append(nlri)
            }
        }
        t.pending = [:]
        var out: [Update] = []
        for (family, nlri) in withdrawals.sorted(by: { $0.key.afi.rawValue < $1.key.afi.rawValue }) {
            out += UpdatePacker.pack(nlri, options: options) { Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: family, nlri: $0)))])) }
        }
        for (a, nlri) in announcements.sorted(by: { $0.key < $1.key }) {
            let attrs = store[a]
            guard let family = nlri.first?.family else { continue }
            out += UpdatePacker.pack(nlri, options: options) { chunk in
                var p = attrs.attributes
                p.attributes.append(PathAttribute(.mpReachNLRI(MPReachNLRI(family: family, nextHop: attrs.nextHop, nlri: chunk))))
                return Update(attributes: p)
            }
        }
        if t.endOfRIBPending {
            t.endOfRIBPending = false
            out += t.info.families.sorted { ($0.afi.rawValue, $0.safi.rawValue) < ($1.afi.rawValue, $1.safi.rawValue) }.map { Update.endOfRIB($0) }
        }
        peers[peer] = t
        return out
    }

    // MARK: internals

    private mutating func index(for nlri: NLRI) -> RouteIndex {
        if let i = indices[nlri] { return i }
        let i: RouteIndex
        if let reused = freeIndices.popLast() {
            i = reused
            routes[Int(i)] = nlri
            references[Int(i)] = 0
            loc[Int(i)] = LocEntry()
        } else {
            i = RouteIndex(routes.count)
            routes.append(nlri)
            references.append(0)
            loc.append(LocEntry())
        }
        indices[nlri] = i
        return i
    }

    private mutating func unreference(_ i: RouteIndex) {
        guard references[Int(i)] > 0 else { return }
        references[Int(i)] -= 1
        guard references[Int(i)] == 0, let nlri = routes[Int(i)] else { return }
        indices[nlri] = nil
        routes[Int(i)] = nil
        loc[Int(i)] = LocEntry()
        freeIndices.append(i)
    }

    private mutating func setPath(_ i: RouteIndex, from peer: PeerID, attributes id: AttributeStore.ID) {
        store.retain(id)
        peers[peer]?.stale.remove(i)
        if let old = peers[peer]?.adjIn.updateValue(id, forKey: i) {
            releaseReceived(old)
        } else {
            references[Int(i)] &+= 1
            loc[Int(i)].paths.append(peer)
        }
        decide(i)
    }

    private mutating func removePath(_ i: RouteIndex, from peer: PeerID) {
        guard let old = peers[peer]?.adjIn.removeValue(forKey: i) else { return }
        peers[peer]?.stale.remove(i)
        releaseReceived(old)
        loc[Int(i)].paths.removeAll { $0 == peer }
        decide(i)
        unreference(i)
    }

    /// The decision process for one destination, then what each peer is owed.
    private mutating func decide(_ i: RouteIndex) {
        var entry = loc[Int(i)]
        let candidates: [(PeerID, CandidatePath)] = entry.paths.compactMap { p in
            guard let t = peers[p], let a = t.adjIn[i] else { return nil }
            return (p, CandidatePath(attributes: store[a].attributes, peerRouterID: t.info.routerID, peerAddress: t.info.address, fromEBGP: t.info.ebgp))
        }
        let bestIndex = DecisionProcess.best(candidates.map(\.1))
        let newBest = bestIndex.map { candidates[$0].0 }
        var newOut: AttributeStore.ID?
        if let b = newBest, let info = peers[b]?.info, let a = peers[b]?.adjIn[i] {
            if info.local {
                store.retain(a)
                newOut = a
            } else {
                newOut = reflected(a, from: info)
            }
        }
        let changed = newBest != entry.best || newOut != entry.outAttributes
        if let old = entry.outAttributes { store.release(old) }
        entry.best = newBest
        entry.outAttributes = newOut
        loc[Int(i)] = entry
        guard changed else { return }
        for p in peers.keys { recompute(i, for: p) }
    }

    /// The reflected attribute set of a received one, with a reference for the caller.
    private mutating func reflected(_ received: AttributeStore.ID, from source: RIBPeer) -> AttributeStore.ID {
        if let c = reflectedCache[received], c.source == source.routerID, c.ebgp == source.ebgp {
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
        if store.references(id) == 0, let c = reflectedCache.removeValue(forKey: id) { store.release(c.out) }
    }

    /// Brings a peer's pending change for a destination in line with the Loc-RIB.
    /// Mutates the peer's tables in place: a copy would duplicate them per route.
    private mutating func recompute(_ i: RouteIndex, for peer: PeerID) {
        guard let target = peers[peer]?.info, peers[peer]?.restarting == false, let nlri = routes[Int(i)], let family = nlri.family else { return }
        let entry = loc[Int(i)]
        var wanted: AttributeStore.ID?
        if let b = entry.best, let out = entry.outAttributes, let source = peers[b]?.info,
           reflection.sends(from: source, sourceID: b, to: target, targetID: peer,
                            originatorID: store[out].attributes.originatorID, family: family) {
            wanted = out
        }
        let current = peers[peer]?.adjOut[i]
        peers[peer]?.pending[i] = wanted == current ? nil : (wanted ?? Self.withdrawal)
    }
}
