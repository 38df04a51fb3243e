import BGP

/// The `/routes` query: each given field must match (all of them).
/// Addresses are compared in their printed form, so `02:00:00:00:00:0A`
/// finds `02:00:00:00:00:0a`; `rt` also finds a route target membership
/// route (RFC 4684) for that route target.
public struct RouteFilter: Hashable, Sendable {
    public var vni: UInt32?
    /// 0: a route of another family (route target membership).
    public var type: Int?
    public var mac: String?
    public var ip: String?
    public var rd: String?
    public var rt: String?
    public var peer: String?

    public init(_ request: AdminRequest) throws(AdminError) {
        vni = try request.integer("vni", in: 0...0xff_ffff).map(UInt32.init)
        type = try request.integer("type", in: 0...5)
        if let text = request.query["mac"] {
            guard let mac = EthernetAddress(text) else { throw .badRequest("query parameter 'mac': invalid value '\(text)': expected a MAC such as 02:00:00:00:00:01") }
            self.mac = "\(mac)"
        }
        if let text = request.query["ip"] {
            guard let ip = IPAddress(text) else { throw .badRequest("query parameter 'ip': invalid value '\(text)': expected an IPv4 or IPv6 address") }
            self.ip = "\(ip)"
        }
        rd = request.query["rd"]
        rt = request.query["rt"]
        peer = request.query["peer"]
    }

    public func admits(_ r: RouteReport) -> Bool {
        if let vni, r.vni != vni { return false }
        if let type, r.type != type { return false }
        if let mac, r.mac != mac { return false }
        // A type-3 route's IP is its originating router; a type-5's a prefix: its address part counts.
        if let ip, r.ip != ip, r.ip?.split(separator: "/").first.map(String.init) != ip { return false }
        if let rd, r.rd != rd { return false }
        if let rt, !r.routeTargets.contains(rt), !(r.family == "\(AddressFamily.routeTargetConstraint)" && r.prefix.contains(":\(rt)/")) { return false }
        if let peer, r.fromPeer != peer { return false }
        return true
    }
}
