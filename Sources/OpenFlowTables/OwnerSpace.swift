/// The values that name what this controller owns on a switch: a value is
/// ours when `value & mask == self.value`. Flows are owned by cookie
/// (`CookieSpace`); groups and meters carry no cookie, so by id (`IDSpace`).
///
/// Only what is ours is ever modified or deleted by reconciliation: what
/// another controller or an operator put on the switch stays (`ovs-ofctl
/// add-flow` uses cookie 0, an operator's group or meter a small id).
public struct OwnerSpace<Value: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable, Hashable {
    public var value: Value
    public var mask: Value

    public init(value: Value, mask: Value) {
        self.value = value & mask
        self.mask = mask
    }

    public func contains(_ candidate: Value) -> Bool { candidate & mask == value }

    /// A value in this space with the application's low bits.
    public func value(_ low: Value) -> Value { value | (low & ~mask) }

    /// False for a space that would also claim 0 (hand-made flows' cookie).
    public var isUsable: Bool { mask != 0 && value != 0 }
}

/// The default keeps the top 16 bits for the owner tag ("swiftplane" =
/// 0x5350) and leaves the low 48 bits to the application (a VNI, a role).
public typealias CookieSpace = OwnerSpace<UInt64>

extension OwnerSpace where Value == UInt64 {
    public static let swiftplane = CookieSpace(value: 0x5350 << 48, mask: 0xffff << 48)

    /// A cookie in this space with the application's low bits.
    public func cookie(_ low: UInt64) -> UInt64 { value(low) }
}

/// Group and meter ids.
public typealias IDSpace = OwnerSpace<UInt32>

extension OwnerSpace where Value == UInt32 {
    /// Groups 0x5200_0000...0x53ff_ffff: bit 24 and a 24-bit number are
    /// the application's (below OFPG_MAX, 0xffffff00).
    public static let swiftplaneGroups = IDSpace(value: 0x5200_0000, mask: 0xfe00_0000)
    /// Meters 0x5300...0x53ff: small, because a switch limits meter ids to
    /// its meter count (OVS: max_meters), not to OFPM_MAX.
    public static let swiftplaneMeters = IDSpace(value: 0x5300, mask: 0xffff_ff00)

    /// An id in this space with the application's low bits.
    public func id(_ low: UInt32) -> UInt32 { value(low) }
}
