import AdminAPI
import BGP
import BGPSpeaker

extension NeighborReport {
    public init(_ status: NeighborStatus) {
        self.init(address: status.address, port: status.port, asn: status.peerAS, state: status.state.rawValue, dynamic: status.dynamic,
                  uptimeSeconds: status.uptime.map { Double($0.nanoseconds) / 1e9 }, prefixesReceived: status.prefixesReceived,
                  prefixesSent: status.prefixesSent, lastError: status.lastError.map { "\($0.error)" },
                  routeTargets: status.routeTargetMembership?.members)
    }
}

extension RouteReport {
    public init(_ path: RIBPath, fromPeer: String) {
        let attributes = path.attributes.attributes
        var type = 0, rd: String?, tag: UInt32?, mac: String?, ip: String?, vni: UInt32?
        if let route = path.nlri.evpn {
            type = Int(route.routeType)
            rd = route.rd.map { "\($0)" }
            switch route {
            case let .macIPAdvertisement(r):
                tag = r.ethernetTag; mac = "\(r.mac)"; ip = r.ip.map { "\($0)" }; vni = r.label1.vni
            case let .inclusiveMulticastEthernetTag(r):
                tag = r.ethernetTag; ip = "\(r.originatingRouter)"; vni = attributes.pmsiTunnel?.label.vni
            case let .ethernetAutoDiscovery(r):
                tag = r.ethernetTag; vni = r.label.vni
            case let .ipPrefix(r):
                tag = r.ethernetTag; ip = "\(r.prefix)/\(r.prefixLength)"; vni = r.label.vni
            case .ethernetSegment, .unknown:
                break
            }
        }
        self.init(type: type, rd: rd, ethernetTag: tag, mac: mac, ip: ip, vni: vni, prefix: Self.prefix(path.nlri),
                  nextHop: Self.nextHop(path.attributes.nextHop), originatorID: attributes.originatorID.map { "\($0)" },
                  clusterList: attributes.clusterList?.clusterIDs.map { "\($0)" } ?? [],
                  routeTargets: attributes.routeTargets.map { "\($0)" }, best: path.best, stale: path.stale, fromPeer: fromPeer,
                  family: path.nlri.family?.description)
    }

    /// The NLRI in the bracketed form FRR and GoBGP print for EVPN
    /// (`[2]:[0]:[48]:[MAC]:[32]:[IP]`), the prefix for unicast, hex otherwise.
    static func prefix(_ nlri: NLRI) -> String {
        func length(_ ip: IPAddress) -> Int { if case .v4 = ip { 32 } else { 128 } }
        switch nlri.route {
        case let .ipv4(p): return "\(p)"
        case let .ipv6(p): return "\(p)"
        case let .opaque(bytes): return bytes.map { String($0, radix: 16) }.joined(separator: ":")
        case let .routeTargetMembership(m): return "\(m)"
        case let .evpn(route):
            switch route {
            case let .macIPAdvertisement(r):
                return "[2]:[\(r.ethernetTag)]:[48]:[\(r.mac)]" + (r.ip.map { ":[\(length($0))]:[\($0)]" } ?? "")
            case let .inclusiveMulticastEthernetTag(r):
                return "[3]:[\(r.ethernetTag)]:[\(length(r.originatingRouter))]:[\(r.originatingRouter)]"
            case let .ipPrefix(r):
                return "[5]:[\(r.ethernetTag)]:[\(r.prefixLength)]:[\(r.prefix)]"
            case let .ethernetAutoDiscovery(r):
                return "[1]:[\(r.ethernetTag)]"
            case let .ethernetSegment(r):
                return "[4]:[\(length(r.originatingRouter))]:[\(r.originatingRouter)]"
            case let .unknown(type, value):
                return "[\(type)]:" + value.map { String($0, radix: 16) }.joined(separator: ":")
            }
        }
    }

    /// By type, RD, NLRI and source: the order of every route view.
    static func sorted(_ routes: [RouteReport]) -> [RouteReport] {
        routes.sorted { ($0.type, $0.rd ?? "", $0.prefix, $0.fromPeer) < ($1.type, $1.rd ?? "", $1.prefix, $1.fromPeer) }
    }

    /// The MP_REACH next hop as sent: IPv4 (4 bytes), IPv6 (16, or 32 with a link-local), else hex.
    static func nextHop(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return "\(IPv4Address(bytes[0], bytes[1], bytes[2], bytes[3]))" }
        if bytes.count == 16 || bytes.count == 32, let v6 = IPv6Address(bytes: Array(bytes.prefix(16))) { return "\(v6)" }
        return bytes.map { String($0, radix: 16) }.joined(separator: ":")
    }
}

extension AdminRouter {
    /// `GET /neighbors`, `GET /neighbor?address=A` and
    /// `GET /routes?vni=N&type=0-5&mac=&ip=&rd=&rt=&peer=` for a BGP speaker.
    public mutating func serveBGP(_ speaker: Speaker) {
        get("/neighbors") { _ in await speaker.neighbors().map(NeighborReport.init) }
        serveNeighborDetail(speaker)
        get("/routes") { request in
            let filter = try RouteFilter(request)
            var names: [PeerID: String] = [:]
            var out: [RouteReport] = []
            for path in await speaker.paths() {
                if names[path.peer] == nil { names[path.peer] = await speaker.peerAddress(path.peer) }
                let report = RouteReport(path, fromPeer: names[path.peer] ?? "\(path.peer)")
                if filter.admits(report) { out.append(report) }
            }
            return RouteReport.sorted(out)
        }
    }
}

/// The speaker's state as Prometheus gauges, set at each scrape.
public struct SpeakerGauges: Sendable {
    private let sessions = GaugeFamily(label: "bgp_sessions")
    private let routes = GaugeFamily(label: "bgp_routes")
    /// Per configured neighbour, 1 when its session is Established, 0 when
    /// not (an alert's `== 0` names the peer, where `bgp_sessions` only
    /// counts states). Dynamic peers are left out: one that leaves for good
    /// would stay at 0 for ever.
    private let up = GaugeFamily(label: "bgp_neighbor_up")

    public init() {}

    public func refresh(_ speaker: Speaker) async {
        var byState: [[String: String]: Double] = [:]
        for state in [SessionState.idle, .connect, .active, .openSent, .openConfirm, .established] { byState[["state": state.rawValue]] = 0 }
        var byPeer: [[String: String]: Double] = [:]
        for n in await speaker.neighbors() {
            byState[["state": n.state.rawValue], default: 0] += 1
            if !n.dynamic { byPeer[["peer": n.address]] = n.state == .established ? 1 : 0 }
        }
        sessions.set(byState)
        up.set(byPeer)
        var byRoute: [[String: String]: Double] = [:]
        var names: [PeerID: String] = [:]
        for path in await speaker.paths() {
            if names[path.peer] == nil { names[path.peer] = await speaker.peerAddress(path.peer) }
            let type = path.nlri.evpn.map { "\($0.routeType)" } ?? "other"
            byRoute[["type": type, "peer": names[path.peer] ?? "\(path.peer)"], default: 0] += 1
        }
        routes.set(byRoute)
    }
}
