/// Either family of IP address, for values that span both (flow keys,
/// pseudo-headers).
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    public init?(_ text: String) {
        if let v4 = IPv4Address(text) { self = .v4(v4) } else if let v6 = IPv6Address(text) { self = .v6(v6) } else { return nil }
    }

    /// The address as IPv6; IPv4 becomes v4-mapped (RFC 4291 §2.5.5.2).
    public var ipv6: IPv6Address {
        switch self {
        case .v4(let a): return IPv6Address(high: 0, low: 0xffff_0000_0000 | UInt64(a.rawValue))
        case .v6(let a): return a
        }
    }

    public var description: String {
        switch self {
        case .v4(let a): return a.description
        case .v6(let a): return a.description
        }
    }
}
