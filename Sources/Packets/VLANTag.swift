/// One 802.1Q (or 802.1ad service) tag: the TPID that introduced it and
/// the tag control information.
public struct VLANTag: Sendable, Hashable {
    /// 0x8100 for a customer tag, 0x88a8 (or 0x9100) for a service tag.
    public var tpid: EtherType
    public var priority: UInt8
    public var dropEligible: Bool
    /// 12-bit VLAN identifier.
    public var vid: UInt16

    public init(tpid: EtherType = .vlan, vid: UInt16, priority: UInt8 = 0, dropEligible: Bool = false) {
        self.tpid = tpid
        self.vid = vid & 0x0fff
        self.priority = priority & 0x7
        self.dropEligible = dropEligible
    }

    init(tpid: EtherType, tci: UInt16) {
        self.init(tpid: tpid, vid: tci & 0x0fff, priority: UInt8(truncatingIfNeeded: tci >> 13), dropEligible: tci & 0x1000 != 0)
    }

    /// Tag control information as on the wire.
    public var tci: UInt16 {
        UInt16(priority & 0x7) << 13 | (dropEligible ? 0x1000 : 0) | (vid & 0x0fff)
    }
}
