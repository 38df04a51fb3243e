import BGP
import NIOCore

/// One neighbour in depth (`swiftplanectl neighbors NAME`): what its OPEN
/// agreed, its timers, graceful restart, routes per family each way, flaps.
public struct NeighborDetail: Sendable {
    public var status: NeighborStatus
    /// What the two OPENs agreed; nil when the session is not up.
    public var negotiated: NegotiatedSession?
    /// What we offer: hold time, keepalive (nil: a third of the hold),
    /// connect retry, families, graceful restart.
    public var configuration: SessionConfiguration
    public var flaps: Int
    public var endOfRIBReceived: Set<AddressFamily>
    /// Its routes kept stale through a graceful restart.
    public var staleRoutes: Int
    /// Paths received from it, and routes sent to it, per family.
    public var received: [AddressFamily: Int]
    public var sent: [AddressFamily: Int]
}

extension Speaker {
    /// The neighbour at `address` (as `neighbors()` prints it), or nil.
    /// Walks the peer's paths once: fine for an operator's question.
    public func neighborDetail(_ address: String) -> NeighborDetail? {
        guard let status = neighbors().first(where: { $0.address == address }), let peer = peers[status.peer] else { return nil }
        var received: [AddressFamily: Int] = [:]
        for path in paths() where path.peer == status.peer {
            if let family = path.nlri.family { received[family, default: 0] += 1 }
        }
        var sent: [AddressFamily: Int] = [:]
        for nlri in rib.advertised(to: status.peer).keys {
            if let family = nlri.family { sent[family, default: 0] += 1 }
        }
        return NeighborDetail(status: status, negotiated: peer.session.negotiated, configuration: peer.session.configuration,
                              flaps: peer.flaps, endOfRIBReceived: peer.endOfRIBReceived, staleRoutes: staleRoutes(status.peer),
                              received: received, sent: sent)
    }
}
