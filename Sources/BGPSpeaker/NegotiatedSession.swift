import BGP

/// What two OPENs agreed (RFC 4271 §4.2, RFC 5492): fixed for the session's life.
public struct NegotiatedSession: Hashable, Sendable {
    public var peerAS: UInt32
    public var peerRouterID: IPv4Address
    /// Seconds; 0 means neither hold timer nor keepalives.
    public var holdTime: UInt16
    /// Families both sides offered (RFC 4760 §8).
    public var families: Set<AddressFamily>
    public var routeRefresh: Bool
    /// The peer's graceful restart capability, if it sent one.
    public var peerGracefulRestart: GracefulRestart?
    /// The wire options for UPDATEs of this session.
    public var options: SessionOptions

    /// One third of the hold time (RFC 4271 §10), 0 when the hold time is 0.
    public var keepaliveInterval: UInt16 { holdTime / 3 }

    /// Checks the peer's OPEN against ours (RFC 4271 §6.2) and derives the
    /// agreement, or the NOTIFICATION to refuse it with.
    public static func negotiate(local: SessionConfiguration, remote: Open) throws(OpenRefusal) -> NegotiatedSession {
        guard remote.version == 4 else { throw OpenRefusal(Notification(.openMessage(.unsupportedVersionNumber), data: [0, 4])) }
        guard remote.asn == local.peerAS else { throw OpenRefusal(Notification(.openMessage(.badPeerAS))) }
        // A zero identifier, or ours on an iBGP session, cannot be told apart (RFC 4271 §6.2, RFC 6286 §2.2).
        guard remote.bgpIdentifier.rawValue != 0, !(local.peerAS == local.localAS && remote.bgpIdentifier == local.routerID) else {
            throw OpenRefusal(Notification(.openMessage(.badBGPIdentifier)))
        }
        guard remote.holdTime == 0 || remote.holdTime >= 3 else { throw OpenRefusal(Notification(.openMessage(.unacceptableHoldTime))) }
        let caps = remote.capabilities
        var offered = Set<AddressFamily>()
        var fourOctet = false, refresh = false
        var gr: GracefulRestart?
        for c in caps {
            switch c {
            case .multiprotocol(let f): offered.insert(f)
            case .fourOctetAS: fourOctet = true
            case .routeRefresh, .enhancedRouteRefresh: refresh = true
            case .gracefulRestart(let g): gr = g
            default: break
            }
        }
        // RFC 4760 §8: no multiprotocol capability at all means IPv4 unicast only.
        if !caps.contains(where: { if case .multiprotocol = $0 { true } else { false } }) { offered = [.ipv4Unicast] }
        let common = offered.intersection(local.families)
        guard !common.isEmpty else {
            // RFC 5492 §3: the data names the capability we needed (our first family).
            var ours: [UInt8] = []
            if let f = local.families.first { ours = [1, 4, UInt8(f.afi.rawValue >> 8), UInt8(f.afi.rawValue & 0xff), 0, f.safi.rawValue] }
            throw OpenRefusal(Notification(.openMessage(.unsupportedCapability), data: ours))
        }
        return NegotiatedSession(
            peerAS: remote.asn, peerRouterID: remote.bgpIdentifier, holdTime: min(local.holdTime, remote.holdTime),
            families: common, routeRefresh: refresh, peerGracefulRestart: gr,
            options: SessionOptions(fourOctetAS: fourOctet))
    }
}

/// Why an OPEN was refused: the NOTIFICATION to answer it with.
public struct OpenRefusal: Error, Hashable, Sendable {
    public var notification: Notification
    public init(_ notification: Notification) { self.notification = notification }
}
