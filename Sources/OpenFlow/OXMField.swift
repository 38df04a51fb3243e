import NIOCore

/// OXM classes (OpenFlow 1.3 §7.2.3.1 and Open vSwitch's NXM classes).
public enum OXMClass {
    public static let nxm0: UInt16 = 0x0000           // NXM_OF_* (Nicira, OpenFlow 1.0 fields)
    public static let nxm1: UInt16 = 0x0001           // NXM_NX_* (Nicira extensions: regs, tunnel)
    public static let ericsson: UInt16 = 0x1000       // ERICOXM_OF_* (ND reserved bits and option type)
    public static let openFlowBasic: UInt16 = 0x8000
    public static let packetRegisters: UInt16 = 0x8001 // xregs as OVS encodes them
    public static let experimenter: UInt16 = 0xffff
}

/// The 40 OpenFlow-basic match fields (OFPXMT_OFB_*), with their wire widths.
public enum OXMBasicField: UInt8, Sendable, Hashable, CaseIterable {
    case inPort = 0, inPhyPort, metadata, ethDst, ethSrc, ethType, vlanVID, vlanPCP,
         ipDSCP, ipECN, ipProto, ipv4Src, ipv4Dst, tcpSrc, tcpDst, udpSrc, udpDst,
         sctpSrc, sctpDst, icmpv4Type, icmpv4Code, arpOp, arpSPA, arpTPA, arpSHA, arpTHA,
         ipv6Src, ipv6Dst, ipv6FLabel, icmpv6Type, icmpv6Code, ipv6NDTarget, ipv6NDSLL,
         ipv6NDTLL, mplsLabel, mplsTC, mplsBOS, pbbISID, tunnelID, ipv6ExtHdr

    /// Value width in bytes on the wire.
    public var width: Int {
        switch self {
        case .vlanPCP, .ipDSCP, .ipECN, .ipProto, .icmpv4Type, .icmpv4Code, .icmpv6Type, .icmpv6Code, .mplsTC, .mplsBOS: 1
        case .ethType, .vlanVID, .tcpSrc, .tcpDst, .udpSrc, .udpDst, .sctpSrc, .sctpDst, .arpOp, .ipv6ExtHdr: 2
        case .pbbISID: 3
        case .inPort, .inPhyPort, .ipv4Src, .ipv4Dst, .arpSPA, .arpTPA, .ipv6FLabel, .mplsLabel: 4
        case .ethDst, .ethSrc, .arpSHA, .arpTHA, .ipv6NDSLL, .ipv6NDTLL: 6
        case .metadata, .tunnelID: 8
        case .ipv6Src, .ipv6Dst, .ipv6NDTarget: 16
        }
    }

    /// The name the specification (and Ryu) uses: `OFPXMT_OFB_ETH_DST` -> "eth_dst".
    public var specName: String {
        switch self {
        case .inPort: "in_port"
        case .inPhyPort: "in_phy_port"
        case .metadata: "metadata"
        case .ethDst: "eth_dst"
        case .ethSrc: "eth_src"
        case .ethType: "eth_type"
        case .vlanVID: "vlan_vid"
        case .vlanPCP: "vlan_pcp"
        case .ipDSCP: "ip_dscp"
        case .ipECN: "ip_ecn"
        case .ipProto: "ip_proto"
        case .ipv4Src: "ipv4_src"
        case .ipv4Dst: "ipv4_dst"
        case .tcpSrc: "tcp_src"
        case .tcpDst: "tcp_dst"
        case .udpSrc: "udp_src"
        case .udpDst: "udp_dst"
        case .sctpSrc: "sctp_src"
        case .sctpDst: "sctp_dst"
        case .icmpv4Type: "icmpv4_type"
        case .icmpv4Code: "icmpv4_code"
        case .arpOp: "arp_op"
        case .arpSPA: "arp_spa"
        case .arpTPA: "arp_tpa"
        case .arpSHA: "arp_sha"
        case .arpTHA: "arp_tha"
        case .ipv6Src: "ipv6_src"
        case .ipv6Dst: "ipv6_dst"
        case .ipv6FLabel: "ipv6_flabel"
        case .icmpv6Type: "icmpv6_type"
        case .icmpv6Code: "icmpv6_code"
        case .ipv6NDTarget: "ipv6_nd_target"
        case .ipv6NDSLL: "ipv6_nd_sll"
        case .ipv6NDTLL: "ipv6_nd_tll"
        case .mplsLabel: "mpls_label"
        case .mplsTC: "mpls_tc"
        case .mplsBOS: "mpls_bos"
        case .pbbISID: "pbb_isid"
        case .tunnelID: "tunnel_id"
        case .ipv6ExtHdr: "ipv6_exthdr"
        }
    }
}

