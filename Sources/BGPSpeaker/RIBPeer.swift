import BGP

/// A peer's number in the RIB: small, so tables key on it cheaply.
public struct PeerID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (l: Self, r: Self) -> Bool { l.rawValue < r.rawValue }
    public var description: String { "peer\(rawValue)" }
}

/// What the RIB knows of an Established peer.
public struct RIBPeer: Hashable, Sendable {
    public var address: IPAddress
    public var routerID: IPv4Address
    /// A route reflector client (RFC 4456 §2); false for a non-client iBGP peer.
    public var routeReflectorClient: Bool
    public var ebgp: Bool
    /// The families negotiated: routes of other families are neither taken nor sent.
    public var families: Set<AddressFamily>
    /// This speaker itself, as the source of the routes it originates: they
    /// go to every peer unreflected (no ORIGINATOR_ID, no CLUSTER_LIST), and
    /// nothing is sent to it.
    public var local: Bool

    public init(address: IPAddress, routerID: IPv4Address, routeReflectorClient: Bool = true, ebgp: Bool = false,
                families: Set<AddressFamily> = [.l2vpnEVPN], local: Bool = false) {
        self.address = address; self.routerID = routerID; self.routeReflectorClient = routeReflectorClient
        self.ebgp = ebgp; self.families = families; self.local = local
    }
}

extension NLRI {
    /// The family the NLRI belongs to; nil for opaque bytes of an unknown family.
    public var family: AddressFamily? {
        switch route {
        case .ipv4: .ipv4Unicast
        case .ipv6: .ipv6Unicast
        case .evpn: .l2vpnEVPN
        case .routeTargetMembership: .routeTargetConstraint
        case .opaque: nil
        }
    }
}
