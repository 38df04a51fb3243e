/// The 16-bit type field after the MAC addresses (or after a VLAN tag).
/// A struct rather than an enum: any value can appear on the wire.
public struct EtherType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = EtherType(rawValue: 0x0800)
    public static let arp = EtherType(rawValue: 0x0806)
    public static let vlan = EtherType(rawValue: 0x8100)
    public static let ipv6 = EtherType(rawValue: 0x86dd)
    /// IEEE 802.1ad service tag (QinQ outer tag).
    public static let qinq = EtherType(rawValue: 0x88a8)
    /// The pre-standard QinQ outer tag some switches still send.
    public static let qinqLegacy = EtherType(rawValue: 0x9100)

    /// Types that introduce an 802.1Q/802.1ad tag.
    /// (Compares raw numbers: it runs for every frame decoded.)
    public var isVLANTag: Bool { rawValue == 0x8100 || rawValue == 0x88a8 || rawValue == 0x9100 }

    public var description: String {
        let hex = String(rawValue, radix: 16)
        return "0x" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}

/// The IPv4 protocol / IPv6 next-header number.
public struct IPProtocol: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let hopByHop = IPProtocol(rawValue: 0)
    public static let icmp = IPProtocol(rawValue: 1)
    public static let tcp = IPProtocol(rawValue: 6)
    public static let udp = IPProtocol(rawValue: 17)
    public static let ipv6Routing = IPProtocol(rawValue: 43)
    public static let ipv6Fragment = IPProtocol(rawValue: 44)
    public static let esp = IPProtocol(rawValue: 50)
    public static let authenticationHeader = IPProtocol(rawValue: 51)
    public static let icmpv6 = IPProtocol(rawValue: 58)
    public static let noNextHeader = IPProtocol(rawValue: 59)
    public static let ipv6DestinationOptions = IPProtocol(rawValue: 60)
    public static let mobility = IPProtocol(rawValue: 135)
    public static let hostIdentity = IPProtocol(rawValue: 139)
    public static let shim6 = IPProtocol(rawValue: 140)

    public var description: String { String(rawValue) }
}
