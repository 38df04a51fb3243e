import OpenFlow

/// The header fields and pipeline registers of a packet being traced, keyed
/// by field. A field the packet does not have (arp_tpa of an IPv4 packet) is
/// absent, and a flow matching on it does not match, as OVS's prerequisites
/// say. NXM names for the same field (NXM_OF_ETH_DST and OXM eth_dst) are
/// one key, so a Nicira register move and a match see the same value.
struct TraceFields: Hashable, Sendable {
    struct Key: Hashable, Sendable {
        var oxmClass: UInt16
        var field: UInt8

        static func basic(_ field: OXMBasicField) -> Key { Key(oxmClass: OXMClass.openFlowBasic, field: field.rawValue) }
        static let tunnelIPv4Destination = Key(oxmClass: NXMField.tunIPv4Dst.oxmClass, field: NXMField.tunIPv4Dst.field)

        /// The OXM basic key for an NXM field that is a basic one; others as they are.
        init(oxmClass: UInt16, field: UInt8) {
            let basic = oxmClass == OXMClass.openFlowBasic ? nil : NXMField(oxmClass: oxmClass, field: field)?.basic
            self.oxmClass = basic == nil ? oxmClass : OXMClass.openFlowBasic
            self.field = basic?.rawValue ?? field
        }
    }

    private var values: [Key: UInt64] = [:]
    /// tun_ipv6_dst, the one field wider than 64 bits a flow sets (a set-field
    /// of a tunnel destination of either family clears the other, as in OVS).
    private(set) var tunnelIPv6Destination: IPv6Address?

    subscript(key: Key) -> UInt64? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Whether every field of `match` has the packet's value under its mask.
    /// A field wider than 64 bits (IPv6) or one the packet lacks never matches.
    func matches(_ match: Match) -> Bool {
        match.fields.allSatisfy { field in
            guard let wanted = field.integerValue, let have = values[Key(oxmClass: field.oxmClass, field: field.field)] else {
                return false
            }
            let mask = field.integerMask ?? .max
            return have & mask == wanted & mask
        }
    }

    /// set_field: a field the packet lacks is not created (OVS refuses such
    /// a flow), except tunnel metadata, which any packet may get.
    mutating func set(_ field: OXMField) {
        let key = Key(oxmClass: field.oxmClass, field: field.field)
        if NXMField.tunIPv6Dst.matches(field), let address = IPv6Address(bytes: field.value) {
            tunnelIPv6Destination = address
            values[.tunnelIPv4Destination] = nil
            return
        }
        if key == .tunnelIPv4Destination { tunnelIPv6Destination = nil }
        guard let value = field.integerValue, values[key] != nil || key == .tunnelIPv4Destination || key == .basic(.tunnelID)
        else { return }
        values[key] = value
    }

    /// NXAST_REG_MOVE of whole fields from offset 0 (what the pipeline uses);
    /// partial moves are applied bit by bit.
    mutating func move(bits: UInt16, from source: OXMHeader, offset sourceOffset: UInt16,
                       to destination: OXMHeader, offset destinationOffset: UInt16) {
        let from = Key(oxmClass: source.oxmClass, field: source.field), to = Key(oxmClass: destination.oxmClass, field: destination.field)
        guard let value = values[from], let old = values[to], bits <= 64, sourceOffset < 64, destinationOffset < 64 else { return }
        let width = UInt64(bits)
        let mask: UInt64 = width == 64 ? .max : (1 << width) - 1
        let moved = (value >> UInt64(sourceOffset)) & mask
        values[to] = old & ~(mask << UInt64(destinationOffset)) | moved << UInt64(destinationOffset)
    }
}
