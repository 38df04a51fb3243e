/// The cookies that name the flows this controller owns on a switch.
///
/// A flow is ours when `cookie & mask == value & mask`. Only our flows are
/// ever modified or deleted by reconciliation: flows another controller or an
/// operator (`ovs-ofctl add-flow`, cookie 0 by default) put on the switch
/// stay, so a cookie space whose value is 0 under its mask would claim
/// every hand-made flow and is refused by `isUsable`. The default keeps the
/// top 16 bits for the owner tag ("swiftplane" = 0x5350) and leaves the low 48
/// bits to the application (e.g. a VNI or an endpoint id).
public struct CookieSpace: Sendable, Hashable {
    public var value: UInt64
    public var mask: UInt64

    public init(value: UInt64, mask: UInt64) {
        self.value = value & mask
        self.mask = mask
    }

    public static let swiftplane = CookieSpace(value: 0x5350 << 48, mask: 0xffff << 48)

    public func contains(_ cookie: UInt64) -> Bool { cookie & mask == value }

    /// A cookie in this space with the application's low bits.
    public func cookie(_ low: UInt64) -> UInt64 { value | (low & ~mask) }

    /// False for a space that would also claim cookie 0 (hand-made flows).
    public var isUsable: Bool { mask != 0 && value != 0 }
}
