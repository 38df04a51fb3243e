// The numbers BMP puts on the wire, each declared once under its RFC name:
// RFC 7854 (BGP Monitoring Protocol), RFC 9069 (Loc-RIB), RFC 8671 (Adj-RIB-Out).

/// RFC 7854 §4.1: the version of the common header.
public let bmpVersion: UInt8 = 3

/// RFC 7854 §4.1 "Message Type".
public enum BMPMessageType: UInt8, Hashable, Sendable, CaseIterable {
    case routeMonitoring = 0
    case statisticsReport = 1
    case peerDownNotification = 2
    case peerUpNotification = 3
    case initiation = 4
    case termination = 5
    case routeMirroring = 6
}

/// RFC 7854 §4.2 "Peer Type"; RFC 9069 §4.1 adds Loc-RIB Instance.
public enum BMPPeerType: UInt8, Hashable, Sendable, CaseIterable {
    case globalInstance = 0
    case rdInstance = 1
    case localInstance = 2
    case locRIBInstance = 3
}

/// RFC 7854 §4.2 "Peer Flags" (V, L, A), RFC 8671 §4 (O), RFC 9069 §4.2 (F,
/// the same bit as V, for a Loc-RIB Instance peer only).
public struct BMPPeerFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// V: the peer address is IPv6.
    public static let ipv6 = BMPPeerFlags(rawValue: 0x80)
    /// L: the routes are post-policy (else pre-policy).
    public static let postPolicy = BMPPeerFlags(rawValue: 0x40)
    /// A: the AS_PATH is in the legacy 2-octet format.
    public static let legacyASPath = BMPPeerFlags(rawValue: 0x20)
    /// O: Adj-RIB-Out (RFC 8671), else Adj-RIB-In.
    public static let adjRIBOut = BMPPeerFlags(rawValue: 0x10)
    /// F: Loc-RIB Instance only: the table is filtered (RFC 9069 §4.2).
    public static let filtered = BMPPeerFlags(rawValue: 0x80)
}

/// RFC 7854 §4.4 Information TLV types (Initiation and Peer Up); RFC 9069 §5.1 adds VRF/Table Name.
public enum BMPInformationType {
    public static let string: UInt16 = 0
    public static let sysDescr: UInt16 = 1
    public static let sysName: UInt16 = 2
    public static let vrfTableName: UInt16 = 3
}

/// RFC 7854 §4.5 Termination TLV types.
public enum BMPTerminationType {
    public static let string: UInt16 = 0
    public static let reason: UInt16 = 1
}

/// RFC 7854 §4.5 values of the Reason TLV.
public enum BMPTerminationReason: UInt16, Hashable, Sendable {
    case sessionAdministrativelyClosed = 0
    case unspecifiedReason = 1
    case outOfResources = 2
    case redundantConnection = 3
    case sessionPermanentlyAdministrativelyClosed = 4
}

/// RFC 7854 §4.9 Peer Down "Reason"; RFC 9069 §5.4 adds 6.
public enum BMPPeerDownReason: UInt8, Hashable, Sendable, CaseIterable {
    /// The local system closed the session with a NOTIFICATION (the PDU follows).
    case localNotification = 1
    /// The local system closed it without a NOTIFICATION (a 2-octet FSM event code follows).
    case localNoNotification = 2
    /// The peer closed it with a NOTIFICATION (the PDU follows).
    case remoteNotification = 3
    /// The transport closed without a NOTIFICATION.
    case remoteNoData = 4
    /// The peer was de-configured (no data).
    case peerDeconfigured = 5
    /// Loc-RIB only: the local system closed the table (RFC 9069 §5.4).
    case localSystemClosed = 6
}

/// RFC 7854 §4.8 Statistics types used here (64-bit gauges), by their RFC names.
public enum BMPStatisticsType {
    /// Number of routes in Adj-RIBs-In.
    public static let routesInAdjRIBIn: UInt16 = 7
    /// Number of routes in Loc-RIB.
    public static let routesInLocRIB: UInt16 = 8
}

/// Fixed lengths of RFC 7854 §4.1-4.2.
enum BMPLength {
    static let commonHeader = 6
    static let perPeerHeader = 42
    static let bgpHeader = 19
    /// Not counting the two OPENs and the TLVs (RFC 7854 §4.10).
    static let peerUpFixed = 20
}
