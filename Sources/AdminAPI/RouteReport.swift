/// `GET /routes`: one path in the RIB (every path of every peer, the best
/// one marked), EVPN fields spelled out.
public struct RouteReport: Codable, Hashable, Sendable {
    /// The EVPN route type (1-5), 0 for a route of another family.
    public var type: Int
    public var rd: String?
    public var ethernetTag: UInt32?
    public var mac: String?
    public var ip: String?
    /// The VNI: the type-2 label, or the type-3 PMSI tunnel label.
    public var vni: UInt32?
    /// The whole NLRI as text, for routes without the fields above.
    public var prefix: String
    public var nextHop: String
    public var originatorID: String?
    public var clusterList: [String]
    public var routeTargets: [String]
    public var best: Bool
    public var stale: Bool
    /// The neighbour's address, or "local" for the daemon's own routes.
    public var fromPeer: String
    /// The address family: "l2vpn/evpn", or "ipv4/rtc" for a route target
    /// membership route (RFC 4684), whose prefix is `origin-AS:RT/length`.
    public var family: String?

    public init(type: Int, rd: String?, ethernetTag: UInt32?, mac: String?, ip: String?, vni: UInt32?, prefix: String, nextHop: String,
                originatorID: String?, clusterList: [String], routeTargets: [String], best: Bool, stale: Bool, fromPeer: String,
                family: String? = nil) {
        self.family = family
        self.type = type; self.rd = rd; self.ethernetTag = ethernetTag; self.mac = mac; self.ip = ip; self.vni = vni
        self.prefix = prefix; self.nextHop = nextHop; self.originatorID = originatorID; self.clusterList = clusterList
        self.routeTargets = routeTargets; self.best = best; self.stale = stale; self.fromPeer = fromPeer
    }
}
