import BGP
import NIOCore

/// What one session is set up with: who we are, whom we expect, the timers.
public struct SessionConfiguration: Hashable, Sendable {
    public var localAS: UInt32
    public var routerID: IPv4Address
    /// The AS the peer must announce (RFC 4271 §6.2 "Bad Peer AS").
    public var peerAS: UInt32
    /// Waits for the peer to connect instead of connecting (RFC 4271 §8.1.1 PassiveTcpEstablishment).
    public var passive: Bool
    /// Proposed hold time in seconds: 0 (no keepalives) or at least 3.
    public var holdTime: UInt16
    public var connectRetryTime: TimeAmount
    /// Seconds between KEEPALIVEs; nil (or more than a third of the hold time) means a third of it.
    public var keepaliveTime: UInt16?
    /// Hold timer while waiting for the peer's OPEN (RFC 4271 §8: "a large value", 4 minutes suggested).
    public var openHoldTime: TimeAmount
    /// Families offered with the multiprotocol capability.
    public var families: [AddressFamily]
    /// Offered when set (RFC 4724); nil offers no graceful restart.
    public var gracefulRestart: GracefulRestart?

    public init(localAS: UInt32, routerID: IPv4Address, peerAS: UInt32, passive: Bool = true, holdTime: UInt16 = 90,
                connectRetryTime: TimeAmount = .seconds(30), openHoldTime: TimeAmount = .seconds(240),
                families: [AddressFamily] = [.l2vpnEVPN], gracefulRestart: GracefulRestart? = nil) {
        self.localAS = localAS; self.routerID = routerID; self.peerAS = peerAS; self.passive = passive
        self.holdTime = holdTime; self.connectRetryTime = connectRetryTime; self.openHoldTime = openHoldTime
        self.families = families; self.gracefulRestart = gracefulRestart
    }

    /// The OPEN we send: multiprotocol per family, route refresh, 4-octet AS, graceful restart if configured.
    public var open: Open {
        var caps: [Capability] = families.map { .multiprotocol($0) }
        caps.append(.routeRefresh)
        if let gr = gracefulRestart { caps.append(.gracefulRestart(gr)) }
        caps.append(.fourOctetAS(localAS))
        return Open(asn: localAS, holdTime: holdTime, bgpIdentifier: routerID, capabilities: caps)
    }
}
