import OpenFlow
import Packets

/// A VXLAN tunnel end point: the underlay address of a host, IPv4 or IPv6.
/// EVPN carries it as a route's next hop and PMSI tunnel endpoint; the
/// pipeline writes it into `tun_dst` or `tun_ipv6_dst`. IPv4 VTEPs sort
/// before IPv6 ones, each family by address (the RFC 7432 tie-break "lowest
/// VTEP address" within a family).
public struct VTEP: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let address: IPAddress

    public init(_ address: IPAddress) { self.address = address }

    public static func v4(_ address: IPv4Address) -> VTEP { VTEP(.v4(address)) }
    public static func v6(_ address: IPv6Address) -> VTEP { VTEP(.v6(address)) }

    /// The family's name, for logs and refusals.
    public var family: String {
        switch address {
        case .v4: "IPv4"
        case .v6: "IPv6"
        }
    }

    /// Whether both are of one address family (one tunnel port carries one family).
    public func sameFamily(as other: VTEP) -> Bool {
        switch (address, other.address) {
        case (.v4, .v4), (.v6, .v6): true
        default: false
        }
    }

    /// The set-field that sends a packet out of the flow-based VXLAN port to this VTEP.
    public var tunnelDestination: OXMField {
        switch address {
        case let .v4(a): .tunnelIPv4Destination(a.rawValue)
        case let .v6(a): .tunnelIPv6Destination(a.bytes)
        }
    }

    /// The IPv4 address of the host's route distinguishers (VTEP:VNI, type 1)
    /// when nothing better is configured: an IPv4 VTEP itself, the low 32
    /// bits of an IPv6 one (the agent uses its router id instead).
    public var routeDistinguisherAddress: IPv4Address {
        switch address {
        case let .v4(a): a
        case let .v6(a): IPv4Address(rawValue: UInt32(truncatingIfNeeded: a.low))
        }
    }

    public static func < (lhs: VTEP, rhs: VTEP) -> Bool {
        switch (lhs.address, rhs.address) {
        case let (.v4(a), .v4(b)): a < b
        case let (.v6(a), .v6(b)): a < b
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }

    public var description: String { address.description }
}