/// The 4-byte (or, for the experimenter class, 8-byte) header that names an OXM
/// field. NXAST_REG_MOVE and NXAST_REG_LOAD refer to fields by this header alone.
public struct OXMHeader: Sendable, Hashable {
    public var oxmClass: UInt16
    public var field: UInt8
    public var hasMask: Bool
    /// Payload length in bytes (value plus mask, plus the experimenter id when present).
    public var length: UInt8
    /// Set only for the experimenter class (0xffff).
    public var experimenter: UInt32?

    public init(oxmClass: UInt16, field: UInt8, hasMask: Bool = false, length: UInt8, experimenter: UInt32? = nil) {
        self.oxmClass = oxmClass
        self.field = field
        self.hasMask = hasMask
        self.length = length
        self.experimenter = experimenter
    }

    /// The header of a basic field, unmasked.
    public init(_ basic: OXMBasicField) {
        self.init(oxmClass: OXMClass.openFlowBasic, field: basic.rawValue, length: UInt8(basic.width))
    }

    /// NXM_NX_REGn (4 bytes).
    public static func register(_ n: UInt8) -> OXMHeader { NXMField.register(n).header }

    /// Wire size of the header itself.
    public var size: Int { experimenter == nil ? 4 : 8 }

    @inline(__always)
    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> OXMHeader {
        let raw: UInt32 = try reader.integer("OXM header")
        var header = OXMHeader(
            oxmClass: UInt16(truncatingIfNeeded: raw >> 16),
            field: UInt8(truncatingIfNeeded: (raw >> 9) & 0x7f),
            hasMask: raw & 0x100 != 0,
            length: UInt8(truncatingIfNeeded: raw)
        )
        if header.oxmClass == OXMClass.experimenter {
            guard header.length >= 4 else { throw reader.error("OXM experimenter length", .badLength(Int(header.length)), at: reader.offset &- 4) }
            header.experimenter = try reader.integer("OXM experimenter id")
        }
        return header
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFixed(size) { w in write(&w) }
    }

    func write(_ w: inout FixedWriter) {
        w.put(UInt32(oxmClass) << 16 | UInt32(field & 0x7f) << 9 | (hasMask ? 0x100 : 0) | UInt32(length))
        if let experimenter { w.put(experimenter) }
    }
}

/// One OXM TLV: a match field or a set-field target. Values are kept as the
/// wire bytes (big-endian) so unknown classes and odd widths round-trip exactly.
public struct OXMField: Sendable, Hashable {
    public var oxmClass: UInt16
    public var field: UInt8
    public var experimenter: UInt32?
    var valueBytes: OXMBytes
    var maskBytes: OXMBytes?

    /// The value's wire bytes (big-endian).
    public var value: [UInt8] {
        get { valueBytes.array }
        set { valueBytes = OXMBytes(newValue) }
    }

    /// The mask's wire bytes, when the field is masked.
    public var mask: [UInt8]? {
        get { maskBytes?.array }
        set { maskBytes = newValue.map(OXMBytes.init) }
    }

    public init(oxmClass: UInt16, field: UInt8, experimenter: UInt32? = nil, value: [UInt8], mask: [UInt8]? = nil) {
        self.oxmClass = oxmClass
        self.field = field
        self.experimenter = experimenter
        self.valueBytes = OXMBytes(value)
        self.maskBytes = mask.map(OXMBytes.init)
    }

