// The numbers MRT puts on the wire, each declared once under its RFC 6396 name.

/// RFC 6396 §4 "Type".
public enum MRTType: UInt16, Hashable, Sendable {
    case tableDumpV2 = 13
    case bgp4mp = 16
    /// BGP4MP with a microsecond timestamp (RFC 6396 §3).
    case bgp4mpET = 17
}

/// RFC 6396 §4.4 BGP4MP subtypes.
public enum BGP4MPSubtype: UInt16, Hashable, Sendable {
    case stateChange = 0
    case message = 1
    case messageAS4 = 4
    case stateChangeAS4 = 5
    case messageLocal = 6
    case messageAS4Local = 7
}

/// RFC 6396 §4.3 TABLE_DUMP_V2 subtypes.
public enum TableDumpV2Subtype: UInt16, Hashable, Sendable {
    case peerIndexTable = 1
    case ribIPv4Unicast = 2
    case ribIPv4Multicast = 3
    case ribIPv6Unicast = 4
    case ribIPv6Multicast = 5
    case ribGeneric = 6
}

/// RFC 6396 §4.3.1 Peer Type bits of a PEER_INDEX_TABLE entry.
public struct MRTPeerType: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The peer's address is IPv6.
    public static let ipv6 = MRTPeerType(rawValue: 0x01)
    /// The peer's AS number is 4 octets.
    public static let as4 = MRTPeerType(rawValue: 0x02)
}

/// RFC 6396 §4.4.2 Address Family of BGP4MP (IANA AFI).
enum MRTAddressFamily {
    static let ipv4: UInt16 = 1
    static let ipv6: UInt16 = 2
}

enum MRTLength {
    static let commonHeader = 12
}
