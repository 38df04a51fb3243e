import NIOCore

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

/// Ethernet segment identifier (RFC 7432 §5): 10 octets, type first.
public struct EthernetSegmentIdentifier: Hashable, Sendable, CustomStringConvertible {
    public var high: UInt16
    public var low: UInt64
    public init(high: UInt16, low: UInt64) { self.high = high; self.low = low }
    public static let zero = EthernetSegmentIdentifier(high: 0, low: 0)
    public var type: UInt8 { UInt8(high >> 8) }
    public var bytes: [UInt8] {
        [UInt8(high >> 8), UInt8(truncatingIfNeeded: high)] + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64($0))) }
    }
    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }
}

/// A 3-octet label field. EVPN over VXLAN carries the VNI in all 24 bits
/// (RFC 8365 §5.1.3); MPLS puts the 20-bit label in the high bits and the
/// bottom-of-stack bit in the lowest. The raw field is kept, so both read it.
public struct MPLSLabel: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue & 0xff_ffff }
    /// The field as a VXLAN network identifier (all 24 bits).
    public static func vni(_ vni: UInt32) -> Self { Self(rawValue: vni) }
    /// An MPLS label with the bottom-of-stack bit set.
    public static func mpls(_ label: UInt32) -> Self { Self(rawValue: label << 4 | 1) }
    public var vni: UInt32 { rawValue }
    public var mplsLabel: UInt32 { rawValue >> 4 }
    public var description: String { String(rawValue) }
}

extension WireReader {
    mutating func routeDistinguisher(_ error: Notification) throws(BGPDecodingError) -> RouteDistinguisher {
        RouteDistinguisher(rawValue: try u64("route distinguisher", error))
    }
    mutating func esi(_ error: Notification) throws(BGPDecodingError) -> EthernetSegmentIdentifier {
        let h = try u16("ESI", error)
        return EthernetSegmentIdentifier(high: h, low: try u64("ESI", error))
    }
    mutating func label(_ error: Notification) throws(BGPDecodingError) -> MPLSLabel {
        MPLSLabel(rawValue: try u24("label", error))
    }
    mutating func mac(_ error: Notification) throws(BGPDecodingError) -> EthernetAddress {
        let h = try u16("MAC address", error)
        return EthernetAddress(rawValue: UInt64(h) << 32 | UInt64(try u32("MAC address", error)))
    }
    mutating func ipv4(_ error: Notification) throws(BGPDecodingError) -> IPv4Address {
        IPv4Address(rawValue: try u32("IPv4 address", error))
    }
    mutating func ipv6(_ error: Notification) throws(BGPDecodingError) -> IPv6Address {
        let h = try u64("IPv6 address", error)
        return IPv6Address(high: h, low: try u64("IPv6 address", error))
    }
    /// An address of 4 or 16 bytes given its length in bytes.
    mutating func ip(byteCount: Int, _ error: Notification) throws(BGPDecodingError) -> IPAddress {
        switch byteCount {
        case 4: .v4(try ipv4(error))
        case 16: .v6(try ipv6(error))
        default: throw invalid("IP address of \(byteCount) bytes", error)
        }
    }
}

extension ByteBuffer {
    mutating func write(_ rd: RouteDistinguisher) { writeInteger(rd.rawValue) }
    mutating func write(_ esi: EthernetSegmentIdentifier) { writeInteger(esi.high); writeInteger(esi.low) }
    mutating func write(_ label: MPLSLabel) { writeUInt24(label.rawValue) }
    mutating func write(_ mac: EthernetAddress) {
        writeInteger(UInt16(truncatingIfNeeded: mac.rawValue >> 32))
        writeInteger(UInt32(truncatingIfNeeded: mac.rawValue))
    }
    mutating func write(_ a: IPv4Address) { writeInteger(a.rawValue) }
    mutating func write(_ a: IPv6Address) { writeInteger(a.high); writeInteger(a.low) }
    mutating func write(_ a: IPAddress) {
        switch a {
        case .v4(let x): write(x)
        case .v6(let x): write(x)
        }
    }
}
