import Logging
import Metrics
import NIOCore
import NIOPosix
import OpenFlow
import SocketFile

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OpenFlow 1.3 controller: accepts any number of switches, keeps each
/// one's flows equal to the table the application wants, and reports switch
/// events and packet-ins as async sequences.
public actor OpenFlowController {
    public struct Configuration: Sendable {
        /// Where switches connect: TCP (127.0.0.1:6653 by default) or a unix socket file.
        public var listen = ControllerListenAddress.default
        /// The unix socket file's mode, set right after bind (0660: root and
        /// the group may connect as a switch). Unused on TCP.
        public var socketMode: UInt32 = 0o660
        public var connection = SwitchConnection.Configuration()
        /// The cookies that mark our flows; see `CookieSpace`.
        public var cookieSpace = CookieSpace.swiftplane
        /// The group and meter ids that are ours; see `IDSpace`.
        public var groupSpace = IDSpace.swiftplaneGroups
        public var meterSpace = IDSpace.swiftplaneMeters
        /// Packet-ins kept for a slow consumer; older ones are dropped and counted.
        public var packetInBuffer = 1024
        /// Switch events kept for a slow consumer; older ones are dropped and counted.
        public var eventBuffer = 4096
        /// Bytes queued towards one switch above which packet-outs are refused.
        public var writeHighWaterMark = 1 << 20
        /// When set, packet-ins are answered by this function on the switch's
        /// event loop instead of going to `packetIns`: what it returns is sent
        /// to that switch, flushed once per socket read. It saves the two
        /// thread hand-offs of the stream (a reactive app such as a learning
        /// switch); it must be quick and must not block.
        public var packetInHandler: (@Sendable (PacketInEvent) -> [OpenFlowMessage])?
        /// TLS with mutual authentication (`ssl:` targets); nil: plain TCP.
        public var tls: ControllerTLS?

        public init() {}

        /// The TCP host (empty when listening on a unix socket); setting it
        /// makes the controller listen on TCP. Kept for callers that predate `listen`.
        public var host: String {
            get { if case let .tcp(host, _) = listen { host } else { "" } }
            set { listen = .tcp(host: newValue, port: port) }
        }

        /// The TCP port (0 on a unix socket); setting it makes the controller
        /// listen on TCP, on the default host if it was on a unix socket.
        public var port: Int {
            get { if case let .tcp(_, port) = listen { port } else { 0 } }
            set {
                let host = if case let .tcp(host, _) = listen { host } else { "127.0.0.1" }
                listen = .tcp(host: host, port: newValue)
            }
        }
    }

    public nonisolated let configuration: Configuration
    /// Switch up/down, port status, flow sync results, in order per switch.
    public nonisolated let events: AsyncStream<SwitchEvent>
    public nonisolated let packetIns: AsyncStream<PacketInEvent>

    private nonisolated let hub: ControllerHub
    private let eventSink: AsyncStream<SwitchEvent>.Continuation
    private let group: any EventLoopGroup
    private let logger: Logger
    private var server: (any Channel)?
    /// Our unix socket file and its inode once bound: only that file is removed at stop.
    private var socketFile: (file: UnixSocketFile, inode: ino_t)?
    private var switches: [UInt64: SwitchHandle] = [:]
    private var wanted: [UInt64: SwitchTables] = [:]
    private var syncs: [UInt64: Task<FlowSyncReport, any Error>] = [:]
    private var commandTask: Task<Void, Never>?
    private var stopped = false

    public enum LifecycleError: Error, Sendable {
        case alreadyStartedOrStopped
        case noLocalAddress
    }

    /// Why the controller cannot listen where it was told to.
    public enum ListenError: Error, Hashable, Sendable, CustomStringConvertible {
        /// TLS authenticates peers across a network; a socket file is guarded by its mode instead.
        case tlsOnUnixSocket(path: String)
        case socketFile(UnixSocketFileError)

        public var description: String {
            switch self {
            case let .tlsOnUnixSocket(path):
                "controller on unix:\(path): TLS is for TCP listen addresses; a unix socket is guarded by its file mode"
            case let .socketFile(error):
                "controller on unix:\(error)"
            }
        }
    }

    public init(configuration: Configuration = Configuration(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "swiftplane.openflow")) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        (events, eventSink) = AsyncStream.makeStream(of: SwitchEvent.self,
                                                     bufferingPolicy: .bufferingNewest(max(1, configuration.eventBuffer)))
        let packetIns = AsyncStream.makeStream(of: PacketInEvent.self,
                                               bufferingPolicy: .bufferingNewest(max(1, configuration.packetInBuffer)))
        self.packetIns = packetIns.stream
        hub = ControllerHub(packetIns: packetIns.continuation)
    }

    public nonisolated var statistics: ControllerStatistics { hub.statistics }

    /// TCP connections open now, switches or not (a flood of half-open
    /// handshakes shows here, and goes at the handshake timeout).
    public nonisolated var openConnectionCount: Int { hub.openChannels.count }

    /// Listens on the configured address; returns the bound address. A unix
    /// socket file left by a dead controller is replaced; a live one, or a
    /// path that is not a socket, is refused (`ListenError`).
    @discardableResult
    public func start() async throws -> SocketAddress {
        switch configuration.listen {
        case let .tcp(host, port):
            return try await start { try await $0.bind(host: host, port: port).get() }
        case let .unix(path):
            // Checked here too: a started controller's own socket must not be taken for a stale one.
            guard server == nil, !stopped else { throw LifecycleError.alreadyStartedOrStopped }
            guard configuration.tls == nil else { throw ListenError.tlsOnUnixSocket(path: path) }
            let file: UnixSocketFile
            do throws(UnixSocketFileError) {
                file = try UnixSocketFile(path: path)
                try file.prepare()
            } catch {
                throw ListenError.socketFile(error)
            }
            let address = try await start { try await $0.bind(unixDomainSocketPath: path).get() }
            do throws(UnixSocketFileError) {
                socketFile = (file, try file.setMode(mode_t(configuration.socketMode)))
            } catch {
                await stop()
                unlink(path)  // just bound by us, and useless with the wrong mode
                throw ListenError.socketFile(error)
            }
            return address
        }
    }

    /// Listens on a socket that is already bound and listening (for example
    /// one made inside another network namespace).
    @discardableResult
    public func start(boundSocket: NIOBSDSocket.Handle) async throws -> SocketAddress {
        try await start { try await $0.withBoundSocket(boundSocket).get() }
    }

    private func start(_ bind: (ServerBootstrap) async throws -> any Channel) async throws -> SocketAddress {
        // One life per controller: its streams end at stop(), so a restart is a new controller.
        guard server == nil, !stopped else { throw LifecycleError.alreadyStartedOrStopped }
        let hub = hub
        let connection = configuration.connection
        let logger = logger
        let mark = configuration.writeHighWaterMark
        let packetInHandler = configuration.packetInHandler
        let tls = configuration.tls
        var bootstrap = ServerBootstrap(group: group)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: mark / 2, high: mark))
        // Socket options of TCP only: a unix socket refuses them.
        if case .tcp = configuration.listen {
            bootstrap = bootstrap.serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        }
        bootstrap = bootstrap
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = hub.opened(channel)
                    channel.closeFuture.whenComplete { _ in hub.closed(id) }
                    // TLS first: the OpenFlow handler sees only what an authenticated switch sent.
                    if let tls { try channel.pipeline.syncOperations.addHandler(tls.handler()) }
                    try channel.pipeline.syncOperations.addHandler(
                        SwitchChannelHandler(configuration: connection, hub: hub, logger: logger, connectionID: id,
                                             packetInHandler: packetInHandler))
                }
            }
        let channel = try await bind(bootstrap)
        server = channel
        commandTask = Task { [weak self] in
            for await command in hub.commands { await self?.process(command) }
        }
        guard let address = channel.localAddress else { throw LifecycleError.noLocalAddress }
        let transport = tls == nil ? configuration.listen.transport : "ssl"
        logger.info("openflow controller listening", metadata: ["address": "\(address)", "transport": "\(transport)"])
        return address
    }

    /// Stops listening and closes every switch connection. Flows stay on the
    /// switches (fail_mode=secure keeps them), ready for the next controller.
    public func stop() async {
        stopped = true
        try? await server?.close()
        server = nil
        if let (file, inode) = socketFile { file.remove(inode: inode) }
        socketFile = nil
        for channel in hub.openChannels { try? await channel.close() }
        for sync in syncs.values { sync.cancel() }
        switches.removeAll()
        hub.finish()
        eventSink.finish()
        await commandTask?.value
    }

    public var connectedSwitches: [UInt64] { switches.keys.sorted() }

    public func handle(_ datapathID: UInt64) throws -> SwitchHandle {
        guard let handle = switches[datapathID] else { throw OpenFlowRequestError.notConnected }
        return handle
    }

    // MARK: requests

    public func request(_ message: OpenFlowMessage, on datapathID: UInt64) async throws -> [OpenFlowMessage] {
        try await handle(datapathID).request(message)
    }

    /// Sends the messages and confirms them with a barrier.
    public func batch(_ messages: [OpenFlowMessage], on datapathID: UInt64) async throws {
        try await handle(datapathID).batch(messages)
    }

    /// Sends a PACKET_OUT; throws `.overloaded` (and counts it) when the
    /// switch's queue is full, instead of queueing without bound.
    public func packetOut(_ packetOut: PacketOut, on datapathID: UInt64) async throws {
        guard try await handle(datapathID).send(.packetOut(packetOut)) else {
            hub.count { $0.packetOutsDropped &+= 1 }
            throw OpenFlowRequestError.overloaded
        }
    }

    /// The flows the switch holds now (flow stats of every table).
    public func installedFlows(on datapathID: UInt64) async throws -> [FlowStats] {
        try await Self.installedFlows(try handle(datapathID))
    }

    private static func installedFlows(_ handle: SwitchHandle) async throws -> [FlowStats] {
        var flows: [FlowStats] = []
        for case let .multipartReply(reply) in try await handle.request(.multipartRequest(MultipartRequest(.flow(FlowStatsRequest())))) {
            if case let .flow(part) = reply.body { flows += part }
        }
        return flows
    }

    // MARK: flow state

    /// Makes `table` the complete set of our flows on the switch: now if it
    /// is connected (the report says what was sent), else on its next connect.
    /// Groups and meters are left alone.
    @discardableResult
    public func setFlows(_ table: FlowTable, on datapathID: UInt64) async throws -> FlowSyncReport {
        try await setTables(SwitchTables(flows: table), on: datapathID)
    }

    /// Makes `tables` the complete set of our flows, groups and meters on the
    /// switch, now if it is connected, else on its next connect.
    @discardableResult
    public func setTables(_ tables: SwitchTables, on datapathID: UInt64) async throws -> FlowSyncReport {
        wanted[datapathID] = tables
        guard switches[datapathID] != nil else { throw OpenFlowRequestError.notConnected }
        return try await synchronise(datapathID).value
    }

    /// The groups the switch holds now (group-desc multipart).
    public func installedGroups(on datapathID: UInt64) async throws -> [GroupEntry] {
        try await Self.installedGroups(try handle(datapathID))
    }

    /// The meters the switch holds now (meter-config multipart, all meters).
    public func installedMeters(on datapathID: UInt64) async throws -> [MeterEntry] {
        try await Self.installedMeters(try handle(datapathID))
    }

    private static func installedGroups(_ handle: SwitchHandle) async throws -> [GroupEntry] {
        var groups: [GroupEntry] = []
        for case let .multipartReply(reply) in try await handle.request(.multipartRequest(MultipartRequest(.groupDesc))) {
            if case let .groupDesc(part) = reply.body { groups += part.map(GroupEntry.init) }
        }
        return groups
    }

    private static func installedMeters(_ handle: SwitchHandle) async throws -> [MeterEntry] {
        var meters: [MeterEntry] = []
        let all = MultipartRequest(.meterConfig(meterID: 0xffff_ffff))  // OFPM_ALL
        for case let .multipartReply(reply) in try await handle.request(.multipartRequest(all)) {
            if case let .meterConfig(part) = reply.body { meters += part.map(MeterEntry.init) }
        }
        return meters
    }

    /// Queues a reconciliation behind any running one for the same switch;
    /// each reads the wanted table when it starts, so the last one wins.
    private func synchronise(_ datapathID: UInt64) -> Task<FlowSyncReport, any Error> {
        let previous = syncs[datapathID]
        let task = Task { [weak self] () async throws -> FlowSyncReport in
            _ = await previous?.result
            guard let self else { throw OpenFlowRequestError.notConnected }
            return try await self.reconcile(datapathID)
        }
        syncs[datapathID] = task
        return task
    }

    /// Three barrier-confirmed steps, so that nothing ever points at what is
    /// missing: groups and meters added or changed; then the flows; then the
    /// groups and meters no flow uses any more.
    private func reconcile(_ datapathID: UInt64) async throws -> FlowSyncReport {
        let started = ContinuousClock.now
        let handle = try handle(datapathID)
        let tables = wanted[datapathID] ?? SwitchTables()
        let installed = try await Self.installedFlows(handle).map(FlowEntry.init)
        let diff = FlowDiff(wanted: tables.flows, installed: installed, owner: configuration.cookieSpace)
        var groups: NumberedDiff<GroupEntry>?
        if let wantedGroups = tables.groups {
            groups = NumberedDiff(wanted: wantedGroups, installed: try await Self.installedGroups(handle),
                                  owner: configuration.groupSpace)
        }
        var meters: NumberedDiff<MeterEntry>?
        if let wantedMeters = tables.meters {
            meters = NumberedDiff(wanted: wantedMeters, installed: try await Self.installedMeters(handle),
                                  owner: configuration.meterSpace)
        }
        let installs = (meters?.installs ?? []) + (groups?.installs ?? [])
        if !installs.isEmpty { try await handle.batch(installs) }
        if !diff.isEmpty { try await sendFlowMods(diff.flowMods, handle: handle, started: started) }
        let removals = (groups?.removals ?? []) + (meters?.removals ?? [])
        if !removals.isEmpty { try await handle.batch(removals) }
        let report = FlowSyncReport(datapathID: datapathID, added: diff.adds.count, modified: diff.modifies.count,
                                    deleted: diff.deletes.count,
                                    unchanged: tables.flows.count &- diff.adds.count &- diff.modifies.count,
                                    groups: groups?.changes ?? EntryChanges(), meters: meters?.changes ?? EntryChanges(),
                                    duration: ContinuousClock.now - started)
        logger.info("flows synchronised", metadata: ["dpid": "\(SwitchHandle.format(datapathID))", "added": "\(report.added)",
                                                     "modified": "\(report.modified)", "deleted": "\(report.deleted)",
                                                     "unchanged": "\(report.unchanged)", "groups": "\(report.groups)",
                                                     "meters": "\(report.meters)", "duration": "\(report.duration)"])
        emit(.flowsSynced(report))
        // Counted here, at the edge; no-ops unless the daemon bootstrapped metrics.
        let dpid = SwitchHandle.format(datapathID)
        Counter(label: "openflow_flow_mods_sent_total", dimensions: [("dpid", dpid)]).increment(by: report.flowModsSent)
        for (change, n) in [("add", report.added), ("modify", report.modified), ("delete", report.deleted)] where n > 0 {
            Counter(label: "openflow_reconcile_changes_total", dimensions: [("dpid", dpid), ("change", change)]).increment(by: n)
        }
        Counter(label: "openflow_reconciles_total", dimensions: [("dpid", dpid)]).increment()
        return report
    }

    /// One barrier-confirmed batch; a large one in chunks with a progress
    /// line a second in the log (flow-mods confirmed / total).
    private func sendFlowMods(_ flowMods: [FlowMod], handle: SwitchHandle, started: ContinuousClock.Instant) async throws {
        guard ReconcileProgress.isLarge(flowMods.count) else {
            try await handle.batch(flowMods.map { .flowMod($0) })
            return
        }
        var progress = ReconcileProgress(total: flowMods.count, startedAt: started)
        for range in ReconcileProgress.chunks(flowMods.count) {
            try await handle.batch(flowMods[range].map { .flowMod($0) })
            if progress.confirmed(range.count, at: .now) {
                logger.info("flows sending", metadata: ["dpid": "\(SwitchHandle.format(handle.datapathID))",
                                                        "flow-mods": "\(progress.description)"])
            }
        }
    }

    private func emit(_ event: SwitchEvent) {
        if case .dropped = eventSink.yield(event) { hub.count { $0.switchEventsDropped &+= 1 } }
    }

    private func process(_ command: ControllerHub.Command) {
        switch command {
        case let .up(handle, info):
            if let old = switches[handle.datapathID], old.connectionID != handle.connectionID {
                // A datapath connecting twice: the newer connection wins.
                old.stop()
            }
            switches[handle.datapathID] = handle
            emit(.up(info))
            if wanted[handle.datapathID] != nil {
                let sync = synchronise(handle.datapathID)
                Task { [weak self] in
                    if case let .failure(error) = await sync.result {
                        await self?.emit(.flowSyncFailed(datapathID: handle.datapathID, error: "\(error)"))
                    }
                }
            }
        case let .down(handle, reason):
            guard switches[handle.datapathID]?.connectionID == handle.connectionID else { return }
            switches[handle.datapathID] = nil
            emit(.down(datapathID: handle.datapathID, reason: reason))
        case let .event(event):
            emit(event)
        }
    }
}
