import BGP
import Logging
import Metrics
import NIOCore
import NIOPosix

/// A neighbour as the operator sees it.
public struct NeighborStatus: Hashable, Sendable {
    public var peer: PeerID
    public var address: String
    /// The configured port; nil for a neighbour that dialled in.
    public var port: Int?
    public var peerAS: UInt32
    public var state: SessionState
    public var dynamic: Bool
    /// Time since the session reached Established; nil when it is not.
    public var uptime: TimeAmount?
    public var prefixesReceived: Int
    /// Routes in its Adj-RIB-Out: sent and not withdrawn since.
    public var prefixesSent: Int
    public var lastError: Notification?
    /// What it imports by its RT membership routes (RFC 4684), when it
    /// negotiated route target constraint; nil: it is sent every route.
    public var routeTargetMembership: RouteTargetMembership?
}

/// The BGP speaker: sessions over TCP around the sans-I/O `Session` and
/// `RIB`. All shared state lives in this actor; each connection's bytes are
/// fed to it in order by one task.
public actor Speaker {
    public private(set) var configuration: SpeakerConfiguration
    private let group: any EventLoopGroup
    private var logger: Logger
    var rib: RIB
    /// Internal, not private, as `rib`: `neighborDetail` (NeighborDetail.swift) reads them.
    var peers: [PeerID: Peer] = [:]
    private var nextPeerID: UInt32 = 1
    private var server: (any Channel)?
    /// False until `start` has added the configured neighbours: a peer that
    /// dials the moment the socket listens must not be taken for a stranger.
    private var acceptingConnections = false
    private var earlyConnections: [Connection.Channel] = []
    private var ticker: Task<Void, Never>?
    private var closing: [EventLoopFuture<Void>] = []
    /// While a read's messages are being run: changes to the RIB are sent
    /// once they all are (one flush per read, not per UPDATE).
    private var batchingReceive = false
    private var flushDue = false
    /// A flush is queued (coalesces the drain callbacks of many peers).
    private var flushScheduled = false
    /// A flush soon after one where subgroup members waited for a slow member.
    private var stallRetryScheduled = false
    /// While set, UPDATEs wait (RFC 4724 §4.1 selection deferral after our own start).
    private var deferralDeadline: NIODeadline?
    private let bestRoutesContinuation: AsyncStream<Void>.Continuation
    /// Told of sessions, UPDATEs received and Loc-RIB changes (BMP, MRT).
    private var observers: [any SpeakerObserver] = []
    /// Counted at this edge (the cores stay free of global state); no-ops
    /// unless the daemon bootstrapped a metrics backend first.
    private let updatesReceived = Counter(label: "bgp_updates_received_total")
    private let updatesSent = Counter(label: "bgp_updates_sent_total")
    private func countError(_ kind: String, by n: Int = 1) { Counter(label: "swiftplane_errors_total", dimensions: [("kind", kind)]).increment(by: n) }

    /// The RIB's source for the routes this speaker originates.
    public static let localPeer = PeerID(0)

    /// Yields whenever the Loc-RIB may have changed: read `receivedBestRoutes()`
    /// then. Bursts collapse into one element (the newest is kept).
    public nonisolated let bestRoutesChanged: AsyncStream<Void>

    struct Peer {
        var session: Session
        var address: IPAddress
        var port: Int
        var dynamic: Bool
        var routeReflectorClient: Bool
        var maximumPrefixes: Int?
        /// RFC 2385 key for the connections we dial (the listening socket has its own copy).
        var signature: TCPMD5Signature?
        /// Its connection while it has one, and what takes the connection's outbound bytes (`Connection.drain`).
        var channel: (any Channel)?
        var outbox: AsyncStream<[ByteBuffer]>.Continuation?
        var decoder = MessageStreamDecoder()
        /// When its stale routes go (RFC 4724): the restart timer while it is
        /// down, then the wait for its End-of-RIB.
        var staleDeadline: NIODeadline?
        /// Families whose End-of-RIB arrived in the current session.
        var endOfRIBReceived: Set<AddressFamily> = []
        /// When its EVPN routes go even without its RT membership End-of-RIB (RFC 4684 §6).
        var membershipDeadline: NIODeadline?
        var peerAS: UInt32
        var establishedAt: NIODeadline?
        /// Times its session left Established (down or restarting).
        var flaps = 0
        /// A route too large for its messages was reported (once per peer).
        var reportedUnsendable = false
        /// Octets queued to its connection and not yet taken by the channel
        /// (which takes them while under its write buffer's high watermark).
        var queuedBytes = 0
        /// Its queue passed `maximumOutputQueue`: closed without waiting for it to drain.
        var overflowed = false
        /// When each family's last ROUTE-REFRESH was served; requests within
        /// `routeRefreshInterval` wait in `refreshDue`.
        var lastRefresh: [AddressFamily: NIODeadline] = [:]
        var refreshDue: Set<AddressFamily> = []
        /// The OPENs of the current connection, whole, for monitors (BMP Peer Up).
        var sentOpen: [UInt8] = []
        var receivedOpen: [UInt8] = []
        /// Its session as monitors name it, while Established.
        var monitored: MonitoredPeer?
        var options: SessionOptions { session.negotiated?.options ?? SessionOptions() }
    }

    public init(_ configuration: SpeakerConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "swiftplane.bgp")) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.rib = RIB(routerID: configuration.routerID, clusterID: configuration.clusterID)
        rib.subgroups = configuration.subgroups
        (bestRoutesChanged, bestRoutesContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        rib.addPeer(Self.localPeer, RIBPeer(address: .v4(configuration.routerID), routerID: configuration.routerID,
                                            routeReflectorClient: false, families: Set(configuration.families), local: true))
    }

    /// Makes `routes` the whole set this speaker originates: new and changed
    /// routes are announced to every Established peer, missing ones withdrawn.
    public func originate(_ routes: [NLRI: RouteAttributes]) {
        let change = rib.replaceRoutes(routes, from: Self.localPeer)
        if change.announced > 0 || change.withdrawn > 0 {
            logger.info("originated", metadata: ["announced": "\(change.announced)", "withdrawn": "\(change.withdrawn)"])
            flushRIB()
        }
    }

    /// The best path of every destination learned from peers (not our own).
    public func receivedBestRoutes() -> [(nlri: NLRI, attributes: RouteAttributes)] {
        rib.bestRoutes(excluding: Self.localPeer)
    }

    /// The destinations whose best path (learned from peers) changed since
    /// the last call, with the path now or nil when there is none: the first
    /// call gives the whole table, every later one only what changed, so a
    /// change of one route costs its consumer one route.
    public func takeReceivedBestChanges() -> [(nlri: NLRI, attributes: RouteAttributes?)] {
        rib.takeBestChanges(excluding: Self.localPeer)
    }

    /// Adds a monitor: from now on it is told every `SpeakerEvent`; what
    /// happened before, `monitoringSnapshot()` gives.
    public func addObserver(_ observer: any SpeakerObserver) {
        observers.append(observer)
        // Starts the Loc-RIB's monitoring record (its first take is the whole table, which the snapshot has).
        _ = rib.takeBestChanges(excluding: nil, reader: .monitoring)
    }

    private func tell(_ event: SpeakerEvent) {
        let now = WallTime.now()
        for o in observers { o.speaker(event, at: now) }
    }

    /// Route counts of each Established session and of the Loc-RIB, now (cheap: no routes copied).
    public func monitoringStatistics() -> MonitoringStatistics {
        let established = peers.keys.sorted().compactMap { id in peers[id]?.monitored.map { (peer: $0, routes: rib.prefixCount(id)) } }
        return MonitoringStatistics(peers: established, locRIBRoutes: rib.routeCount)
    }

    /// Established sessions with their OPENs, their Adj-RIBs-In and the Loc-RIB, now.
    public func monitoringSnapshot() -> MonitoringSnapshot {
        var adjRIBIn: [PeerID: [(nlri: NLRI, attributes: RouteAttributes)]] = [:]
        var locRIB: [(nlri: NLRI, attributes: RouteAttributes)] = []
        for path in rib.paths() {
            if path.best { locRIB.append((path.nlri, path.attributes)) }
            if path.peer != Self.localPeer, peers[path.peer]?.monitored != nil { adjRIBIn[path.peer, default: []].append((path.nlri, path.attributes)) }
        }
        let sessions = peers.keys.sorted().compactMap { id in
            peers[id].flatMap { p in p.monitored.map { (peer: $0, sentOpen: p.sentOpen, receivedOpen: p.receivedOpen) } }
        }
        return MonitoringSnapshot(localAS: configuration.localAS, routerID: configuration.routerID, sessions: sessions, adjRIBIn: adjRIBIn, locRIB: locRIB)
    }

    /// Binds the listening socket, starts the configured neighbours and the
    /// timers; returns the address bound (port 0 picks one).
    @discardableResult
    public func start() async throws -> SocketAddress {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = try Connection.wrap(channel)
                    Task { await self.accepted(connection) }
                }
            }
        let channel = try await bootstrap.bind(host: configuration.listenHost, port: configuration.listenPort).get()
        server = channel
        // Keys go on the listening socket before any peer can connect: the
        // kernel checks a signed peer's SYN against the key of its address.
        // A range's key covers every peer in it; a neighbour's own key is more specific and wins.
        let keys = configuration.accept.compactMap(\.signature) + configuration.neighbors.compactMap(\.signature)
        for s in keys {
            do { try await s.apply(to: channel).get() } catch {
                try? await channel.close().get()
                server = nil
                throw TCPMD5SignatureError(peer: s.peer, reason: "\(error)")
            }
        }
        let bound = try channel.localAddress ?? SocketAddress(ipAddress: configuration.listenHost, port: configuration.listenPort)
        logger.info("listening", metadata: ["address": "\(bound)", "as": "\(configuration.localAS)",
                                            "router-id": "\(configuration.routerID)", "cluster-id": "\(configuration.clusterID)",
                                            "accept": "\(configuration.accept.map(\.description).joined(separator: ","))"])
        if let seconds = configuration.gracefulRestart?.selectionDeferralTime, seconds > 0 {
            deferralDeadline = .now() + .seconds(Int64(seconds))
            logger.info("selection deferral: holding UPDATEs while peers return", metadata: ["seconds": "\(seconds)"])
        }
        for n in configuration.neighbors { addNeighbor(n) }
        acceptingConnections = true
        for connection in earlyConnections { Task { await self.accepted(connection) } }
        earlyConnections = []
        ticker = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                self.tick()
            }
        }
        return bound
    }

    /// Sends CEASE (administrative shutdown) to every peer, closes every
    /// connection and the listening socket. With `graceful`, the connections
    /// are closed without a NOTIFICATION: peers that negotiated graceful
    /// restart then keep our routes as stale until we are back (RFC 4724),
    /// which is what a planned restart of a host's agent wants.
    public func shutdown(graceful: Bool = false) async {
        ticker?.cancel()
        ticker = nil
        for id in peers.keys.sorted() {
            if graceful, configuration.gracefulRestart != nil, let p = peers[id], p.session.negotiated?.peerGracefulRestart != nil {
                logger.info("closing without NOTIFICATION: the peer keeps our routes (graceful restart)",
                            metadata: ["peer": "\(p.address)"])
                close(id)
            } else {
                run(id, .stop(.administrativeShutdown))
            }
        }
        let pending = closing
        closing = []
        for f in pending { try? await f.get() }
        try? await server?.close().get()
        server = nil
        bestRoutesContinuation.finish()
        logger.info("stopped")
    }

    /// Applies a new neighbour list (SIGHUP): neighbours no longer listed are
    /// closed with CEASE (peer de-configured, RFC 4486), new ones started;
    /// sessions of neighbours listed in both are left alone.
    public func reconfigureNeighbors(_ neighbors: [NeighborConfiguration]) {
        let old = Set(configuration.neighbors), new = Set(neighbors)
        for n in configuration.neighbors where !new.contains(n) {
            if let s = n.signature, !neighbors.contains(where: { $0.address == n.address && $0.password != nil }) {
                setListenerKey(TCPMD5Signature(peer: s.peer, password: ""))
            }
            for (id, p) in peers where !p.dynamic && p.address == n.address && p.port == n.port {
                logger.info("neighbour removed", metadata: ["peer": "\(n.address)"])
                run(id, .stop(.peerDeconfigured))
                rib.removePeer(id)
                peers[id] = nil
            }
        }
        flushRIB()
        configuration.neighbors = neighbors
        for n in neighbors where !old.contains(n) {
            logger.info("neighbour added", metadata: ["peer": "\(n.address)"])
            if let s = n.signature { setListenerKey(s) }
            addNeighbor(n)
        }
    }

    /// Sets or removes (empty key) a neighbour's key on the listening socket.
    private func setListenerKey(_ signature: TCPMD5Signature) {
        guard let server else { return }
        signature.apply(to: server).whenFailure { [logger] error in
            logger.error("TCP MD5 key not set on the listening socket", metadata: ["peer": "\(signature.peer)", "error": "\(error)"])
        }
    }

    private func addNeighbor(_ n: NeighborConfiguration) {
        let id = newPeerID()
        // RFC 4271 §10 jitter (0.75-1 of the time), so two speakers that dial
        // each other and refuse the crossing connection do not retry in step.
        var session = configuration.session(peerAS: n.peerAS, passive: n.passive)
        session.connectRetryTime = .nanoseconds(Int64(Double(session.connectRetryTime.nanoseconds) * Double.random(in: 0.75...1)))
        peers[id] = Peer(session: Session(session), address: n.address,
                         port: n.port, dynamic: false, routeReflectorClient: n.routeReflectorClient,
                         maximumPrefixes: n.maximumPrefixes ?? configuration.maximumPrefixes, signature: n.signature, peerAS: n.peerAS)
        run(id, .start)
    }

    public func neighbors() -> [NeighborStatus] {
        let now = NIODeadline.now()
        return peers.keys.sorted().compactMap { id in
            guard let p = peers[id] else { return nil }
            return NeighborStatus(peer: id, address: "\(p.address)", port: p.dynamic ? nil : p.port, peerAS: p.peerAS,
                                  state: p.session.state, dynamic: p.dynamic, uptime: p.establishedAt.map { now - $0 },
                                  prefixesReceived: rib.prefixCount(id), prefixesSent: rib.advertisedCount(id), lastError: p.session.lastError,
                                  routeTargetMembership: rib.membership(id))
        }
    }

    /// True once every configured neighbour is Established and has sent its
    /// End-of-RIB for each negotiated family: the received routes are then
    /// the peers' whole tables, and acting on a missing route is safe.
    public func initialRoutesReceived() -> Bool {
        peers.values.filter { !$0.dynamic }.allSatisfy { p in
            guard p.session.state == .established, let families = p.session.negotiated?.families else { return false }
            return families.isSubset(of: p.endOfRIBReceived)
        }
    }

    /// Every path of every peer in the RIB (our own under `localPeer`), best ones marked.
    public func paths() -> [RIBPath] { rib.paths() }

    /// A peer's address for display; "local" for this speaker's own routes.
    public func peerAddress(_ id: PeerID) -> String {
        id == Self.localPeer ? "local" : peers[id].map { "\($0.address)" } ?? "\(id)"
    }

    /// RFC 4724 §4.1: our selection deferral may end before its timer once
    /// every configured neighbour is back and those that negotiated graceful
    /// restart have sent End-of-RIB (the others need not send one).
    private var everyRestartingNeighborSentEndOfRIB: Bool {
        peers.values.filter { !$0.dynamic }.allSatisfy { p in
            guard p.session.state == .established, let negotiated = p.session.negotiated else { return false }
            return negotiated.peerGracefulRestart == nil || negotiated.families.isSubset(of: p.endOfRIBReceived)
        }
    }

    /// Destinations in the Loc-RIB.
    public var routeCount: Int { rib.routeCount }

    /// Routes of a peer kept stale through its graceful restart.
    public func staleRoutes(_ peer: PeerID) -> Int { rib.staleCount(peer) }

    // MARK: connections

    private func newPeerID() -> PeerID {
        defer { nextPeerID &+= 1 }
        return PeerID(nextPeerID)
    }

    private func accepted(_ connection: Connection.Channel) async {
        guard acceptingConnections else {
            earlyConnections.append(connection)
            return
        }
        let remote = connection.channel.remoteAddress
        guard let address = remote.flatMap(Self.peerAddress) else {
            logger.warning("connection refused: not IP", metadata: ["remote": "\(remote.map { "\($0)" } ?? "?")"])
            await Connection.refuse(connection)
            return
        }
        let id: PeerID
        if let (existing, peer) = peers.first(where: { !$0.value.dynamic && $0.value.address == address }) {
            if peer.channel != nil, [SessionState.connect, .openSent, .openConfirm].contains(peer.session.state) {
                await resolveCollision(existing, connection, initiatedByUs: false)
                return
            }
            // Idle after a failure only waits to restart: the peer dialling
            // now restarts it (else both sides would wait out connect-retry).
            let restarting = peer.session.state == .idle && peer.session.started
            guard peer.channel == nil, peer.session.state == .active || peer.session.state == .connect || restarting else {
                logger.warning("connection refused: session already up", metadata: ["peer": "\(address)", "state": "\(peer.session.state)"])
                await Connection.refuse(connection)
                return
            }
            id = existing
            if restarting { run(id, .startPassive) }
        } else if configuration.accept.contains(where: { $0.contains(address) }) {
            if let (restarting, _) = peers.first(where: { $0.value.dynamic && $0.value.address == address && rib.isRestarting($0.key) }) {
                // Back from a graceful restart: the same id, so its stale routes are found.
                id = restarting
                run(id, .start)
                await serve(id, connection)
                return
            }
            if let (_, other) = peers.first(where: { $0.value.dynamic && $0.value.address == address && $0.value.channel != nil }) {
                logger.warning("connection refused: session already up", metadata: ["peer": "\(address)", "state": "\(other.session.state)"])
                await Connection.refuse(connection)
                return
            }
            guard peers.values.filter(\.dynamic).count < configuration.maximumDynamicPeers else {
                logger.warning("connection refused: dynamic neighbour limit", metadata: ["peer": "\(address)", "limit": "\(configuration.maximumDynamicPeers)"])
                await Connection.refuse(connection)
                return
            }
            id = newPeerID()
            peers[id] = Peer(session: Session(configuration.session(peerAS: configuration.localAS, passive: true)), address: address,
                             port: 0, dynamic: true, routeReflectorClient: true, maximumPrefixes: configuration.maximumPrefixes,
                             peerAS: configuration.localAS)
            run(id, .start)
        } else {
            countError("bgp_connection_refused")
            logger.warning("connection refused: outside every accepted range", metadata: ["peer": "\(address)"])
            await Connection.refuse(connection)
            return
        }
        await serve(id, connection)
    }

    /// A connection's remote address; an IPv4-mapped IPv6 address (a
    /// dual-stack listener on ::) as the IPv4 address it is.
    static func peerAddress(_ socket: SocketAddress) -> IPAddress? {
        switch socket {
        case let .v4(v4):
            // sin_addr is in network order.
            return .v4(IPv4Address(rawValue: UInt32(bigEndian: v4.address.sin_addr.s_addr)))
        case let .v6(v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff, let v4 = IPv4Address(bytes: bytes[12...]) {
                return .v4(v4)
            }
            return IPv6Address(bytes: bytes).map { .v6($0) }
        default:
            return nil
        }
    }

    private func connect(_ id: PeerID) {
        guard let p = peers[id] else { return }
        let host = "\(p.address)", port = p.port
        // Dial from the address we listen on (when it is one of the peer's
        // family), so the peer sees the address it has configured for us.
        let listen = IPAddress(configuration.listenHost)
        let sameFamily = listen.map { $0.bitCount == p.address.bitCount } ?? false
        let unspecified = listen == .v4(IPv4Address(rawValue: 0)) || listen == .v6(.unspecified)
        let source = !sameFamily || unspecified ? nil : try? SocketAddress(ipAddress: configuration.listenHost, port: 0)
        Task { [self] in
            do {
                // Connect to the address itself: connect(host:) would queue a
                // getaddrinfo on NIO's small shared thread pool, where any
                // blocking work delays the dial by seconds.
                let target = try SocketAddress(ipAddress: host, port: port)
                let connection = try await Self.dial(target, from: source, signature: p.signature, group: group)
                await self.outboundConnected(id, connection)
            } catch {
                self.connectFailed(id, error)
            }
        }
    }

    private nonisolated static func dial(_ target: SocketAddress, from source: SocketAddress?, signature: TCPMD5Signature?,
                                         group: any EventLoopGroup) async throws -> Connection.Channel {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                // The initializer runs before connect(2): a key set here signs the SYN.
                signature.map { $0.apply(to: channel) } ?? channel.eventLoop.makeSucceededVoidFuture()
            }
        return try await (source.map { bootstrap.bind(to: $0) } ?? bootstrap).connect(to: target) { channel in
            channel.eventLoop.makeCompletedFuture { try Connection.wrap(channel) }
        }
    }

    private func connectFailed(_ id: PeerID, _ error: any Error) {
        logger.info("connect failed", metadata: ["peer": "\(peers[id].map { "\($0.address)" } ?? "?")", "error": "\(error)"])
        run(id, .connectionDown)
    }

    /// Our dial succeeded; the peer's own connection may have been taken meanwhile.
    private func outboundConnected(_ id: PeerID, _ connection: Connection.Channel) async {
        if let p = peers[id], p.channel != nil, [SessionState.openSent, .openConfirm].contains(p.session.state) {
            await resolveCollision(id, connection, initiatedByUs: true)
        } else {
            await serve(id, connection)
        }
    }

    /// RFC 4271 §6.8: two connections with one peer, neither Established.
    /// The peer's OPEN on the second one names its BGP identifier; the
    /// connection opened by the speaker with the higher identifier stays, the
    /// other is closed with CEASE (connection collision resolution).
    private func resolveCollision(_ id: PeerID, _ connection: Connection.Channel, initiatedByUs: Bool) async {
        // Closed on return unless served.
        try? await connection.executeThenClose { inbound, outbound in
            var reader = inbound.makeAsyncIterator()
            var decoder = MessageStreamDecoder()
            var open: Open?
            read: while let bytes = try? await reader.next() {
                decoder.append(bytes)
                let message: ByteBuffer?
                do { message = try decoder.next() } catch {
                    // A bad marker or length: no OPEN follows, and the bytes would pile up unread.
                    logger.warning("connection collision: the second connection sent no valid message header", metadata: ["error": "\(error)"])
                    break read
                }
                guard let message else { continue }
                if case .open(let o)? = try? BGPMessage.decode(message) { open = o }
                break read
            }
            guard let open, let p = peers[id] else { return }
            let meta: Logger.Metadata = ["peer": "\(p.address)", "remote-id": "\(open.bgpIdentifier)"]
            // The session's connection stays when it is up, or still there and
            // opened by the speaker with the higher identifier.
            let weAreHigher = configuration.routerID.rawValue > open.bgpIdentifier.rawValue
            if p.session.state == .established || (p.channel != nil && weAreHigher != initiatedByUs) {
                logger.info("connection collision: keeping the first", metadata: meta)
                try? await outbound.write(BGPMessage.notification(Notification(.cease(.connectionCollisionResolution))).encoded())
                // Completes once the CEASE is on the socket.
                try? await connection.channel.close(mode: .output).get()
                return
            }
            logger.info("connection collision: keeping the second", metadata: meta)
            run(id, .close(Notification(.cease(.connectionCollisionResolution))))
            run(id, .startPassive)
            await serve(id, connection.channel, &reader, outbound, decoder: decoder, first: .received(.open(open)))
        }
    }

    private func serve(_ id: PeerID, _ connection: Connection.Channel) async {
        // Closed on return (it already is once the session let it go).
        try? await connection.executeThenClose { inbound, outbound in
            var reader = inbound.makeAsyncIterator()
            await serve(id, connection.channel, &reader, outbound)
        }
    }

    /// Runs the session over the connection until either side closes it:
    /// its bytes fed in order by this task, what it is sent written in order
    /// by a child task (`Connection.drain`).
    private func serve(_ id: PeerID, _ channel: any Channel, _ reader: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
                       _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                       decoder: MessageStreamDecoder = MessageStreamDecoder(), first: SessionEvent? = nil) async {
        guard var p = peers[id], p.channel == nil else { return }
        let (outbox, queue) = AsyncStream<[ByteBuffer]>.makeStream()
        p.channel = channel
        p.outbox = queue
        p.decoder = decoder
        p.queuedBytes = 0
        p.overflowed = false
        peers[id] = p
        await withTaskGroup(of: Void.self) { writer in
            writer.addTask { await Connection.drain(outbox, to: outbound, of: channel) { n in await self.written(id, channel, n) } }
            logger.info("connected", metadata: ["peer": "\(p.address)", "dynamic": "\(p.dynamic)"])
            run(id, .connectionUp)
            if let first {
                // What was read while resolving a collision, then the rest of its bytes.
                if case .received(.open(let o)) = first { peers[id]?.receivedOpen = Array(buffer: BGPMessage.open(o).encoded()) }
                run(id, first)
                receive(id, ByteBuffer())
            }
            // Read on this actor: the iterator is its own, never sent elsewhere.
            while let bytes = try? await reader.next(isolation: #isolation) {
                guard peers[id]?.channel === channel else { break }
                receive(id, bytes)
            }
            // Let go by the session: `close` ended the outbox. Else the peer closed, or the socket failed.
            guard peers[id]?.channel === channel else { return }
            peers[id]?.channel = nil
            peers[id]?.outbox = nil
            queue.finish()
            run(id, .connectionDown)
        }
    }

    private func receive(_ id: PeerID, _ bytes: ByteBuffer) {
        peers[id]?.decoder.append(bytes)
        batchingReceive = true
        defer {
            batchingReceive = false
            if flushDue { flushRIB() }
        }
        while let p = peers[id], p.channel != nil {
            let event: SessionEvent
            do {
                guard let message = try peers[id]?.decoder.next() else { break }
                if !observers.isEmpty { observeReceived(id, message) }
                event = Self.classify(message, options: p.options)
            } catch {
                event = .decodingFailed(error)
            }
            run(id, event)
        }
    }

    /// A received message as monitors want it: OPENs kept for Peer Up, UPDATEs told.
    private func observeReceived(_ id: PeerID, _ message: ByteBuffer) {
        switch BGPMessageHeader.peek(message)?.type {
        case .open?:
            peers[id]?.receivedOpen = Array(buffer: message)
        case .update?:
            if let m = peers[id]?.monitored { tell(.updateReceived(m, message: Array(buffer: message))) }
        default:
            break
        }
    }

    /// Its session as monitors name it, from the connection's addresses.
    private func monitoredPeer(_ id: PeerID, _ agreed: NegotiatedSession) -> MonitoredPeer? {
        guard let p = peers[id], let channel = p.channel else { return nil }
        let local = channel.localAddress, remote = channel.remoteAddress
        return MonitoredPeer(id: id, address: p.address, port: UInt16(clamping: remote?.port ?? p.port), peerAS: agreed.peerAS,
                             routerID: agreed.peerRouterID, localAddress: local.flatMap(Self.peerAddress) ?? .v4(configuration.routerID),
                             localPort: UInt16(clamping: local?.port ?? 0), localAS: configuration.localAS, twoOctetAS: !agreed.options.fourOctetAS)
    }

    /// Tells monitors a session went down, and why.
    private func observeDown(_ id: PeerID, event: SessionEvent, notificationSent: Notification?) {
        guard let m = peers[id]?.monitored else { return }
        peers[id]?.monitored = nil
        guard !observers.isEmpty else { return }
        let cause: PeerDownCause
        if case .received(.notification(let n)) = event {
            cause = .remoteNotification(Array(buffer: BGPMessage.notification(n).encoded()))
        } else if let n = notificationSent {
            cause = .localNotification(Array(buffer: BGPMessage.notification(n).encoded()))
        } else if case .connectionDown = event {
            cause = .connectionClosed
        } else {
            cause = .localNoNotification
        }
        tell(.peerDown(m, cause))
    }

    /// UPDATEs keep their RFC 7606 classification; other messages decode whole.
    static func classify(_ message: ByteBuffer, options: SessionOptions) -> SessionEvent {
        if let header = BGPMessageHeader.peek(message), header.type == .update, message.readableBytes >= 23,
           let body = message.getSlice(at: message.readerIndex &+ BGPMessageHeader.size, length: message.readableBytes &- BGPMessageHeader.size) {
            return .received(.update(Update.decode(body: body, options: options)))
        }
        do {
            switch try BGPMessage.decode(message, options: options) {
            case .open(let o): return .received(.open(o))
            case .update(let u): return .received(.update(.update(u)))
            case .notification(let n): return .received(.notification(n))
            case .keepalive: return .received(.keepalive)
            case .routeRefresh(let r): return .received(.routeRefresh(r))
            }
        } catch {
            return .decodingFailed(error)
        }
    }

    private func tick() {
        let now = NIODeadline.now()
        if let deadline = deferralDeadline {
            let complete = configuration.accept.isEmpty && !configuration.neighbors.isEmpty && everyRestartingNeighborSentEndOfRIB
            if complete || deadline <= now {
                deferralDeadline = nil
                logger.info("selection deferral over: sending tables",
                            metadata: ["reason": "\(complete ? "every neighbour sent End-of-RIB" : "deferral time passed")"])
                flushRIB()
            }
        }
        // By id, each read in place: a copy of every peer's state five times a second adds up at a thousand clients.
        for id in Array(peers.keys) {
            guard let (deadline, address) = withPeer(id, { ($0.session.nextDeadline, $0.address) }) else { continue }
            if let d = deadline, d <= now { run(id, .timePassed) }
            if let d = withPeer(id, { $0.membershipDeadline }) ?? nil, d <= now {
                peers[id]?.membershipDeadline = nil
                if rib.isAwaitingMembership(id) {
                    logger.info("no RT membership End-of-RIB in time: sending EVPN routes by the membership so far",
                                metadata: ["peer": "\(address)"])
                    rib.endMembershipWait(id)
                    flushRIB()
                }
            }
            if let due = withPeer(id, { $0.refreshDue }), !due.isEmpty, withPeer(id, { $0.session.state }) == .established {
                for family in due where (peers[id]?.lastRefresh[family]).map({ now - $0 >= configuration.routeRefreshInterval }) ?? true {
                    peers[id]?.refreshDue.remove(family)
                    peers[id]?.lastRefresh[family] = now
                    rib.refresh(id, family: family)
                    flushRIB()
                }
            }
            if let d = withPeer(id, { $0.staleDeadline }) ?? nil, d <= now {
                peers[id]?.staleDeadline = nil
                let n = rib.purgeStale(id)
                logger.info("stale routes purged: restart timer expired", metadata: ["peer": "\(address)", "count": "\(n)"])
                flushRIB()
                forgetIfGone(id)
            }
        }
    }

    // MARK: the session's actions

    func run(_ id: PeerID, _ event: SessionEvent) {
        // In place: a copy of the peer's state per message would copy its session's buffers too.
        guard let actions = withPeer(id, { $0.session.handle(event, now: .now()) }) else { return }
        var ribChanged = false
        var notificationSent: Notification?
        for action in actions {
            if case .update(let update) = action {
                // The common case, one per UPDATE: no copy of the peer, no log metadata built.
                guard received(update, from: id) else { return }
                ribChanged = true
                continue
            }
            guard let p = peers[id] else { return }
            let meta: Logger.Metadata = ["peer": "\(p.address)"]
            switch action {
            case .connect:
                connect(id)
            case .send(let message):
                let bytes = message.encoded(options: p.options)
                write(id, bytes)
                if case .open = message { peers[id]?.sentOpen = Array(buffer: bytes) }
                if case .notification(let n) = message {
                    notificationSent = n
                    // Our own shutdown is routine; anything else is worth a warning.
                    let level: Logger.Level = n.error == .cease(.administrativeShutdown) ? .info : .warning
                    if level == .warning { countError("bgp_notification_sent") }
                    logger.log(level: level, "NOTIFICATION sent", metadata: meta.merging(["error": "\(n.error)"]) { a, _ in a })
                }
            case .closeConnection:
                close(id)
            case .established(let agreed):
                logger.info("established", metadata: meta.merging(["router-id": "\(agreed.peerRouterID)", "hold": "\(agreed.holdTime)",
                                                                   "families": "\(agreed.families.map(\.description).sorted().joined(separator: ","))"]) { a, _ in a })
                peers[id]?.establishedAt = .now()
                peers[id]?.reportedUnsendable = false
                if let m = monitoredPeer(id, agreed) {
                    peers[id]?.monitored = m
                    if !observers.isEmpty, let q = peers[id] { tell(.peerUp(m, sentOpen: q.sentOpen, receivedOpen: q.receivedOpen)) }
                }
                // RFC 4724 §4.2: stale routes stay only for the families its new capability keeps forwarding for.
                let wasStale = rib.staleCount(id)
                let preserved = Set(agreed.peerGracefulRestart?.families.filter(\.forwardingStatePreserved).map(\.family) ?? [])
                rib.addPeer(id, RIBPeer(address: p.address, routerID: agreed.peerRouterID, routeReflectorClient: p.routeReflectorClient,
                                        ebgp: agreed.peerAS != configuration.localAS, families: agreed.families), preserved: preserved)
                if wasStale > rib.staleCount(id) {
                    logger.info("stale routes purged: the peer came back without forwarding state for their family",
                                metadata: meta.merging(["count": "\(wasStale - rib.staleCount(id))",
                                                        "graceful-restart": "\(agreed.peerGracefulRestart == nil ? "not offered" : "offered")"]) { a, _ in a })
                }
                // Stale routes wait for its End-of-RIB, not forever (RFC 4724 §4.2).
                let stale = rib.staleCount(id)
                peers[id]?.endOfRIBReceived = []
                peers[id]?.staleDeadline = stale > 0 ? .now() + .seconds(Int64(configuration.gracefulRestart?.restartTime ?? 0)) : nil
                peers[id]?.membershipDeadline = agreed.families.contains(.routeTargetConstraint)
                    ? .now() + configuration.routeTargetMembershipWait : nil
                ribChanged = true
            case .down(let reason):
                logger.info("down", metadata: meta.merging(["reason": "\(reason)"]) { a, _ in a })
                observeDown(id, event: event, notificationSent: notificationSent)
                rib.removePeer(id)
                peers[id]?.staleDeadline = nil
                if peers[id]?.establishedAt != nil { peers[id]?.flaps += 1 }
                peers[id]?.establishedAt = nil
                ribChanged = true
            case .restarting(let reason, let restartTime, let families):
                logger.info("down, restarting gracefully", metadata: meta.merging(["reason": "\(reason)", "restart-time": "\(restartTime)"]) { a, _ in a })
                observeDown(id, event: event, notificationSent: notificationSent)
                rib.peerRestarting(id, families: families)
                if peers[id]?.establishedAt != nil { peers[id]?.flaps += 1 }
                peers[id]?.establishedAt = nil
                peers[id]?.staleDeadline = .now() + .seconds(Int64(restartTime))
                ribChanged = true
            case .update:
                break  // taken above
            case .withdraw(let nlri, let reason):
                countError("bgp_treat_as_withdraw")
                logger.warning("UPDATE treated as withdraw", metadata: meta.merging(["reason": "\(reason)", "routes": "\(nlri.count)"]) { a, _ in a })
                var ignored = 0
                rib.withdraw(nlri, from: id, ignored: &ignored)
                ribChanged = true
            case .routeRefresh(let request):
                // RFC 7313 BoRR/EoRR only frame a peer's own re-advertisement: no request.
                guard request.subtype == .normal else {
                    logger.debug("route refresh marker", metadata: meta.merging(["subtype": "\(request.subtype.rawValue)"]) { a, _ in a })
                    continue
                }
                guard p.session.negotiated?.families.contains(request.family) == true else {
                    logger.warning("ROUTE-REFRESH for a family not negotiated: ignored", metadata: meta.merging(["family": "\(request.family)"]) { a, _ in a })
                    continue
                }
                if let last = p.lastRefresh[request.family], NIODeadline.now() - last < configuration.routeRefreshInterval {
                    peers[id]?.refreshDue.insert(request.family)
                    continue
                }
                peers[id]?.lastRefresh[request.family] = .now()
                rib.refresh(id, family: request.family)
                ribChanged = true
            }
        }
        if ribChanged {
            if batchingReceive { flushDue = true } else { flushRIB() }
        }
        forgetIfGone(id)
    }

    /// An UPDATE from an Established peer into the RIB. False when it put
    /// the peer over its maximum prefixes: the session is closed then.
    private func received(_ update: Update, from id: PeerID) -> Bool {
        let change = rib.apply(update, from: id)
        updatesReceived.increment()
        guard let (address, staleDeadline, maximumPrefixes) = withPeer(id, { ($0.address, $0.staleDeadline, $0.maximumPrefixes) }) else { return true }
        let meta: Logger.Metadata = change.endOfRIB == nil && change.loops == 0 ? [:] : ["peer": "\(address)"]
        if let family = change.endOfRIB {
            peers[id]?.endOfRIBReceived.insert(family)
            logger.debug("End-of-RIB received", metadata: meta.merging(["family": "\(family)"]) { a, _ in a })
        }
        if change.endOfRIB != nil, rib.staleCount(id) == 0, staleDeadline != nil {
            peers[id]?.staleDeadline = nil
            logger.info("End-of-RIB: stale routes purged", metadata: meta.merging(["count": "\(change.purged)"]) { a, _ in a })
        }
        if change.loops > 0 {
            logger.info("routes ignored: cluster loop", metadata: meta.merging(["count": "\(change.loops)"]) { a, _ in a })
        }
        if let limit = maximumPrefixes, rib.prefixCount(id) > limit {
            logger.warning("maximum prefixes exceeded", metadata: ["peer": "\(address)", "limit": "\(limit)"])
            let l = UInt32(clamping: limit)
            let data: [UInt8] = [0, 25, 70, UInt8(l >> 24), UInt8(l >> 16 & 0xff), UInt8(l >> 8 & 0xff), UInt8(l & 0xff)]
            run(id, .close(Notification(.cease(.maximumNumberOfPrefixesReached), data: data)))
            return false
        }
        return true
    }

    /// A dynamic neighbour exists only while connected, or restarting.
    private func forgetIfGone(_ id: PeerID) {
        if let p = peers[id], p.dynamic, p.channel == nil, p.session.state == .idle, !rib.isRestarting(id) {
            peers[id] = nil
        }
    }

    /// Sends every Established peer what the RIB owes it, at most
    /// `flushBudget` octets of NLRI each (the rest follows as they drain).
    /// Peers owed the same UPDATEs share their encoding.
    private func flushRIB() {
        flushDue = false
        bestRoutesContinuation.yield()
        if !observers.isEmpty {
            let changes = rib.takeBestChanges(excluding: nil, reader: .monitoring)
            if !changes.isEmpty { tell(.locRIBChanged(changes.map { LocRIBChange(nlri: $0.nlri, best: $0.attributes) })) }
        }
        var cache = OutboundEncodingCache()
        let stalls = rib.subgroupStalls
        defer {
            // Members waited for one that has not taken the last plan: asked again
            // soon, so a member that stopped reading splits off even when nothing else moves.
            if rib.subgroupStalls > stalls { retryStalled() }
        }
        // By id: writing to a peer changes `peers`, which a loop over the
        // dictionary itself would then hold twice and copy whole (a thousand peers per flush).
        for id in Array(peers.keys) {
            // Read in place: `peers[id]` copies a peer's whole state, at every flush for each of a thousand clients.
            guard let (established, options, membership, queued) = withPeer(id, { p in
                (p.session.state == .established, p.options, p.session.negotiated?.families.contains(.routeTargetConstraint) == true, p.queuedBytes)
            }), established, rib.hasPendingUpdates(id) else { continue }
            // During selection deferral only RT membership goes out: a peer
            // that waits for our membership End-of-RIB (RFC 4684 §6) before
            // sending its routes would otherwise hold our deferral to its timer.
            let only: Set<AddressFamily>? = deferralDeadline == nil ? nil : [.routeTargetConstraint]
            if only != nil, !membership { continue }
            // Back-pressure: while its socket has not taken what it was sent,
            // what it is owed waits in the RIB (marks, not messages).
            if queued > Self.outputHighWater { continue }
            let out = rib.pendingMessages(for: id, options: options, only: only, budget: Self.flushBudget, cache: &cache)
            if out.unsendable > 0 {
                countError("bgp_route_too_large", by: out.unsendable)
                if let p = peers[id], !p.reportedUnsendable {
                    peers[id]?.reportedUnsendable = true
                    logger.warning("routes not sent: one alone makes an UPDATE over the peer's maximum message length (withdrawn toward it; counted, logged once)",
                                   metadata: ["peer": "\(p.address)", "maximum": "\(options.maximumMessageLength)", "routes": "\(out.unsendable)"])
                }
            }
            guard !out.isEmpty else { continue }
            updatesSent.increment(by: out.messages)
            write(id, out.buffers)
            if !observers.isEmpty, let m = peers[id]?.monitored { tell(.updatesSent(m, messages: Self.messages(in: out.buffers))) }
        }
    }

    /// Whole BGP messages back out of the buffers that carry them (for monitors' Adj-RIB-Out).
    static func messages(in buffers: [ByteBuffer]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for b in buffers {
            var at = b.readerIndex
            while let length = b.getInteger(at: at + 16, as: UInt16.self), length >= 19, at + Int(length) <= b.writerIndex,
                  let bytes = b.getBytes(at: at, length: Int(length)) {
                out.append(bytes)
                at += Int(length)
            }
        }
        return out
    }

    /// A flush soon, once for any number of callers.
    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        Task { self.scheduledFlush() }
    }

    private func scheduledFlush() {
        flushScheduled = false
        flushRIB()
    }

    private func retryStalled() {
        guard !stallRetryScheduled else { return }
        stallRetryScheduled = true
        Task {
            try? await Task.sleep(for: .milliseconds(100))
            self.stallRetried()
        }
    }

    private func stallRetried() {
        stallRetryScheduled = false
        flushRIB()
    }

    /// Octets of NLRI built for one peer in one flush: a whole table never
    /// goes into one buffer, and peers taking the same UPDATEs stay in step.
    static let flushBudget = 256 << 10


    /// Above this many octets queued to a peer, no more UPDATEs are built for it until they drain.
    static let outputHighWater = 1 << 20

    private func write(_ id: PeerID, _ bytes: ByteBuffer) { write(id, [bytes]) }

    /// For the operator's actions (NeighborReset.swift): a message to a peer, and a flush of what the RIB owes.
    func sendRaw(_ id: PeerID, _ bytes: ByteBuffer) { write(id, bytes) }
    func refreshed() { flushRIB() }

    /// A peer changed or read in place: its getter would copy its whole state.
    @discardableResult
    private func withPeer<R>(_ id: PeerID, _ body: (inout Peer) -> R) -> R? {
        guard let k = peers.index(forKey: id) else { return nil }
        return body(&peers.values[k])
    }

    /// Queues the buffers to the peer's connection, in order (written with one flush).
    private func write(_ id: PeerID, _ buffers: [ByteBuffer]) {
        guard !buffers.isEmpty, let (outbox, queued, overflowed, address) = withPeer(id, { p in (p.outbox, p.queuedBytes, p.overflowed, p.address) }),
              let outbox else { return }
        let n = buffers.reduce(0) { $0 + $1.readableBytes }
        withPeer(id) { $0.queuedBytes += n }
        outbox.yield(buffers)
        if !overflowed, queued + n > configuration.maximumOutputQueue {
            peers[id]?.overflowed = true
            countError("bgp_output_queue_full")
            logger.warning("peer does not read: dropped", metadata: ["peer": "\(address)", "queued": "\(queued + n)",
                                                                     "limit": "\(configuration.maximumOutputQueue)"])
            run(id, .close(Notification(.cease(.outOfResources))))
        }
    }

    /// The channel took `n` octets queued to the peer's current connection.
    private func written(_ id: PeerID, _ channel: any Channel, _ n: Int) {
        guard let queued = withPeer(id, { p -> Int? in
            guard p.channel === channel else { return nil }
            p.queuedBytes -= n
            return p.queuedBytes
        }) ?? nil else { return }
        // What a bounded flush or back-pressure left owed goes once the socket has room.
        if queued <= Self.outputHighWater, rib.hasPendingUpdates(id) { scheduleFlush() }
    }

    /// Closes after what was queued has gone (a NOTIFICATION must arrive):
    /// the end of its outbox tells `Connection.drain` to close once it is written.
    private func close(_ id: PeerID) {
        guard let p = peers[id], let channel = p.channel else { return }
        peers[id]?.channel = nil
        peers[id]?.outbox = nil
        p.outbox?.finish()
        // A peer that does not read would never take what is queued: closed now.
        if p.overflowed { channel.close(promise: nil) }
        closing.append(channel.closeFuture)
        if closing.count > 64 { closing.removeFirst(closing.count - 64) }
    }
}
