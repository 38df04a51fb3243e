/// A 48-bit IEEE 802 MAC address, held in the low bits of a UInt64 so it
/// compares and hashes as one integer. `rawValue` is a `let` so the top 16
/// bits stay zero: every way in masks or builds from six bytes.
public struct EthernetAddress: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue & 0xffff_ffff_ffff
    }

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        rawValue = UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24
            | UInt64(b3) << 16 | UInt64(b4) << 8 | UInt64(b5)
    }

    /// From six bytes in wire order; nil for any other count.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 6 else { return nil }
        rawValue = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Parses "02:42:c0:a8:00:02", or the same with '-' separators (one kind
    /// throughout), hex digits of either case, exactly two per byte.
    public init?(_ text: String) {
        let utf8 = Substring(text).utf8
        let colons = utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let parts = colons.count == 6 ? colons : utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var value: UInt64 = 0
        for part in parts {
            guard part.count == 2, let byte = HexDigits.value(of: part) else { return nil }
            value = value << 8 | UInt64(byte)
        }
        rawValue = value
    }

    public static let broadcast = EthernetAddress(rawValue: 0xffff_ffff_ffff)
    public static let zero = EthernetAddress(rawValue: 0)

    /// The six bytes in wire order.
    public var bytes: [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> (40 - 8 * UInt64($0))) }
    }

    /// The group bit (I/G) alone: the first bit on the wire, set in every
    /// multicast and broadcast address (a mask for matching them).
    public static let groupBit = EthernetAddress(rawValue: 0x0100_0000_0000)

    /// Group bit (I/G): multicast or broadcast.
    public var isMulticast: Bool { rawValue & Self.groupBit.rawValue != 0 }
    public var isBroadcast: Bool { self == .broadcast }
    /// U/L bit: locally administered (as Docker's 02:42:... are).
    public var isLocallyAdministered: Bool { rawValue & 0x0200_0000_0000 != 0 }

    /// Lower-case, colon-separated, two digits a byte (as ovs-ofctl prints).
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(17)
        for (i, byte) in bytes.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ":")) }
            out.append(HexDigits.lower[Int(byte >> 4)])
            out.append(HexDigits.lower[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
