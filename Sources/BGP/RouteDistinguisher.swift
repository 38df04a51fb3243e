/// Route distinguisher (RFC 4364 §4.2): 8 octets, type 0 (2-octet AS : 4-octet
/// number), 1 (IPv4 : 2-octet number) or 2 (4-octet AS : 2-octet number).
/// Kept as its 64 bits so routes hash and compare without allocation; any
/// other type is kept as is and shown by value.
public struct RouteDistinguisher: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static func twoOctetAS(_ asn: UInt16, _ number: UInt32) -> Self {
        Self(rawValue: UInt64(asn) << 32 | UInt64(number))
    }
    public static func ipv4(_ address: IPv4Address, _ number: UInt16) -> Self {
        Self(rawValue: 1 << 48 | UInt64(address.rawValue) << 16 | UInt64(number))
    }
    public static func fourOctetAS(_ asn: UInt32, _ number: UInt16) -> Self {
        Self(rawValue: 2 << 48 | UInt64(asn) << 16 | UInt64(number))
    }

    public var type: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 48) }

    public enum Value: Hashable, Sendable {
        case twoOctetAS(asn: UInt16, number: UInt32)
        case ipv4(address: IPv4Address, number: UInt16)
        case fourOctetAS(asn: UInt32, number: UInt16)
        case other(type: UInt16, value: UInt64)
    }

    public var value: Value {
        let low48 = rawValue & 0xffff_ffff_ffff
        switch type {
        case 0: return .twoOctetAS(asn: UInt16(truncatingIfNeeded: low48 >> 32), number: UInt32(truncatingIfNeeded: low48))
        case 1: return .ipv4(address: IPv4Address(rawValue: UInt32(truncatingIfNeeded: low48 >> 16)), number: UInt16(truncatingIfNeeded: low48))
        case 2: return .fourOctetAS(asn: UInt32(truncatingIfNeeded: low48 >> 16), number: UInt16(truncatingIfNeeded: low48))
        default: return .other(type: type, value: low48)
        }
    }

    /// The usual text forms: `65000:100`, `10.0.0.1:5`, `4200000000:7`.
    public var description: String {
        switch value {
        case .twoOctetAS(let a, let n): "\(a):\(n)"
        case .ipv4(let a, let n): "\(a):\(n)"
        case .fourOctetAS(let a, let n): "\(a):\(n)"
        case .other(let t, let v): "type\(t):\(v)"
        }
    }
}
