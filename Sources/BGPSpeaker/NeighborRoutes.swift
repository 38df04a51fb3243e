import BGP

extension Speaker {
    /// Which of a neighbour's tables: what it sent, or what it was sent.
    public enum AdjacentRIB: String, Sendable, CaseIterable {
        /// Its Adj-RIB-In: every path it sent (as received), best ones marked.
        case adjRIBIn = "adj-in"
        /// Its Adj-RIB-Out: every route it was sent and not withdrawn since,
        /// with the attributes as sent; `peer` is the best path's source.
        case adjRIBOut = "adj-out"
    }

    /// One of the neighbour's tables at `address` (the first with it, as
    /// `neighborDetail` picks), or nil when no neighbour has the address.
    public func routes(_ table: AdjacentRIB, of address: String) -> [RIBPath]? {
        guard let status = neighbors().first(where: { $0.address == address }) else { return nil }
        switch table {
        case .adjRIBIn:
            return paths().filter { $0.peer == status.peer }
        case .adjRIBOut:
            return rib.advertised(to: status.peer).map { nlri, attributes in
                RIBPath(nlri: nlri, peer: rib.best(nlri)?.peer ?? Self.localPeer, attributes: attributes, best: true, stale: false)
            }
        }
    }
}
