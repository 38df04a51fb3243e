import CLibpcap

/// A capture's link-layer header type (libpcap's DLT_ value).
public struct LinkType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IP, no link header (DLT_RAW on Linux).
    public static let raw = LinkType(rawValue: 12)
    /// Linux "any" device cooked header.
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// libpcap's name for it ("EN10MB"), or the number.
    public var description: String {
        guard let name = pcap_datalink_val_to_name(rawValue) else { return String(rawValue) }
        return String(cString: name)
    }
}
