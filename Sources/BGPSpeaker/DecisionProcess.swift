import BGP

/// One candidate path for a destination, with what the decision process
/// needs to know about the peer it came from.
public struct CandidatePath: Hashable, Sendable {
    public var attributes: PathAttributes
    public var peerRouterID: IPv4Address
    public var peerAddress: IPAddress
    public var fromEBGP: Bool

    public init(attributes: PathAttributes, peerRouterID: IPv4Address, peerAddress: IPAddress, fromEBGP: Bool = false) {
        self.attributes = attributes; self.peerRouterID = peerRouterID; self.peerAddress = peerAddress; self.fromEBGP = fromEBGP
    }
}

/// The RFC 4271 §9.1.2 tie-breaking rules with the RFC 4456 §9 changes:
/// ORIGINATOR_ID stands for the router id, and a shorter CLUSTER_LIST wins.
/// (No IGP metric: next hops are not resolved by a route reflector here.)
public enum DecisionProcess {
    /// Why `a` beat `b`, or nil when `b` is at least as good.
    public enum Rule: String, Hashable, Sendable {
        case localPref = "LOCAL_PREF", asPathLength = "AS_PATH length", origin = "ORIGIN", med = "MED",
             eBGPOverIBGP = "eBGP over iBGP", routerID = "router id", clusterListLength = "CLUSTER_LIST length",
             peerAddress = "peer address"
    }

    /// True when `a` is preferred to `b`.
    public static func prefers(_ a: CandidatePath, over b: CandidatePath) -> Bool { winningRule(a, over: b) != nil }

    /// The first rule that ranks `a` above `b`; nil when `b` wins or they tie.
    public static func winningRule(_ a: CandidatePath, over b: CandidatePath) -> Rule? {
        func decide<T: Comparable>(_ x: T, _ y: T, higherWins: Bool, _ rule: Rule) -> Rule?? {
            if x == y { return .none }
            return .some((x > y) == higherWins ? rule : nil)
        }
        let pa = a.attributes, pb = b.attributes
        if let r = decide(pa.localPref ?? 100, pb.localPref ?? 100, higherWins: true, .localPref) { return r }
        if let r = decide(pa.asPath?.length ?? 0, pb.asPath?.length ?? 0, higherWins: false, .asPathLength) { return r }
        if let r = decide(pa.origin?.rawValue ?? 2, pb.origin?.rawValue ?? 2, higherWins: false, .origin) { return r }
        // MED only between routes from the same neighbouring AS (RFC 4271 §9.1.2.2 c).
        if neighborAS(pa) == neighborAS(pb), let r = decide(pa.multiExitDisc ?? 0, pb.multiExitDisc ?? 0, higherWins: false, .med) { return r }
        if let r = decide(a.fromEBGP ? 1 : 0, b.fromEBGP ? 1 : 0, higherWins: true, .eBGPOverIBGP) { return r }
        if let r = decide(pa.originatorID ?? a.peerRouterID, pb.originatorID ?? b.peerRouterID, higherWins: false, .routerID) { return r }
        if let r = decide(pa.clusterList?.clusterIDs.count ?? 0, pb.clusterList?.clusterIDs.count ?? 0, higherWins: false, .clusterListLength) { return r }
        if let r = decide(addressKey(a.peerAddress), addressKey(b.peerAddress), higherWins: false, .peerAddress) { return r }
        return nil
    }

    /// The best of `paths` (first one on a full tie), or nil when empty.
    public static func best(_ paths: [CandidatePath]) -> Int? {
        guard !paths.isEmpty else { return nil }
        var best = 0
        for i in paths.indices.dropFirst() where prefers(paths[i], over: paths[best]) { best = i }
        return best
    }

    private static func neighborAS(_ p: PathAttributes) -> UInt32? {
        p.asPath?.segments.first { $0.kind == .asSequence }?.asns.first
    }

    /// IPv4 sorts before IPv6: as the IPv4-compatible IPv6 address.
    private static func addressKey(_ a: IPAddress) -> IPv6Address {
        switch a {
        case .v4(let v4): IPv6Address(high: 0, low: UInt64(v4.rawValue))
        case .v6(let v6): v6
        }
    }
}
