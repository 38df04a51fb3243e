import BGP

/// One path in the RIB as the operator lists it: a destination, the peer it
/// came from with its attributes as received, and its standing.
public struct RIBPath: Hashable, Sendable {
    public var nlri: NLRI
    public var peer: PeerID
    public var attributes: RouteAttributes
    /// Chosen by the decision process for the Loc-RIB.
    public var best: Bool
    /// Kept through the peer's graceful restart, not re-announced yet.
    public var stale: Bool

    public init(nlri: NLRI, peer: PeerID, attributes: RouteAttributes, best: Bool, stale: Bool) {
        self.nlri = nlri; self.peer = peer; self.attributes = attributes; self.best = best; self.stale = stale
    }
}
