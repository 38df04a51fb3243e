import BGP
import BGPSpeaker
import BMP

/// A speaker's events and snapshot as BMP messages (RFC 7854, RFC 9069),
/// sans I/O: values in, messages out.
public struct SpeakerBMPMapping: Sendable {
    public var localAS: UInt32
    public var routerID: IPv4Address
    /// RFC 9069 §5.1 VRF/Table Name of the Loc-RIB.
    public var tableName: String
    /// RFC 8671: also report what each peer is sent (Route Monitoring with the O and L flags).
    public var adjRIBOut: Bool

    public init(localAS: UInt32, routerID: IPv4Address, tableName: String = "global", adjRIBOut: Bool = false) {
        self.localAS = localAS
        self.routerID = routerID
        self.tableName = tableName
        self.adjRIBOut = adjRIBOut
    }

    static func header(_ p: MonitoredPeer, _ time: WallTime) -> BMPPerPeerHeader {
        BMPPerPeerHeader(flags: p.twoOctetAS ? [.legacyASPath] : [], peerAddress: p.address, peerAS: p.peerAS, peerBGPID: p.routerID,
                         timestampSeconds: time.seconds, timestampMicroseconds: time.microseconds)
    }

    func locRIBHeader(_ time: WallTime) -> BMPPerPeerHeader {
        .locRIB(localAS: localAS, routerID: routerID, timestampSeconds: time.seconds, timestampMicroseconds: time.microseconds)
    }

    static func peerUp(_ p: MonitoredPeer, sentOpen: [UInt8], receivedOpen: [UInt8], _ time: WallTime) -> BMPMessage {
        .peerUpNotification(header(p, time), BMPPeerUp(localAddress: p.localAddress, localPort: p.localPort, remotePort: p.port,
                                                       sentOpen: sentOpen, receivedOpen: receivedOpen))
    }

    static func peerDown(_ p: MonitoredPeer, _ cause: PeerDownCause, _ time: WallTime) -> BMPMessage {
        let down = switch cause {
        case .localNotification(let n): BMPPeerDown(reason: .localNotification, data: n)
        // No FSM event code is kept: 0, "not known" (RFC 7854 §4.9).
        case .localNoNotification: BMPPeerDown(reason: .localNoNotification, data: [0, 0])
        case .remoteNotification(let n): BMPPeerDown(reason: .remoteNotification, data: n)
        case .connectionClosed: BMPPeerDown(reason: .remoteNoData)
        }
        return .peerDownNotification(header(p, time), down)
    }

    /// RFC 9069 §5.3: the Loc-RIB's Peer Up, our OPEN as both OPENs, with its table name.
    func locRIBPeerUp(_ time: WallTime) -> BMPMessage {
        let open = Array(buffer: BGPMessage.open(Open(asn: localAS, holdTime: 0, bgpIdentifier: routerID,
                                                      capabilities: [.multiprotocol(.l2vpnEVPN), .fourOctetAS(localAS)])).encoded())
        return .peerUpNotification(locRIBHeader(time), BMPPeerUp(localAddress: .v4(IPv4Address(rawValue: 0)), localPort: 0, remotePort: 0,
                                                                 sentOpen: open, receivedOpen: open,
                                                                 information: [BMPTLV(type: BMPInformationType.vrfTableName, text: tableName)]))
    }

    /// Route Monitoring of routes (grouped by attributes and family) and withdrawals.
    static func routeMonitoring(_ header: BMPPerPeerHeader, announced: [(nlri: NLRI, attributes: RouteAttributes)], withdrawn: [NLRI],
                                options: SessionOptions) -> [BMPMessage] {
        var groups: [RouteAttributes: [AddressFamily: [NLRI]]] = [:]
        var order: [RouteAttributes] = []
        for (nlri, a) in announced {
            guard let f = nlri.family else { continue }
            if groups[a] == nil { order.append(a) }
            groups[a, default: [:]][f, default: []].append(nlri)
        }
        var updates: [Update] = []
        for a in order {
            for (_, nlri) in groups[a] ?? [:] { updates += RouteAttributes.updates(announcing: nlri, with: a, options: options) }
        }
        for (_, nlri) in Dictionary(grouping: withdrawn, by: { $0.family }) where !nlri.isEmpty {
            updates += RouteAttributes.updates(withdrawing: nlri, options: options)
        }
        return updates.map { .routeMonitoring(header, update: Array(buffer: BGPMessage.update($0).encoded(options: options))) }
    }

