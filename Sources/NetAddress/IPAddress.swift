/// Either family of IP address, for values that span both: flow keys,
/// pseudo-headers, EVPN route fields and next hops.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// From 4 or 16 bytes in wire order; nil for any other count.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        if let a = IPv4Address(bytes: bytes) {
            self = .v4(a)
        } else if let a = IPv6Address(bytes: bytes) {
            self = .v6(a)
        } else {
            return nil
        }
    }

    /// Dotted quad or IPv6 text; nil when it is neither.
    public init?(_ text: String) {
        if let a = IPv4Address(text) { self = .v4(a) } else if let a = IPv6Address(text) { self = .v6(a) } else { return nil }
    }

    /// 4 or 16 bytes in wire order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a): a.bytes
        case .v6(let a): a.bytes
        }
    }

    /// Length in bits as EVPN routes write it (32 or 128).
    public var bitLength: UInt8 {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    /// 127.0.0.0/8 or ::1: only this host reaches it.
    public var isLoopback: Bool {
        switch self {
        case .v4(let a): a.rawValue >> 24 == 127
        case .v6(let a): a == IPv6Address(high: 0, low: 1)
        }
    }

    /// The address as IPv6; IPv4 becomes v4-mapped (RFC 4291 §2.5.5.2).
    public var ipv6: IPv6Address {
        switch self {
        case .v4(let a): IPv6Address(high: 0, low: 0xffff_0000_0000 | UInt64(a.rawValue))
        case .v6(let a): a
        }
    }

    public var description: String {
        switch self {
        case .v4(let a): a.description
        case .v6(let a): a.description
        }
    }
}
