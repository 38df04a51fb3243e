/// `GET /evpn/macs?vni=N&duplicate=1`: every MAC the agent knows, where it
/// learned it, and its mobility state (RFC 7432 section 15).
public struct MACReport: Codable, Hashable, Sendable {
    public var vni: UInt32
    public var mac: String
    public var ips: [String]
    /// static (configured), ovsdb, learned (gleaned from traffic), bgp (a remote VTEP).
    public var source: EndpointReport.Source?
    /// "local" or "remote"; nil for a frozen MAC that is neither any more.
    public var location: String?
    public var port: String?
    public var vtep: String?
    /// The MAC mobility sequence we advertise (local) or received (remote).
    public var sequence: UInt32?
    /// Frozen as a duplicate: its routes stay as they were until cleared.
    public var frozen: Bool
    /// Seconds since it froze, and the moves counted then.
    public var frozenSeconds: Double?
    public var moves: Int?
    /// Seconds: a learned MAC's since it was last seen (packet-in or its
    /// source flow's counter); a configured, OVSDB or remote one's since the
    /// agent took it as it is (its port or route appeared or last changed);
    /// a frozen MAC no endpoint holds, since it froze.
    public var ageSeconds: Double?

    public init(vni: UInt32, mac: String, ips: [String], source: EndpointReport.Source?, location: String?, port: String?, vtep: String?,
                sequence: UInt32?, frozen: Bool, frozenSeconds: Double?, moves: Int?, ageSeconds: Double? = nil) {
        self.vni = vni; self.mac = mac; self.ips = ips; self.source = source; self.location = location; self.port = port
        self.vtep = vtep; self.sequence = sequence; self.frozen = frozen; self.frozenSeconds = frozenSeconds; self.moves = moves
        self.ageSeconds = ageSeconds
    }
}

/// `GET /evpn/vnis`: per VNI, what the agent serves and sees.
public struct VNIReport: Codable, Hashable, Sendable {
    public var vni: UInt32
    /// False for a VNI that OVSDB ports name but the configuration does not serve.
    public var served: Bool
    public var routeTarget: String?
    /// "drop" or "ingress-replication".
    public var flood: String?
    /// `bridge:port(name)` of each local port in it.
    public var localPorts: [String]
    public var localMACs: Int
    public var remoteMACs: Int
    /// Remote VTEPs with a MAC of it.
    public var remoteVTEPs: [String]
    /// With ingress replication: the VTEPs each BUM frame is copied to.
    public var floodList: [String]
    /// Drop counters from the switches (nil when they could not be read).
    public var broadcastDropped: UInt64?
    public var multicastDropped: UInt64?
    public var unknownUnicastDropped: UInt64?
    /// Ports left out (why), e.g. in a VNI not served.
    public var ignoredPorts: [String]

    public init(vni: UInt32, served: Bool) {
        self.vni = vni; self.served = served; localPorts = []; localMACs = 0; remoteMACs = 0; remoteVTEPs = []; floodList = []
        ignoredPorts = []
    }
}

/// `POST /clear/dup-mac?mac=M[&vni=N]` or `?all=1`: the MACs thawed.
public struct ClearReport: Codable, Hashable, Sendable {
    public var cleared: [String]
    public init(cleared: [String]) { self.cleared = cleared }
}
