/// The Nicira (NXM_OF_*, NXM_NX_*), packet-register and Ericsson fields
/// this codec names, as Open vSwitch encodes them in OpenFlow 1.3: each
/// field's class, number, width and name are declared here once, and the
/// names table, the flows that move between fields and the packet trace
/// read them from here.
public enum NXMField: Sendable, Hashable {
    case ofInPort, ofEthDst, ofEthSrc, ofEthType, ofARPOp, ofARPSPA, ofARPTPA
    /// NXM_NX_REG0..15, 4 bytes each.
    case register(UInt8)
    case tunID, nxARPSHA, nxARPTHA, nxIPv6Src, nxIPv6Dst, nxNDTLL
    case tunIPv4Src, tunIPv4Dst, packetMark, conjunctionID, ctState, ctMark
    case tunIPv6Src, tunIPv6Dst
    /// ERICOXM_OF_ICMPV6_ND_RESERVED: the 32 bits after an ND message's
    /// checksum (a neighbour advertisement's R, S and O flags).
    case ndReserved
    /// ERICOXM_OF_ICMPV6_ND_OPTIONS_TYPE: the type of the first ND option
    /// (1 source, 2 target link-layer address).
    case ndOptionsType
    /// OXM xreg0..7 (OFPXMC_PACKET_REGS), 8 bytes each.
    case xreg(UInt8)

    /// Class, field number, value width in bytes and the name OVS and Ryu
    /// print: the one declaration of each field.
    private var declaration: (oxmClass: UInt16, field: UInt8, width: Int, name: String) {
        switch self {
        case .ofInPort: (OXMClass.nxm0, 0, 2, "nxm_of_in_port")
        case .ofEthDst: (OXMClass.nxm0, 1, 6, "nxm_of_eth_dst")
        case .ofEthSrc: (OXMClass.nxm0, 2, 6, "nxm_of_eth_src")
        case .ofEthType: (OXMClass.nxm0, 3, 2, "nxm_of_eth_type")
        case .ofARPOp: (OXMClass.nxm0, 15, 2, "nxm_of_arp_op")
        case .ofARPSPA: (OXMClass.nxm0, 16, 4, "nxm_of_arp_spa")
        case .ofARPTPA: (OXMClass.nxm0, 17, 4, "nxm_of_arp_tpa")
        case let .register(n): (OXMClass.nxm1, n, 4, "reg\(n)")
        case .tunID: (OXMClass.nxm1, 16, 8, "tun_id")
        case .nxARPSHA: (OXMClass.nxm1, 17, 6, "nxm_nx_arp_sha")
        case .nxARPTHA: (OXMClass.nxm1, 18, 6, "nxm_nx_arp_tha")
        case .nxIPv6Src: (OXMClass.nxm1, 19, 16, "nxm_nx_ipv6_src")
        case .nxIPv6Dst: (OXMClass.nxm1, 20, 16, "nxm_nx_ipv6_dst")
        case .nxNDTLL: (OXMClass.nxm1, 25, 6, "nxm_nx_nd_tll")
        case .tunIPv4Src: (OXMClass.nxm1, 31, 4, "tun_ipv4_src")
        case .tunIPv4Dst: (OXMClass.nxm1, 32, 4, "tun_ipv4_dst")
        case .packetMark: (OXMClass.nxm1, 33, 4, "pkt_mark")
        case .conjunctionID: (OXMClass.nxm1, 37, 4, "conj_id")
        case .ctState: (OXMClass.nxm1, 105, 4, "ct_state")
        case .ctMark: (OXMClass.nxm1, 107, 4, "ct_mark")
        case .tunIPv6Src: (OXMClass.nxm1, 109, 16, "tun_ipv6_src")
        case .tunIPv6Dst: (OXMClass.nxm1, 110, 16, "tun_ipv6_dst")
        case .ndReserved: (OXMClass.ericsson, 1, 4, "nd_reserved")
        case .ndOptionsType: (OXMClass.ericsson, 2, 1, "nd_options_type")
        case let .xreg(n): (OXMClass.packetRegisters, n, 8, "xreg\(n)")
        }
    }

    public var oxmClass: UInt16 { declaration.oxmClass }
    public var field: UInt8 { declaration.field }
    /// Value width in bytes on the wire.
    public var width: Int { declaration.width }
    /// The name Open vSwitch and Ryu use ("reg0", "tun_ipv4_dst", "nxm_of_eth_dst").
    public var name: String { declaration.name }

    /// The OpenFlow-basic field that is the same header field (NXM_OF_ETH_DST
    /// is eth_dst), if any: a match or a move sees one value under both.
    public var basic: OXMBasicField? {
        switch self {
        case .ofInPort: .inPort
        case .ofEthDst: .ethDst
        case .ofEthSrc: .ethSrc
        case .ofEthType: .ethType
        case .ofARPOp: .arpOp
        case .ofARPSPA: .arpSPA
        case .ofARPTPA: .arpTPA
        case .tunID: .tunnelID
        case .nxARPSHA: .arpSHA
        case .nxARPTHA: .arpTHA
        case .nxIPv6Src: .ipv6Src
        case .nxIPv6Dst: .ipv6Dst
        case .nxNDTLL: .ipv6NDTLL
        default: nil
        }
    }

    /// Every declared field, registers included.
    public static let allCases: [NXMField] =
        [.ofInPort, .ofEthDst, .ofEthSrc, .ofEthType, .ofARPOp, .ofARPSPA, .ofARPTPA]
        + (0...15).map(NXMField.register)
        + [.tunID, .nxARPSHA, .nxARPTHA, .nxIPv6Src, .nxIPv6Dst, .nxNDTLL, .tunIPv4Src, .tunIPv4Dst, .packetMark, .conjunctionID,
           .ctState, .ctMark, .tunIPv6Src, .tunIPv6Dst, .ndReserved, .ndOptionsType]
        + (0...7).map(NXMField.xreg)

    private static let byNumber: [UInt32: NXMField] =
        Dictionary(uniqueKeysWithValues: allCases.map { (UInt32($0.oxmClass) << 8 | UInt32($0.field), $0) })

    /// The declared field with this class and number, if any.
    public init?(oxmClass: UInt16, field: UInt8) {
        guard let known = Self.byNumber[UInt32(oxmClass) << 8 | UInt32(field)] else { return nil }
        self = known
    }

    /// The unmasked header naming the field (what NXAST_REG_MOVE refers to).
    public var header: OXMHeader { OXMHeader(oxmClass: oxmClass, field: field, length: UInt8(width)) }

    /// Whether `field` is this one.
    public func matches(_ field: OXMField) -> Bool { field.oxmClass == oxmClass && field.field == self.field }
}
