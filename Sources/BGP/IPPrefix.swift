import NIOCore

/// An IPv4 prefix as NLRI carries it (RFC 4271 §4.3): length in bits, then
/// only the octets the length needs. Bits past the length are kept as sent.
public struct IPv4Prefix: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var length: UInt8
    public init(_ address: IPv4Address, length: UInt8) { self.address = address; self.length = length }
    public var description: String { "\(address)/\(length)" }
}

/// An IPv6 prefix as NLRI carries it (RFC 4760 §5).
public struct IPv6Prefix: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv6Address
    public var length: UInt8
    public init(_ address: IPv6Address, length: UInt8) { self.address = address; self.length = length }
    public var description: String { "\(address)/\(length)" }
}

extension WireReader {
    /// Length octet, then ceil(length/8) octets left-aligned in `maxBits`.
    mutating func prefixBits(maxBits: Int) throws(BGPDecodingError) -> (high: UInt64, low: UInt64, length: UInt8) {
        let at = offset
        let length = try u8("prefix length")
        guard Int(length) <= maxBits else {
            throw BGPDecodingError("prefix length \(length) over \(maxBits)", offset: at, notification: notification)
        }
        let count = (Int(length) + 7) / 8
        try require(count, "prefix")
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<count {
            let b = UInt64(buffer.readInteger(as: UInt8.self) ?? 0)
            if i < 8 { high |= b << (56 - 8 * UInt64(i)) } else { low |= b << (56 - 8 * UInt64(i - 8)) }
        }
        return (high, low, length)
    }

    mutating func ipv4Prefix() throws(BGPDecodingError) -> IPv4Prefix {
        let p = try prefixBits(maxBits: 32)
        return IPv4Prefix(IPv4Address(rawValue: UInt32(truncatingIfNeeded: p.high >> 32)), length: p.length)
    }

    mutating func ipv6Prefix() throws(BGPDecodingError) -> IPv6Prefix {
        let p = try prefixBits(maxBits: 128)
        return IPv6Prefix(IPv6Address(high: p.high, low: p.low), length: p.length)
    }
}

extension ByteBuffer {
    mutating func writePrefix(high: UInt64, low: UInt64, length: UInt8) {
        writeInteger(length)
        let count = (Int(length) + 7) / 8
        for i in 0..<count {
            let b = i < 8 ? high >> (56 - 8 * UInt64(i)) : low >> (56 - 8 * UInt64(i - 8))
            writeInteger(UInt8(truncatingIfNeeded: b))
        }
    }
    mutating func write(_ p: IPv4Prefix) { writePrefix(high: UInt64(p.address.rawValue) << 32, low: 0, length: p.length) }
    mutating func write(_ p: IPv6Prefix) { writePrefix(high: p.address.high, low: p.address.low, length: p.length) }
}
