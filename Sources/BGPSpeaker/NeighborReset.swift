import BGP

/// Which way a soft reset refreshes routes (RFC 2918, RFC 7313's "soft reconfiguration").
public enum SoftResetDirection: String, Hashable, Sendable, CaseIterable {
    /// Ask the peer for its routes again (ROUTE-REFRESH for each family both sides agreed).
    case inbound = "in"
    /// Send the peer our routes again (its Adj-RIB-Out, whole).
    case outbound = "out"
    case both
}

extension Speaker {
    /// Hard reset: every session with `address` is closed with CEASE
    /// (administrative reset, RFC 4486) and started again; a peer that dialled
    /// in dials again. Returns the sessions reset (0: no such neighbour).
    public func resetNeighbor(_ address: IPAddress) -> Int {
        let ids = peers.filter { $0.value.address == address }.map(\.key).sorted()
        for id in ids {
            let configured = peers[id]?.dynamic == false
            run(id, .stop(.administrativeReset))
            if configured { run(id, .start) }
        }
        return ids.count
    }

    /// Soft reset: the session stays up; routes are asked for again
    /// (inbound: ROUTE-REFRESH, when the peer offered route refresh) and/or
    /// sent again (outbound). Returns the Established sessions refreshed.
    public func softResetNeighbor(_ address: IPAddress, _ direction: SoftResetDirection) -> Int {
        var n = 0
        for (id, p) in peers where p.address == address && p.session.state == .established {
            guard let agreed = p.session.negotiated else { continue }
            n += 1
            if direction != .outbound, agreed.routeRefresh {
                for family in agreed.families.sorted(by: { $0.description < $1.description }) {
                    sendRaw(id, BGPMessage.routeRefresh(RouteRefresh(family: family)).encoded(options: p.options))
                }
            }
            if direction != .inbound {
                for family in agreed.families { rib.refresh(id, family: family) }
            }
        }
        if n > 0, direction != .inbound { refreshed() }
        return n
    }
}
