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
