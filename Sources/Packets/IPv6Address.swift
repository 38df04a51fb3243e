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
        let all = Array(bytes)
        high = all[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = all[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Parses RFC 4291 text: "fe80::1", "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1".
    public init?(_ text: String) {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        let halves = text.components(separatedByDoubleColon: ())
        guard let halves, halves.count <= 2 else { return nil }
        sawGap = halves.count == 2
        for (index, half) in halves.enumerated() {
            guard !half.isEmpty else { continue }
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            var groups: [UInt16] = []
            for (i, part) in parts.enumerated() {
                if i == parts.count - 1, index == halves.count - 1, part.contains(".") {
                    guard let v4 = IPv4Address(String(part)) else { return nil }
                    groups.append(UInt16(truncatingIfNeeded: v4.rawValue >> 16))
                    groups.append(UInt16(truncatingIfNeeded: v4.rawValue))
                    continue
                }
                guard (1...4).contains(part.count), let group = UInt16(part, radix: 16) else { return nil }
                groups.append(group)
            }
            if index == 0 { head = groups } else { tail = groups }
        }
        let missing = 8 - head.count - tail.count
        if sawGap { guard missing >= 1 else { return nil } } else { guard missing == 0 else { return nil } }
        self.init(groups: head + Array(repeating: 0, count: missing) + tail)
    }

    public static let unspecified = IPv6Address(high: 0, low: 0)
    /// ff02::1, where an unsolicited neighbour advertisement goes.
    public static let allNodes = IPv6Address(high: 0xff02_0000_0000_0000, low: 1)

    public var groups: [UInt16] {
        (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64($0))) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64($0))) }
    }

    public var bytes: [UInt8] {
        groups.flatMap { [UInt8(truncatingIfNeeded: $0 >> 8), UInt8(truncatingIfNeeded: $0)] }
    }

    public var isMulticast: Bool { high >> 56 == 0xff }

    /// The solicited-node multicast group ff02::1:ffXX:XXXX of this address
    /// (RFC 4291 §2.7.1), where neighbour solicitations for it are sent.
    public var solicitedNodeMulticast: IPv6Address {
        IPv6Address(high: 0xff02_0000_0000_0000, low: 0x0000_0001_ff00_0000 | (low & 0xff_ffff))
    }

    /// RFC 5952 text: lower case, no leading zeros, the longest run (two or
    /// more) of zero groups written "::".
    public var description: String {
        let g = groups
        var bestStart = -1, bestLength = 0, runStart = -1
        for i in 0...8 {
            if i < 8 && g[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var out = ""
        var i = 0
        while i < 8 {
            if i == bestStart {
                out += "::"
                i += bestLength
                continue
            }
            if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
            out += String(g[i], radix: 16)
            i += 1
        }
        return out
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension String {
    /// Splits at the one "::" an IPv6 text may hold; nil when there are more
    /// or a ":::" (Foundation-free on purpose: Packets needs only NIOCore).
    fileprivate func components(separatedByDoubleColon _: ()) -> [Substring]? {
        let chars = Array(self)
        var found: Int? = nil
        var i = 0
        while i + 1 < chars.count {
            if chars[i] == ":" && chars[i + 1] == ":" {
                if found != nil { return nil }
                found = i
                i += 2
                if i < chars.count && chars[i] == ":" { return nil }
                continue
            }
            i += 1
        }
        guard let at = found else { return [Substring(self)] }
        let before = String(chars[0..<at])
        let after = String(chars[(at + 2)...])
        return [Substring(before), Substring(after)]
    }
}
