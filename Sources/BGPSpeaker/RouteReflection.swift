import BGP

/// The RFC 4456 rules, as pure functions over values.
public struct RouteReflection: Hashable, Sendable {
    public var routerID: IPv4Address
    public var clusterID: IPv4Address

    public init(routerID: IPv4Address, clusterID: IPv4Address) { self.routerID = routerID; self.clusterID = clusterID }

    /// RFC 4456 §8: a route that carries our router id as ORIGINATOR_ID, or
    /// our cluster id in its CLUSTER_LIST, has looped and is ignored.
    public func isLoop(_ attributes: PathAttributes) -> Bool {
        if attributes.originatorID == routerID { return true }
        return attributes.clusterList?.clusterIDs.contains(clusterID) ?? false
    }

    /// The attributes as reflected: ORIGINATOR_ID set to the source's router
    /// id unless already there, our cluster id prepended to CLUSTER_LIST; the
    /// next hop and every other attribute kept (unknown optional transitive
    /// ones with the partial bit, RFC 4271 §5).
    public func reflected(_ attributes: PathAttributes, from source: RIBPeer) -> PathAttributes {
        var out = attributes.passedOn
        guard !source.ebgp else { return out }
        if out.originatorID == nil { out.set(PathAttribute(.originatorID(source.routerID))) }
        out.set(PathAttribute(.clusterList(ClusterList([clusterID] + (attributes.clusterList?.clusterIDs ?? [])))))
        return out
    }

    /// RFC 4456 §6: whether the best path from `source` goes to `target`.
    /// Never back to its source or to its originator; between iBGP peers only
    /// when one of the two is a client.
    public func sends(from source: RIBPeer, sourceID: PeerID, to target: RIBPeer, targetID: PeerID,
                      originatorID: IPv4Address?, family: AddressFamily) -> Bool {
        guard sourceID != targetID, target.families.contains(family), !target.local else { return false }
        if let o = originatorID, o == target.routerID { return false }
        if source.local { return true }
        if source.ebgp || target.ebgp { return true }
        return source.routeReflectorClient || target.routeReflectorClient
    }
}