    /// A basic field from an integer (fields up to 8 bytes), optionally masked.
    /// Builds no byte arrays: applications make these per packet.
    public init(_ basic: OXMBasicField, _ value: UInt64, mask: UInt64? = nil) {
        let width = basic.width
        oxmClass = OXMClass.openFlowBasic
        field = basic.rawValue
        experimenter = nil
        valueBytes = OXMBytes(integer: value, width: width)
        maskBytes = mask.map { OXMBytes(integer: $0, width: width) }
    }

    /// A basic field from its wire bytes (IPv6 addresses), optionally masked.
    public init(_ basic: OXMBasicField, bytes: [UInt8], mask: [UInt8]? = nil) {
        self.init(oxmClass: OXMClass.openFlowBasic, field: basic.rawValue, value: bytes, mask: mask)
    }

    /// A declared NXM field from an integer, optionally masked.
    public init(_ nxm: NXMField, _ value: UInt64, mask: UInt64? = nil) {
        self.init(oxmClass: nxm.oxmClass, field: nxm.field, value: Self.bigEndian(value, width: nxm.width),
                  mask: mask.map { Self.bigEndian($0, width: nxm.width) })
    }

    /// A declared NXM field from its wire bytes (IPv6 addresses).
    public init(_ nxm: NXMField, bytes: [UInt8]) {
        self.init(oxmClass: nxm.oxmClass, field: nxm.field, value: bytes)
    }

    /// NXM_NX_REGn, 32 bits.
    public static func register(_ n: UInt8, _ value: UInt32, mask: UInt32? = nil) -> OXMField {
        OXMField(.register(n), UInt64(value), mask: mask.map(UInt64.init))
    }

    /// OXM xregN (OFPXMC_PACKET_REGS), 64 bits.
    public static func xreg(_ n: UInt8, _ value: UInt64, mask: UInt64? = nil) -> OXMField {
        OXMField(.xreg(n), value, mask: mask)
    }

    /// NXM_NX_TUN_IPV4_SRC, address as a 32-bit integer.
    public static func tunnelIPv4Source(_ address: UInt32, mask: UInt32? = nil) -> OXMField {
        OXMField(.tunIPv4Src, UInt64(address), mask: mask.map(UInt64.init))
    }

    /// NXM_NX_TUN_IPV4_DST, address as a 32-bit integer.
    public static func tunnelIPv4Destination(_ address: UInt32, mask: UInt32? = nil) -> OXMField {
        OXMField(.tunIPv4Dst, UInt64(address), mask: mask.map(UInt64.init))
    }

    /// NXM_NX_TUN_IPV6_DST, the 16 bytes of the address.
    public static func tunnelIPv6Destination(_ address: [UInt8]) -> OXMField {
        OXMField(.tunIPv6Dst, bytes: address)
    }

    /// ERICOXM_OF_ICMPV6_ND_RESERVED (OVS: `nd_reserved`).
    public static func neighborDiscoveryReserved(_ bits: UInt32) -> OXMField {
        OXMField(.ndReserved, UInt64(bits))
    }

    /// ERICOXM_OF_ICMPV6_ND_OPTIONS_TYPE (OVS: `nd_options_type`).
    public static func neighborDiscoveryOptionsType(_ type: UInt8) -> OXMField {
        OXMField(.ndOptionsType, UInt64(type))
    }

    /// The basic field this is, if any.
    public var basic: OXMBasicField? {
        oxmClass == OXMClass.openFlowBasic ? OXMBasicField(rawValue: field) : nil
    }

    /// The value as an integer, when it is at most 8 bytes.
    public var integerValue: UInt64? { valueBytes.integer }
    public var integerMask: UInt64? { maskBytes?.integer }

    public var header: OXMHeader {
        let payload = valueBytes.count &+ (maskBytes?.count ?? 0) &+ (experimenter == nil ? 0 : 4)
        return OXMHeader(oxmClass: oxmClass, field: field, hasMask: maskBytes != nil,
                         length: UInt8(truncatingIfNeeded: payload), experimenter: experimenter)
    }

    /// Wire size of the whole TLV.
    public var size: Int { (experimenter == nil ? 4 : 8) &+ valueBytes.count &+ (maskBytes?.count ?? 0) }

