import AdminAPI
import BGP
import BGPSpeaker

extension NeighborDetailReport {
    public init(_ d: NeighborDetail) {
        let n = d.negotiated
        var capabilities: [String] = []
        if n?.routeRefresh == true { capabilities.append("route-refresh") }
        if n?.options.fourOctetAS == true { capabilities.append("4-octet-as") }
        if n?.peerGracefulRestart != nil { capabilities.append("graceful-restart") }
        let families = Set(d.received.keys).union(d.sent.keys).union(n?.families ?? [])
        self.init(
            neighbor: NeighborReport(d.status), peerRouterID: n.map { "\($0.peerRouterID)" },
            families: (n?.families ?? []).map(\.description).sorted(), capabilities: capabilities,
            holdTime: n.map { Int($0.holdTime) },
            keepalive: n.map { Int(d.configuration.keepaliveTime ?? $0.keepaliveInterval) },
            configuredHoldTime: Int(d.configuration.holdTime), configuredKeepalive: d.configuration.keepaliveTime.map(Int.init),
            connectRetrySeconds: Int(d.configuration.connectRetryTime.nanoseconds / 1_000_000_000),
            gracefulRestart: GracefulRestartState(
                localRestartTime: d.configuration.gracefulRestart.map { Int($0.restartTime) },
                peerRestartTime: n?.peerGracefulRestart.map { Int($0.restartTime) },
                peerPreservedFamilies: (n?.peerGracefulRestart?.families ?? []).filter(\.forwardingStatePreserved).map(\.family.description).sorted(),
                endOfRIBReceived: d.endOfRIBReceived.map(\.description).sorted(), staleRoutes: d.staleRoutes),
            prefixes: families.sorted { $0.description < $1.description }.map {
                FamilyPrefixes(family: $0.description, received: d.received[$0] ?? 0, sent: d.sent[$0] ?? 0)
            },
            flaps: d.flaps)
    }
}

extension AdminRouter {
    /// `GET /neighbor?address=A`, and its tables `GET /neighbor/adj-in?address=A`
    /// and `/neighbor/adj-out?address=A` (routes as `/routes` reports them):
    /// 404 naming the known neighbours when A is not one.
    public mutating func serveNeighborDetail(_ speaker: Speaker) {
        get("/neighbor") { request in
            let address = try Self.neighborAddress(request.query)
            guard let detail = await speaker.neighborDetail(address) else { throw await Self.unknownNeighbor(address, speaker) }
            return NeighborDetailReport(detail)
        }
        for table in Speaker.AdjacentRIB.allCases {
            get("/neighbor/\(table.rawValue)") { request in
                let address = try Self.neighborAddress(request.query)
                guard let paths = await speaker.routes(table, of: address) else { throw await Self.unknownNeighbor(address, speaker) }
                var names: [PeerID: String] = [:]
                var out: [RouteReport] = []
                for path in paths {
                    if names[path.peer] == nil { names[path.peer] = await speaker.peerAddress(path.peer) }
                    out.append(RouteReport(path, fromPeer: names[path.peer] ?? "\(path.peer)"))
                }
                return RouteReport.sorted(out)
            }
        }
    }

    private static func neighborAddress(_ query: [String: String]) throws -> String {
        guard let address = query["address"], !address.isEmpty else {
            throw AdminError.badRequest("query parameter 'address' is required: the neighbour's address")
        }
        return address
    }

    private static func unknownNeighbor(_ address: String, _ speaker: Speaker) async -> AdminError {
        let known = await speaker.neighbors().map(\.address)
        return AdminError.notFound("no neighbour '\(address)'; neighbours: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
    }
}
