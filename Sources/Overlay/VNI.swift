/// A VXLAN network identifier: one tenant's layer-2 segment (24 bits, RFC 7348).
/// In EVPN it rides as the MPLS label field, all 24 bits (RFC 8365 section 5.1.3).
public struct VNI: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    /// Nil when `rawValue` does not fit in 24 bits.
    public init?(rawValue: UInt32) {
        guard rawValue <= VNI.maximum else { return nil }
        self.rawValue = rawValue
    }

    public static let maximum: UInt32 = 0xff_ffff

    public var description: String { String(rawValue) }

    public static func < (lhs: VNI, rhs: VNI) -> Bool { lhs.rawValue < rhs.rawValue }
}
