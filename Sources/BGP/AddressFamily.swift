/// Address Family Identifier (IANA "Address Family Numbers").
public struct AFI: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let ipv4 = AFI(rawValue: 1)
    public static let ipv6 = AFI(rawValue: 2)
    public static let l2vpn = AFI(rawValue: 25)
    public var description: String {
        switch self {
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        case .l2vpn: "l2vpn"
        default: "afi-\(rawValue)"
        }
    }
}

/// Subsequent Address Family Identifier.
public struct SAFI: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let unicast = SAFI(rawValue: 1)
    public static let multicast = SAFI(rawValue: 2)
    public static let evpn = SAFI(rawValue: 70)
    /// RFC 4684 route target membership ("Route Target constrains" in IANA's registry).
    public static let routeTargetConstraint = SAFI(rawValue: 132)
    public var description: String {
        switch self {
        case .unicast: "unicast"
        case .multicast: "multicast"
        case .evpn: "evpn"
        case .routeTargetConstraint: "rtc"
        default: "safi-\(rawValue)"
        }
    }
}

/// An (AFI, SAFI) pair: what MP_REACH_NLRI, capabilities and ROUTE-REFRESH name.
public struct AddressFamily: Hashable, Sendable, CustomStringConvertible {
    public var afi: AFI
    public var safi: SAFI
    public init(afi: AFI, safi: SAFI) { self.afi = afi; self.safi = safi }
    public static let ipv4Unicast = AddressFamily(afi: .ipv4, safi: .unicast)
    public static let ipv6Unicast = AddressFamily(afi: .ipv6, safi: .unicast)
    public static let l2vpnEVPN = AddressFamily(afi: .l2vpn, safi: .evpn)
    /// RFC 4684 §4: route target membership NLRI are AFI 1, SAFI 132.
    public static let routeTargetConstraint = AddressFamily(afi: .ipv4, safi: .routeTargetConstraint)
    public var description: String { "\(afi)/\(safi)" }
}
