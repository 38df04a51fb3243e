import NIOCore

/// Route target (RFC 4360 §4, RFC 5668): who imports a route.
public enum RouteTarget: Hashable, Sendable, CustomStringConvertible {
    case twoOctetAS(asn: UInt16, value: UInt32)
    case ipv4(address: IPv4Address, value: UInt16)
    case fourOctetAS(asn: UInt32, value: UInt16)

    public var description: String {
        switch self {
        case .twoOctetAS(let a, let v): "\(a):\(v)"
        case .ipv4(let a, let v): "\(a):\(v)"
        case .fourOctetAS(let a, let v): "\(a):\(v)"
        }
    }
}

/// An extended community (RFC 4360): 8 octets, type and subtype first.
/// The ones EVPN needs have names; every other one is kept as its 64 bits.
/// A named case is only chosen when it writes back the same bytes (reserved
/// fields zero), so re-encoding is always exact.
public enum ExtendedCommunity: Hashable, Sendable {
    case routeTarget(RouteTarget)
    /// RFC 9012 §4.1; tunnel type 8 is VXLAN.
    case encapsulation(tunnelType: UInt16)
    /// RFC 7432 §7.7.
    case macMobility(sticky: Bool, sequence: UInt32)
    /// RFC 7432 §7.8 (BGP Tunnel Encapsulation's default gateway).
    case defaultGateway
    /// RFC 9135 §8.1.
    case routersMAC(EthernetAddress)
    /// RFC 7432 §7.5.
    case esiLabel(singleActive: Bool, label: MPLSLabel)
    /// RFC 7432 §7.6.
    case esImport(EthernetAddress)
    case opaque(UInt64)

    public static let vxlanEncapsulation = ExtendedCommunity.encapsulation(tunnelType: 8)

    public init(rawValue v: UInt64) {
        let type = UInt8(truncatingIfNeeded: v >> 56)
        let subtype = UInt8(truncatingIfNeeded: v >> 48)
        let value = v & 0xffff_ffff_ffff
        switch (type, subtype) {
        case (0x00, 0x02):
            self = .routeTarget(.twoOctetAS(asn: UInt16(truncatingIfNeeded: value >> 32), value: UInt32(truncatingIfNeeded: value)))
        case (0x01, 0x02):
            self = .routeTarget(.ipv4(address: IPv4Address(rawValue: UInt32(truncatingIfNeeded: value >> 16)), value: UInt16(truncatingIfNeeded: value)))
        case (0x02, 0x02):
            self = .routeTarget(.fourOctetAS(asn: UInt32(truncatingIfNeeded: value >> 16), value: UInt16(truncatingIfNeeded: value)))
        case (0x03, 0x0c) where value >> 16 == 0:
            self = .encapsulation(tunnelType: UInt16(truncatingIfNeeded: value))
        case (0x03, 0x0d) where value == 0:
            self = .defaultGateway
        case (0x06, 0x00) where value & 0xfeff_0000_0000 == 0:
            self = .macMobility(sticky: value >> 40 & 1 == 1, sequence: UInt32(truncatingIfNeeded: value))
        case (0x06, 0x01) where value & 0xfeff_ff00_0000 == 0:
            self = .esiLabel(singleActive: value >> 40 & 1 == 1, label: MPLSLabel(rawValue: UInt32(truncatingIfNeeded: value)))
        case (0x06, 0x02):
            self = .esImport(EthernetAddress(rawValue: value))
        case (0x06, 0x03):
            self = .routersMAC(EthernetAddress(rawValue: value))
        default:
            self = .opaque(v)
        }
    }

    public var rawValue: UInt64 {
        func head(_ type: UInt64, _ subtype: UInt64) -> UInt64 { type << 56 | subtype << 48 }
        switch self {
        case .routeTarget(.twoOctetAS(let a, let v)): return head(0, 2) | UInt64(a) << 32 | UInt64(v)
        case .routeTarget(.ipv4(let a, let v)): return head(1, 2) | UInt64(a.rawValue) << 16 | UInt64(v)
        case .routeTarget(.fourOctetAS(let a, let v)): return head(2, 2) | UInt64(a) << 16 | UInt64(v)
        case .encapsulation(let t): return head(3, 0x0c) | UInt64(t)
        case .defaultGateway: return head(3, 0x0d)
        case .macMobility(let s, let q): return head(6, 0) | (s ? 1 << 40 : 0) | UInt64(q)
        case .esiLabel(let s, let l): return head(6, 1) | (s ? 1 << 40 : 0) | UInt64(l.rawValue)
        case .esImport(let m): return head(6, 2) | m.rawValue
        case .routersMAC(let m): return head(6, 3) | m.rawValue
        case .opaque(let v): return v
        }
    }
}

/// A standard community (RFC 1997): 4 octets, usually shown as AS:value.
public struct Community: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(asn: UInt16, value: UInt16) { rawValue = UInt32(asn) << 16 | UInt32(value) }
    public static let noExport = Community(rawValue: 0xffff_ff01)
    public static let noAdvertise = Community(rawValue: 0xffff_ff02)
    public var description: String { "\(rawValue >> 16):\(rawValue & 0xffff)" }
}

/// A large community (RFC 8092): three 4-octet fields.
public struct LargeCommunity: Hashable, Sendable, CustomStringConvertible {
    public var globalAdministrator: UInt32
    public var localData1: UInt32
    public var localData2: UInt32
    public init(_ g: UInt32, _ l1: UInt32, _ l2: UInt32) { globalAdministrator = g; localData1 = l1; localData2 = l2 }
    public var description: String { "\(globalAdministrator):\(localData1):\(localData2)" }
}