    /// What one speaker event becomes (nothing for the rest).
    public func messages(for event: SpeakerEvent, at time: WallTime) -> [BMPMessage] {
        switch event {
        case let .peerUp(p, sent, received): [Self.peerUp(p, sentOpen: sent, receivedOpen: received, time)]
        case let .peerDown(p, cause): [Self.peerDown(p, cause, time)]
        case let .updateReceived(p, message): [.routeMonitoring(Self.header(p, time), update: message)]
        case let .updatesSent(p, messages):
            // RFC 8671 §4: O for Adj-RIB-Out, L since what went on the wire is post-policy.
            adjRIBOut ? messages.map { var h = Self.header(p, time); h.flags.formUnion([.adjRIBOut, .postPolicy]); return .routeMonitoring(h, update: $0) } : []
        case let .locRIBChanged(changes):
            Self.routeMonitoring(locRIBHeader(time), announced: changes.compactMap { c in c.best.map { (c.nlri, $0) } },
                                 withdrawn: changes.filter { $0.best == nil }.map(\.nlri), options: SessionOptions())
        }
    }

    /// What a collector that just connected is sent after the Initiation:
    /// every Established peer's Peer Up and Adj-RIB-In (each closed by
    /// End-of-RIB), then the Loc-RIB's Peer Up and table.
    public func messages(for snapshot: MonitoringSnapshot, at time: WallTime) -> [BMPMessage] {
        var out: [BMPMessage] = []
        for s in snapshot.sessions {
            out.append(Self.peerUp(s.peer, sentOpen: s.sentOpen, receivedOpen: s.receivedOpen, time))
            let options = SessionOptions(fourOctetAS: !s.peer.twoOctetAS)
            let header = Self.header(s.peer, time)
            let routes = snapshot.adjRIBIn[s.peer.id] ?? []
            out += Self.routeMonitoring(header, announced: routes, withdrawn: [], options: options)
            for f in Set(routes.compactMap(\.nlri.family)).sorted(by: { $0.description < $1.description }) {
                out.append(.routeMonitoring(header, update: Array(buffer: BGPMessage.update(.endOfRIB(f)).encoded(options: options))))
            }
        }
        out.append(locRIBPeerUp(time))
        out += Self.routeMonitoring(locRIBHeader(time), announced: snapshot.locRIB, withdrawn: [], options: SessionOptions())
        return out
    }

    /// RFC 7854 §4.8 Statistics Reports: each peer's Adj-RIB-In route count (type 7), the Loc-RIB's (type 8).
    public func messages(for statistics: MonitoringStatistics, at time: WallTime) -> [BMPMessage] {
        statistics.peers.map { .statisticsReport(Self.header($0.peer, time), [.gauge(BMPStatisticsType.routesInAdjRIBIn, UInt64($0.routes))]) }
            + [.statisticsReport(locRIBHeader(time), [.gauge(BMPStatisticsType.routesInLocRIB, UInt64(statistics.locRIBRoutes))])]
    }

    /// RFC 7854 §4.3: who we are, first on every connection.
    public static func initiation(sysName: String, sysDescr: String) -> BMPMessage {
        .initiation([BMPTLV(type: BMPInformationType.sysDescr, text: sysDescr), BMPTLV(type: BMPInformationType.sysName, text: sysName)])
    }

    /// RFC 7854 §4.5: last, when the daemon stops.
    public static func termination(_ reason: BMPTerminationReason = .sessionAdministrativelyClosed) -> BMPMessage {
        var v: [UInt8] = []
        v.append(UInt8(reason.rawValue >> 8)); v.append(UInt8(reason.rawValue & 0xff))
        return .termination([BMPTLV(type: BMPTerminationType.reason, value: v)])
    }
}