    /// The form used to compare matches: an all-ones mask is the same as no mask,
    /// and masked-out value bits do not count (Open vSwitch drops both).
    public var canonical: OXMField {
        guard let mask else { return self }
        if mask.allSatisfy({ $0 == 0xff }) {
            var out = self
            out.mask = nil
            return out
        }
        var out = self
        if mask.count == value.count {
            out.value = zip(value, mask).map { $0 & $1 }
        }
        return out
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFixed(size) { w in write(&w) }
    }

    func write(_ w: inout FixedWriter) {
        let payload = valueBytes.count &+ (maskBytes?.count ?? 0) &+ (experimenter == nil ? 0 : 4)
        w.put(UInt32(oxmClass) << 16 | UInt32(field & 0x7f) << 9 | (maskBytes != nil ? 0x100 : 0) | UInt32(payload & 0xff))
        if let experimenter { w.put(experimenter) }
        valueBytes.write(&w)
        maskBytes?.write(&w)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> OXMField {
        let (header, payload) = try readHeader(from: &reader)
        let value = try OXMBytes.read(from: &reader, count: payload, "OXM value")
        let mask = header.hasMask ? try OXMBytes.read(from: &reader, count: payload, "OXM mask") : nil
        return OXMField(oxmClass: header.oxmClass, field: header.field, experimenter: header.experimenter,
                        valueBytes: value, maskBytes: mask)
    }

    /// Checks one TLV as `decode` does (same errors) without building the
    /// field; returns its wire size. For validation.
    @inline(__always)
    static func skip(from reader: inout WireReader) throws(OpenFlowDecodingError) -> Int {
        let at = reader.offset
        let (header, payload) = try readHeader(from: &reader)
        try reader.skip(payload, "OXM value")
        if header.hasMask { try reader.skip(payload, "OXM mask") }
        return reader.offset &- at
    }

    /// The header and the length of the value (and of the mask, when there is one).
    @inline(__always)
    private static func readHeader(from reader: inout WireReader) throws(OpenFlowDecodingError) -> (OXMHeader, payload: Int) {
        let at = reader.offset
        let header = try OXMHeader.decode(from: &reader)
        var payload = Int(header.length) &- (header.experimenter == nil ? 0 : 4)
        if header.hasMask {
            guard payload % 2 == 0 else { throw reader.error("OXM masked length", .badLength(Int(header.length)), at: at) }
            payload /= 2
        }
        return (header, payload)
    }

    private init(oxmClass: UInt16, field: UInt8, experimenter: UInt32?, valueBytes: OXMBytes, maskBytes: OXMBytes?) {
        self.oxmClass = oxmClass
        self.field = field
        self.experimenter = experimenter
        self.valueBytes = valueBytes
        self.maskBytes = maskBytes
    }

    static func bigEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { i in
            let shift = (width &- 1 &- i) &* 8
            return shift < 64 ? UInt8(truncatingIfNeeded: value >> UInt64(shift)) : 0
        }
    }
}

extension OXMField: Comparable {
    /// Orders by class, field, then bytes: the canonical order of a match.
    public static func < (lhs: OXMField, rhs: OXMField) -> Bool {
        if lhs.oxmClass != rhs.oxmClass { return lhs.oxmClass < rhs.oxmClass }
        if lhs.field != rhs.field { return lhs.field < rhs.field }
        if lhs.experimenter != rhs.experimenter { return (lhs.experimenter ?? 0) < (rhs.experimenter ?? 0) }
        if lhs.value != rhs.value { return lhs.value.lexicographicallyPrecedes(rhs.value) }
        return (lhs.mask ?? []).lexicographicallyPrecedes(rhs.mask ?? [])
    }
}

extension OXMHeader {
    /// The field's name as Open vSwitch and Ryu write it ("eth_dst", "reg0",
    /// "tun_ipv4_dst"), else "oxm_CLASS_FIELD".
    public var name: String {
        if oxmClass == OXMClass.openFlowBasic, let basic = OXMBasicField(rawValue: field) { return basic.specName }
        return NXMField(oxmClass: oxmClass, field: field)?.name ?? "oxm_\(oxmClass)_\(field)"
    }
}

extension OXMField {
    /// See `OXMHeader.name`.
    public var name: String { header.name }
}
