import NIOCore

/// The RFC 1071 ones'-complement sum used by IPv4, ICMP, UDP and TCP.
/// Accumulates in 64 bits so no realistic input can overflow before folding.
public struct InternetChecksum: Sendable {
    private var sum: UInt64 = 0

    public init() {}

    public mutating func add(_ word: UInt16) { sum &+= UInt64(word) }

    public mutating func add(_ value: UInt32) {
        sum &+= UInt64(value >> 16) &+ UInt64(value & 0xffff)
    }

    public mutating func add(_ address: IPv4Address) { add(address.rawValue) }

    public mutating func add(_ address: IPv6Address) {
        for half in [address.high, address.low] {
            add(UInt32(truncatingIfNeeded: half >> 32))
            add(UInt32(truncatingIfNeeded: half))
        }
    }

    /// Adds the readable bytes of `bytes` as big-endian words, an odd last
    /// byte padded with zero.
    public mutating func add(_ bytes: ByteBuffer) {
        bytes.withUnsafeReadableBytes { raw in
            var i = 0
            let n = raw.count
            while i + 1 < n {
                sum &+= UInt64(raw[i]) << 8 | UInt64(raw[i + 1])
                i += 2
            }
            if i < n { sum &+= UInt64(raw[i]) << 8 }
        }
    }

    /// Adds the pseudo-header of RFC 768 / RFC 793 / RFC 8200 §8.1.
    public mutating func addPseudoHeader(source: IPAddress, destination: IPAddress, protocol proto: IPProtocol, length: Int) {
        switch (source, destination) {
        case let (.v4(s), .v4(d)):
            add(s); add(d)
        case let (.v6(s), .v6(d)):
            add(s); add(d)
        case let (.v4(s), .v6(d)):
            add(s); add(d)
        case let (.v6(s), .v4(d)):
            add(s); add(d)
        }
        add(UInt32(truncatingIfNeeded: length))
        add(UInt16(proto.rawValue))
    }

    /// The value to put in a checksum field (the complement of the folded sum).
    public var value: UInt16 {
        var s = sum
        while s >> 16 != 0 { s = (s & 0xffff) &+ (s >> 16) }
        return ~UInt16(truncatingIfNeeded: s)
    }
}
