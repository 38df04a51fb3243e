import NetAddress

/// A prefix peers may connect from (dynamic neighbours, as in "bgp listen
/// range"): IPv4 or IPv6.
public struct NeighborRange: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var length: UInt8
    /// RFC 2385 TCP MD5 key every peer of the range must sign with; nil: unsigned.
    /// A neighbour's own key (a /32 or /128) wins over its range's.
    public var password: String?

    public init(address: IPAddress, length: UInt8, password: String? = nil) {
        self.address = address; self.length = min(length, address.bitCount); self.password = password
    }

    /// "10.0.0.0/8" or "fd00:9::/64"; nil when not a prefix of either family
    /// with a length the family allows.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = IPAddress(String(parts[0])), let l = UInt8(parts[1]), l <= a.bitCount else { return nil }
        self.init(address: a, length: l)
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case let (.v4(p), .v4(a)):
            let mask: UInt32 = length == 0 ? 0 : ~0 << (32 - UInt32(length))
            return a.rawValue & mask == p.rawValue & mask
        case let (.v6(p), .v6(a)):
            func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~0 << UInt64(64 - bits) }
            let high = mask(Int(length)), low = mask(Int(length) - 64)
            return a.high & high == p.high & high && a.low & low == p.low & low
        default:
            return false
        }
    }

    /// The prefix only: a password is never printed.
    public var description: String { "\(address)/\(length)" }
}

extension IPAddress {
    /// 32 or 128.
    public var bitCount: UInt8 {
        if case .v4 = self { return 32 }
        return 128
    }
}
