/// An IPv6 address as two 64-bit halves (network byte order), so it compares
/// and hashes as two integers and never allocates.
public struct IPv6Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// From eight 16-bit groups; nil for any other count.
    public init?(groups: [UInt16]) {
        guard groups.count == 8 else { return nil }
        high = groups[0..<4].reduce(0) { $0 << 16 | UInt64($1) }
        low = groups[4..<8].reduce(0) { $0 << 16 | UInt64($1) }
    }

    /// From 16 bytes in wire order; nil for any other count.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 16 else { return nil }
        var h: UInt64 = 0, l: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            if i < 8 { h = h << 8 | UInt64(b) } else { l = l << 8 | UInt64(b) }
        }
        high = h
        low = l
    }

    /// Parses RFC 4291 §2.2 text: "fe80::1", "2001:db8:0:0:0:0:0:1",
    /// "::ffff:10.0.0.1" (dotted quad only as the last 32 bits). At most one
    /// "::", standing for one or more zero groups.
    public init?(_ text: String) {
        let utf8 = Substring(text).utf8
        let colon = UInt8(ascii: ":")
        // Find the one "::"; a second one (or ":::") makes the text invalid.
        var gap: Substring.UTF8View.Index? = nil
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let next = utf8.index(after: i)
            if next != utf8.endIndex, utf8[i] == colon, utf8[next] == colon {
                guard gap == nil else { return nil }
                gap = i
                i = utf8.index(after: next)
            } else {
                i = next
            }
        }
        var groups: [UInt16]
        if let gap {
            guard let head = Self.groups(utf8[..<gap], lastMayBeIPv4: false),
                  let tail = Self.groups(utf8[utf8.index(gap, offsetBy: 2)...], lastMayBeIPv4: true),
                  head.count + tail.count <= 7 else { return nil }
            groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = Self.groups(utf8, lastMayBeIPv4: true) else { return nil }
            groups = all
        }
        self.init(groups: groups)
    }

    /// The groups of one side of "::" (empty text, none); at most 8 so the
    /// caller's arithmetic stays small.
    private static func groups(_ text: Substring.UTF8View, lastMayBeIPv4: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count <= 8 else { return nil }
        var out: [UInt16] = []
        for (i, part) in parts.enumerated() {
            if lastMayBeIPv4, i == parts.count - 1, part.contains(UInt8(ascii: ".")) {
                guard let v4 = IPv4Address(utf8: part) else { return nil }
                out.append(UInt16(truncatingIfNeeded: v4.rawValue >> 16))
                out.append(UInt16(truncatingIfNeeded: v4.rawValue))
            } else {
                guard let group = HexDigits.value(of: part) else { return nil }
                out.append(group)
            }
        }
        return out.count <= 8 ? out : nil
    }

    public static let unspecified = IPv6Address(high: 0, low: 0)
    /// ff02::1, where an unsolicited neighbour advertisement goes.
    public static let allNodes = IPv6Address(high: 0xff02_0000_0000_0000, low: 1)

    /// The eight 16-bit groups, most significant first.
    public var groups: [UInt16] {
        (0..<8).map { i in
            UInt16(truncatingIfNeeded: (i < 4 ? high : low) >> (48 - 16 * UInt64(i % 4)))
        }
    }

    /// The 16 bytes in wire order.
    public var bytes: [UInt8] {
        (0..<16).map { i in
            UInt8(truncatingIfNeeded: (i < 8 ? high : low) >> (56 - 8 * UInt64(i % 8)))
        }
    }

    /// ff00::/8.
    public var isMulticast: Bool { high >> 56 == 0xff }

    /// The solicited-node multicast group ff02::1:ffXX:XXXX of this address
    /// (RFC 4291 §2.7.1), where neighbour solicitations for it are sent.
    public var solicitedNodeMulticast: IPv6Address {
        IPv6Address(high: 0xff02_0000_0000_0000, low: 0x0000_0001_ff00_0000 | (low & 0xff_ffff))
    }

    /// RFC 5952 §4 text: lower case, no leading zeros, the longest run (the
    /// first if tied) of two or more zero groups written "::".
    public var description: String {
        let g = groups
        var best = (start: -1, count: 0)
        var i = 0
        while i < 8 {
            guard g[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8 && g[j] == 0 { j += 1 }
            if j - i >= 2 && j - i > best.count { best = (i, j - i) }
            i = j
        }
        let hex = g.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        return hex[..<best.start].joined(separator: ":") + "::"
            + hex[(best.start + best.count)...].joined(separator: ":")
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
