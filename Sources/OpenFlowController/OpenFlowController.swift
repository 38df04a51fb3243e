import Logging
import Metrics
import NIOConcurrencyHelpers
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
        /// How often every switch's real tables are read and compared with
        /// what was installed (one switch at a time, spread over the
        /// interval); drift is repaired and counted. Nil: only after a (re)connect.
        public var auditInterval: Duration? = nil
        /// Send each batch of more than one FLOW_MOD as one bundle (ONF
        /// extension 230): applied all at once, so no packet sees half a
        /// change, and several times faster on Open vSwitch than the same
        /// FLOW_MODs one by one. A switch that refuses bundles gets plain
        /// batches from then on, until it reconnects.
        public var bundles = true
        /// FLOW_MODs per barrier-confirmed batch (at most two batches are in
        /// flight): a large change goes in several, and a change that arrives
        /// meanwhile waits for two barriers at most, about 0.2 s of Open
        /// vSwitch's work at 5,000 (0.7 s at 20,000). A 100,000-endpoint
        /// install takes the same time either way.
        public var flowModsPerBatch = 5_000

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
    private var switches: [DatapathID: SwitchHandle] = [:]
    /// Where each connected switch connected from (for the logs).
    private var peers: [DatapathID: String] = [:]
    /// Per switch, what is wanted on it and what it is known to hold.
    private var shadows: [DatapathID: SwitchShadow] = [:]
    /// Per switch, its worker while it has work.
    private var drains: [DatapathID: Task<FlowSyncReport, any Error>] = [:]
    /// Per switch, the wake-up for rejected FLOW_MODs' retry.
    private var retries: [DatapathID: Task<Void, Never>] = [:]
    /// Switches (this connection of each) that refused a bundle's OPEN: plain batches only.
    private var bundlesRefused: Set<Int> = []
    private var auditTask: Task<Void, Never>?
    /// Where the whole table wanted on a switch is read when the switch is
    /// read (nil: the controller keeps every switch's table itself).
    private var wantedFlowSource: WantedFlowSource?
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
        if let interval = configuration.auditInterval, interval > .zero {
            auditTask = Task { [weak self] in await self?.runAudits(every: interval) }
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
        for drain in drains.values { drain.cancel() }
        for retry in retries.values { retry.cancel() }
        auditTask?.cancel()
        switches.removeAll()
        hub.finish()
        eventSink.finish()
        await commandTask?.value
    }

    public var connectedSwitches: [DatapathID] { switches.keys.sorted() }

    public func handle(_ datapathID: DatapathID) throws -> SwitchHandle {
        guard let handle = switches[datapathID] else { throw OpenFlowRequestError.notConnected }
        return handle
    }

    // MARK: requests

    public func request(_ message: OpenFlowMessage, on datapathID: DatapathID) async throws -> [OpenFlowMessage] {
        try await handle(datapathID).request(message)
    }

    /// Sends the messages and confirms them with a barrier.
    public func batch(_ messages: [OpenFlowMessage], on datapathID: DatapathID) async throws {
        try await handle(datapathID).batch(messages)
    }

    /// Sends a PACKET_OUT; throws `.overloaded` (and counts it) when the
    /// switch's queue is full, instead of queueing without bound.
    public func packetOut(_ packetOut: PacketOut, on datapathID: DatapathID) async throws {
        guard try await handle(datapathID).send(.packetOut(packetOut)) else {
            hub.count { $0.packetOutsDropped &+= 1 }
            throw OpenFlowRequestError.overloaded
        }
    }

    /// The flows the switch holds now (flow stats of every table, or of one;
    /// with a cookie mask, only the flows whose cookie matches under it).
    public func installedFlows(on datapathID: DatapathID, table: UInt8 = FlowMod.allTables,
                               cookie: UInt64 = 0, cookieMask: UInt64 = 0) async throws -> [FlowStats] {
        try await Self.installedFlows(try handle(datapathID), table: table, cookie: cookie, cookieMask: cookieMask)
    }

    private static func installedFlows(_ handle: SwitchHandle, table: UInt8 = FlowMod.allTables,
                                       cookie: UInt64 = 0, cookieMask: UInt64 = 0) async throws -> [FlowStats] {
        var flows: [FlowStats] = []
        let request = MultipartRequest(.flow(FlowStatsRequest(tableID: table, cookie: cookie, cookieMask: cookieMask)))
        for case let .multipartReply(reply) in try await handle.request(.multipartRequest(request)) {
            if case let .flow(part) = reply.body { flows += part }
        }
        return flows
    }

    // MARK: flow state

    /// Makes `table` the complete set of our flows on the switch: now if it
    /// is connected (the report says what was sent), else on its next connect.
    /// Groups and meters are left alone.
    @discardableResult
    public func setFlows(_ table: FlowTable, on datapathID: DatapathID) async throws -> FlowSyncReport {
        try await setTables(SwitchTables(flows: table), on: datapathID)
    }

    /// Makes `tables` the complete set of our flows, groups and meters on the
    /// switch, now if it is connected, else on its next connect. A full
    /// comparison with what the switch is known to hold (no dump): for a
    /// first computation or a reload; a change goes through `update`.
    @discardableResult
    public func setTables(_ tables: SwitchTables, on datapathID: DatapathID) async throws -> FlowSyncReport {
        replaceTables(tables, on: datapathID)
        guard switches[datapathID] != nil else { throw OpenFlowRequestError.notConnected }
        return try await drain(datapathID).value
    }

    /// The whole flow table wanted on a switch, from the application, as it
    /// stands now; nil when it has none for it.
    public typealias WantedFlowSource = @Sendable (_ datapathID: DatapathID) async -> FlowTable?

    /// Where to read the whole flow table wanted on a switch when its dump
    /// must be compared with it (after a connect, for an audit). With a
    /// source, the controller keeps no copy of the flows it installed, only
    /// their digests; without one, it keeps each switch's table. Set it
    /// before giving any table.
    public func setWantedFlowSource(_ source: @escaping WantedFlowSource) {
        wantedFlowSource = source
        for datapathID in shadows.keys { shadows[datapathID]?.retained = nil }
    }

    /// Applies a change to the flows wanted on the switch (and sets its
    /// groups and meters, small tables compared whole; nil leaves them as
    /// they are) and returns at once: the switch's worker sends it, merged
    /// with whatever else arrives while a batch is in flight, and
    /// `flowsSynced` reports it. Before the switch connects, it is kept for
    /// the first reconciliation.
    public func update(_ changes: FlowChanges, groups: GroupTable? = nil, meters: MeterTable? = nil, on datapathID: DatapathID) {
        // In place: a copy of the shadow would cost the whole table.
        shadows[datapathID, default: SwitchShadow(owner: configuration.cookieSpace)].flows.apply(changes)
        if wantedFlowSource == nil {
            if shadows[datapathID]?.retained == nil { shadows[datapathID]?.retained = FlowTable() }
            shadows[datapathID]?.retained?.apply(changes)
        }
        if let groups { shadows[datapathID]?.groups.wanted = groups }
        if let meters { shadows[datapathID]?.meters.wanted = meters }
        shadows[datapathID]?.managed = true
        if switches[datapathID] != nil { _ = drain(datapathID) }
    }

    /// Makes `tables` the whole of what is wanted on the switch, like
    /// `setTables`, and returns at once (the worker sends the difference).
    public func replaceTables(_ tables: SwitchTables, on datapathID: DatapathID) {
        let previous = shadows[datapathID]?.retained
        shadows[datapathID, default: SwitchShadow(owner: configuration.cookieSpace)].flows.replaceWanted(with: tables.flows, previous: previous)
        if wantedFlowSource == nil { shadows[datapathID]?.retained = tables.flows }
        // Without the previous table, what to delete is known only from the switch.
        if shadows[datapathID]?.flows.isTrusted == false { shadows[datapathID]?.needsDump = true }
        shadows[datapathID]?.groups.wanted = tables.groups
        shadows[datapathID]?.meters.wanted = tables.meters
        shadows[datapathID]?.managed = true
        if switches[datapathID] != nil { _ = drain(datapathID) }
    }

    /// Reads the switch's real tables and repairs what differs from the
    /// shadow: a flow deleted or changed behind our back is put back, logged
    /// and counted (`swiftplane_flow_drift_total`). Returns the drift.
    @discardableResult
    public func audit(_ datapathID: DatapathID) async throws -> Int {
        guard switches[datapathID] != nil, shadows[datapathID]?.managed == true else { throw OpenFlowRequestError.notConnected }
        shadows[datapathID]?.needsDump = true
        shadows[datapathID]?.auditing = true
        return try await drain(datapathID).value.drift
    }

    /// How many flows are wanted on the switch (no copy of them).
    public func wantedFlowCount(on datapathID: DatapathID) -> Int { shadows[datapathID]?.flows.wantedCount ?? 0 }

    /// FLOW_MODs not yet confirmed on the switch (rejected ones included).
    public func pendingFlowCount(on datapathID: DatapathID) -> Int { shadows[datapathID]?.flows.pendingCount ?? 0 }

    /// The groups the switch holds now (group-desc multipart).
    public func installedGroups(on datapathID: DatapathID) async throws -> [GroupEntry] {
        try await Self.installedGroups(try handle(datapathID))
    }

    /// The meters the switch holds now (meter-config multipart, all meters).
    public func installedMeters(on datapathID: DatapathID) async throws -> [MeterEntry] {
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

    /// The whole table wanted on the switch: from the application's source,
    /// else the one kept here.
    private func wantedTable(_ datapathID: DatapathID) async -> FlowTable? {
        guard let source = wantedFlowSource else { return shadows[datapathID]?.retained ?? FlowTable() }
        return await source(datapathID)
    }

    /// The switch's worker: one per switch, started when there is work and
    /// ended when the switch holds what is wanted. Changes that arrive
    /// while it waits for a barrier join its next batch.
    private func drain(_ datapathID: DatapathID) -> Task<FlowSyncReport, any Error> {
        if let running = drains[datapathID] { return running }
        let task = Task { [weak self] () async throws -> FlowSyncReport in
            guard let self else { throw OpenFlowRequestError.notConnected }
            return try await self.runDrain(datapathID)
        }
        drains[datapathID] = task
        return task
    }

    /// Sends until the switch holds what is wanted: after a (re)connect or
    /// for an audit, reads its tables first; then groups and meters to add,
    /// the flows in barrier-confirmed batches, the groups and meters no flow
    /// uses any more.
    private func runDrain(_ datapathID: DatapathID) async throws -> FlowSyncReport {
        let started = ContinuousClock.now
        var report = FlowSyncReport(datapathID: datapathID, added: 0, modified: 0, deleted: 0, unchanged: 0)
        var dumped = false
        var progress: ReconcileProgress?
        /// The batch sent last, its barrier not yet back: the next batch is
        /// taken and sent meanwhile, so the switch applies one while this
        /// side prepares the other (the shadow keeps their keys apart).
        var sending: InFlightBatch?
        defer {
            drains[datapathID] = nil
            // A reconnect while this worker ran on the old connection: read the new one.
            if switches[datapathID] != nil, shadows[datapathID]?.needsDump == true {
                _ = drain(datapathID)
            } else {
                scheduleRetry(datapathID)
            }
        }
        do {
            while true {
                let handle = try handle(datapathID)
                // Never a copy of the shadow held across a change of it
                // (copy-on-write would copy the whole table): read, then change in place.
                guard shadows[datapathID] != nil else { break }
                if shadows[datapathID]?.needsDump == true {
                    // The batch in flight is recorded before the shadow is read again.
                    try await settle(&sending, into: &report, progress: &progress, on: datapathID)
                    guard shadows[datapathID] != nil else { break }
                    let auditing = shadows[datapathID]?.auditing ?? false
                    let dump = try await Self.installedFlows(handle).map(FlowEntry.init)
                    let groups = shadows[datapathID]?.groups.isManaged == true ? try await Self.installedGroups(handle) : nil
                    let meters = shadows[datapathID]?.meters.isManaged == true ? try await Self.installedMeters(handle) : nil
                    guard shadows[datapathID] != nil else { break }
                    shadows[datapathID]?.flows.startRecording()
                    let wanted = await wantedTable(datapathID)
                    guard shadows[datapathID] != nil else { break }
                    var drift = 0
                    if let wanted {
                        drift = shadows[datapathID]?.flows.reconcile(dump: dump, wanted: wanted, owner: configuration.cookieSpace) ?? 0
                    } else {
                        // Left untrusted: no flow is sent until the application gives the table.
                        shadows[datapathID]?.flows.stopRecording()
                        logger.warning("the application has no flow table for this switch yet; its flows are left as they are",
                                       metadata: ["dpid": "\(datapathID.description)"])
                    }
                    if let groups { shadows[datapathID]?.groups.reconcile(dump: groups) }
                    if let meters { shadows[datapathID]?.meters.reconcile(dump: meters) }
                    shadows[datapathID]?.needsDump = false
                    shadows[datapathID]?.auditing = false
                    dumped = true
                    if auditing { noteDrift(drift, on: datapathID) }
                    report.drift += drift
                    continue
                }
                let now = ContinuousClock.now
                // Groups and meters first, so no flow points at one missing.
                for kind in [NumberedKind.meters, .groups] {
                    guard let installs = shadows[datapathID]?.installs(kind, spaces: (configuration.groupSpace, configuration.meterSpace), at: now)
                    else { continue }
                    do {
                        try await handle.batch(installs.installMessages)
                        shadows[datapathID]?.confirmInstalls(kind, installs)
                        report.add(installs.installChanges, kind)
                    } catch let OpenFlowRequestError.batchRejected(errors) {
                        shadows[datapathID]?.rejectInstalls(kind, at: .now)
                        countRejections(errors.count, kind: kind == .meters ? "meter_mod" : "group_mod", on: datapathID)
                        logger.warning("switch refused \(kind == .meters ? "METER_MOD" : "GROUP_MOD")s; retried with backoff, flows go on",
                                       metadata: ["dpid": "\(datapathID.description)",
                                                  "errors": "\(OpenFlowRequestError.batchRejected(errors))"])
                    }
                }
                let pending = shadows[datapathID]?.flows.pendingCount ?? 0
                if let batch = shadows[datapathID]?.flows.nextBatch(limit: max(1, configuration.flowModsPerBatch), at: now) {
                    if progress == nil, ReconcileProgress.isLarge(pending) {
                        progress = ReconcileProgress(total: pending, startedAt: started)
                    }
                    let next = send(batch, to: handle, on: datapathID)
                    try await settle(&sending, into: &report, progress: &progress, on: datapathID)
                    sending = next
                    continue
                }
                if sending != nil {
                    try await settle(&sending, into: &report, progress: &progress, on: datapathID)
                    continue
                }
                // Groups and meters no flow uses any more, once the flows are right.
                var removedAny = false
                if shadows[datapathID]?.flows.pendingCount == 0 {
                    for kind in [NumberedKind.groups, .meters] {
                        guard let removals = shadows[datapathID]?.removals(kind, spaces: (configuration.groupSpace, configuration.meterSpace))
                        else { continue }
                        try await handle.batch(removals.removalMessages)
                        shadows[datapathID]?.confirmRemovals(kind, removals)
                        report.add(removals.removalChanges, kind)
                        removedAny = true
                    }
                }
                if !removedAny { break }
            }
        } catch {
            if switches[datapathID] == nil { shadows[datapathID]?.reconnected() }
            emit(.flowSyncFailed(datapathID: datapathID, error: "\(error)"))
            throw error
        }
        report.readSwitch = dumped
        // Wanted flows neither sent now nor still waiting (a refused one waits for its retry).
        let settled = (shadows[datapathID]?.flows.wantedCount ?? 0) - (shadows[datapathID]?.flows.pendingWantedCount ?? 0)
        report.unchanged = max(0, settled - report.added - report.modified)
        report.duration = ContinuousClock.now - started
        if dumped || report.flowModsSent > 0 || report.groups != EntryChanges() || report.meters != EntryChanges() {
            finish(report)
        }
        return report
    }

    private func finish(_ report: FlowSyncReport) {
        let dpid = report.datapathID.description
        let metadata: Logger.Metadata = [
            "dpid": "\(dpid)", "added": "\(report.added)", "modified": "\(report.modified)", "deleted": "\(report.deleted)",
            "unchanged": "\(report.unchanged)", "groups": "\(report.groups)", "meters": "\(report.meters)",
            "duration": "\(report.duration)"]
        // The application logs what it wants of it (`flowsSynced`); a change of a few flows is routine.
        logger.debug("flows synchronised", metadata: metadata)
        emit(.flowsSynced(report))
        // Counted here, at the edge; no-ops unless the daemon bootstrapped metrics.
        for (change, n) in [("add", report.added), ("modify", report.modified), ("delete", report.deleted)] where n > 0 {
            Counter(label: "openflow_reconcile_changes_total", dimensions: [("dpid", dpid), ("change", change)]).increment(by: n)
        }
        Counter(label: "openflow_reconciles_total", dimensions: [("dpid", dpid)]).increment()
    }

    private func flowModsCounter(_ datapathID: DatapathID) -> Counter {
        Counter(label: "openflow_flow_mods_sent_total", dimensions: [("dpid", datapathID.description)])
    }

    private func noteDrift(_ drift: Int, on datapathID: DatapathID) {
        let dpid = datapathID.description
        Counter(label: "swiftplane_flow_drift_total", dimensions: [("dpid", dpid)]).increment(by: drift)
        hub.count { $0.flowDrift &+= drift }
        if drift > 0 {
            logger.warning("audit: the switch's flows drifted from what was installed; repairing",
                           metadata: ["dpid": "\(dpid)", "flows": "\(drift)"])
        } else {
            logger.debug("audit: no drift", metadata: ["dpid": "\(dpid)"])
        }
    }

    private func countRejections(_ n: Int, kind: String, on datapathID: DatapathID) {
        Counter(label: "openflow_rejected_total", dimensions: [("dpid", datapathID.description), ("kind", kind)]).increment(by: n)
        hub.count { $0.rejectedMods &+= n }
    }

    /// A batch sent, and the task that yields the indices of its FLOW_MODs the switch refused.
    private typealias InFlightBatch = (batch: FlowShadow.Batch, rejected: Task<Set<Int>, any Error>)

    /// Waits for the batch in flight, then records what the switch took of it.
    private func settle(_ sending: inout InFlightBatch?,
                        into report: inout FlowSyncReport, progress: inout ReconcileProgress?,
                        on datapathID: DatapathID) async throws {
        guard let (batch, rejectedTask) = sending else { return }
        sending = nil
        let rejected = try await rejectedTask.value
        shadows[datapathID]?.flows.confirm(batch, rejected: rejected, at: .now)
        report.added += batch.applied(.add, rejected: rejected)
        report.modified += batch.applied(.modifyStrict, rejected: rejected)
        report.deleted += batch.applied(.deleteStrict, rejected: rejected)
        report.rejected += rejected.count
        flowModsCounter(datapathID).increment(by: batch.flowMods.count)
        if progress?.confirmed(batch.flowMods.count, at: .now) == true, let progress {
            logger.info("flows sending", metadata: ["dpid": "\(datapathID.description)",
                                                    "flow-mods": "\(progress.description)"])
        }
    }

    /// Hands `batch` to the switch now, so batches go out in the order they
    /// were taken; the task yields the indices of its FLOW_MODs the switch refused.
    private func send(_ batch: FlowShadow.Batch, to handle: SwitchHandle, on datapathID: DatapathID) -> InFlightBatch {
        let messages = batch.flowMods.map { OpenFlowMessage.flowMod($0) }
        let bundled = configuration.bundles && messages.count > 1 && !bundlesRefused.contains(handle.connectionID)
        let submitted = handle.submitBatch(messages, bundled: bundled)
        return (batch, Task { try await self.rejections(of: batch, submitted, bundled: bundled, handle: handle, on: datapathID) })
    }

    /// Waits for a batch sent (as one bundle when `bundled`); the indices
    /// of the FLOW_MODs the switch refused. A bundle the switch refused
    /// changed nothing: the same FLOW_MODs go again one by one (after any
    /// batch sent meanwhile), so each refusal is known by its FLOW_MOD (and
    /// a switch that does not know bundles, refusing the OPEN, gets plain
    /// batches from then on).
    private func rejections(of batch: FlowShadow.Batch, _ submitted: EventLoopFuture<[OpenFlowMessage]>, bundled: Bool,
                            handle: SwitchHandle, on datapathID: DatapathID) async throws -> Set<Int> {
        do {
            do {
                _ = try await submitted.get()
                if bundled { hub.count { $0.bundlesCommitted &+= 1 } }
            } catch let OpenFlowRequestError.batchRejected(errors) where bundled {
                hub.count { $0.bundlesRejected &+= 1 }
                if let refusal = errors.first(where: { $0.index < 0 }) {
                    bundlesRefused.insert(handle.connectionID)
                    logger.warning("switch refused bundles; its flow changes go as plain batches until it reconnects", metadata: [
                        "dpid": "\(handle.datapathID.description)", "error": "\(refusal.error.name)"])
                }
                try await handle.batch(batch.flowMods.map { OpenFlowMessage.flowMod($0) })
            }
            return []
        } catch let OpenFlowRequestError.batchRejected(errors) {
            reportRejectedFlows(batch, errors, on: datapathID)
            return Set(errors.map(\.index))
        }
    }

    private func reportRejectedFlows(_ batch: FlowShadow.Batch, _ errors: [BatchMemberError], on datapathID: DatapathID) {
        countRejections(errors.count, kind: "flow_mod", on: datapathID)
        for failure in errors.prefix(10) where failure.index < batch.members.count {
            let key = batch.members[failure.index].key
            logger.warning("switch refused a FLOW_MOD; not taken as installed, retried with backoff", metadata: [
                "dpid": "\(datapathID.description)", "flow": "\(key)",
                "error": "\(failure.error.name)"])
            emit(.flowRejected(datapathID: datapathID, key: key, error: failure.error))
        }
    }

    /// After a drain that left rejected FLOW_MODs waiting, wakes the worker when the first may be retried.
    private func scheduleRetry(_ datapathID: DatapathID) {
        guard let state = shadows[datapathID], switches[datapathID] != nil else { return }
        let next = [state.flows.nextRetry, state.groups.heldUntil, state.meters.heldUntil].compactMap { $0 }.min()
        guard let next, retries[datapathID] == nil else { return }
        retries[datapathID] = Task { [weak self] in
            try? await Task.sleep(until: next, clock: .continuous)
            await self?.retryDue(datapathID)
        }
    }

    private func retryDue(_ datapathID: DatapathID) {
        retries[datapathID] = nil
        guard switches[datapathID] != nil, shadows[datapathID] != nil else { return }
        _ = drain(datapathID)
    }

    /// Every `interval`, one switch's tables are read and compared, in turn,
    /// so the reads spread out and never all happen at once.
    private func runAudits(every interval: Duration) async {
        var turn = 0
        while !stopped {
            let ids = switches.keys.filter { shadows[$0]?.managed == true }.sorted()
            let pause = ids.isEmpty ? interval : interval / ids.count
            do { try await Task.sleep(for: pause) } catch { return }
            let now = switches.keys.filter { shadows[$0]?.managed == true }.sorted()
            guard !now.isEmpty else { continue }
            let id = now[turn % now.count]
            turn &+= 1
            _ = try? await audit(id)
        }
    }

    private func emit(_ event: SwitchEvent) {
        if case .dropped = eventSink.yield(event) { hub.count { $0.switchEventsDropped &+= 1 } }
    }

    /// How long a connected switch has to answer the ECHO_REQUEST that
    /// decides between it and a newcomer with its datapath id.
    static let duplicateProbeTimeout: Duration = .seconds(1)

    private func accept(_ handle: SwitchHandle, _ info: SwitchInfo) {
        switches[handle.datapathID] = handle
        peers[handle.datapathID] = info.peer
        emit(.up(info))
        shadows[handle.datapathID]?.reconnected()
        // The worker reports its own failure (`flowSyncFailed`).
        if shadows[handle.datapathID]?.managed == true { _ = drain(handle.datapathID) }
    }

    /// Two connections with one datapath id: the connected switch keeps it
    /// if it answers an echo (so whoever else can reach the listener cannot
    /// take a bridge over, nor two bridges with one id flap), else the
    /// newcomer replaces it (a switch that restarted while its old TCP
    /// connection was half-open need not wait for the echo timeout).
    private func settleDuplicate(old: SwitchHandle, new: SwitchHandle, info: SwitchInfo) async {
        let alive = await Self.answersEcho(old, within: Self.duplicateProbeTimeout)
        let dpid = new.datapathID.description
        guard new.channel.isActive else { return }  // the newcomer went meanwhile: its `down` was not ours to take
        guard let current = switches[new.datapathID], current.connectionID == old.connectionID else {
            // The first went meanwhile (or another newcomer replaced it): this one takes the place.
            logger.warning("switch connected with the datapath id of another connection, which has gone; it takes its place",
                           metadata: ["dpid": "\(dpid)", "peer": "\(info.peer)"])
            emit(.duplicateDatapath(datapathID: new.datapathID, peer: info.peer, keptFirst: false))
            accept(new, info)
            return
        }
        let first = peers[new.datapathID] ?? "-"
        // Logged before the event: whoever reads the event finds the line.
        if alive {
            logger.warning("second connection with a connected switch's datapath id closed: the connected switch answers",
                           metadata: ["dpid": "\(dpid)", "peer": "\(info.peer)", "connected-peer": "\(first)"])
            emit(.duplicateDatapath(datapathID: new.datapathID, peer: info.peer, keptFirst: alive))
            new.stop()
        } else {
            logger.warning("switch connected with the datapath id of a silent connection; the silent one is closed",
                           metadata: ["dpid": "\(dpid)", "peer": "\(info.peer)", "silent-peer": "\(first)"])
            emit(.duplicateDatapath(datapathID: new.datapathID, peer: info.peer, keptFirst: alive))
            old.stop()
            accept(new, info)
        }
    }

    /// Whether the switch answers an ECHO_REQUEST within `timeout` (a silent
    /// one's request stays pending until its connection closes).
    private static func answersEcho(_ handle: SwitchHandle, within timeout: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let pending = NIOLockedValueBox<CheckedContinuation<Bool, Never>?>(continuation)
            let finish: @Sendable (Bool) -> Void = { answered in
                pending.withLockedValue { waiting in
                    waiting?.resume(returning: answered)
                    waiting = nil
                }
            }
            Task { finish((try? await handle.request(.echoRequest(ByteBuffer()))) != nil) }
            Task {
                try? await Task.sleep(for: timeout)
                finish(false)
            }
        }
    }

    private func process(_ command: ControllerHub.Command) {
        switch command {
        case let .up(handle, info):
            if let old = switches[handle.datapathID], old.connectionID != handle.connectionID {
                hub.count { $0.duplicateDatapaths &+= 1 }
                Task { await self.settleDuplicate(old: old, new: handle, info: info) }
                return
            }
            accept(handle, info)
        case let .down(handle, reason):
            bundlesRefused.remove(handle.connectionID)
            guard switches[handle.datapathID]?.connectionID == handle.connectionID else { return }
            switches[handle.datapathID] = nil
            peers[handle.datapathID] = nil
            shadows[handle.datapathID]?.reconnected()
            emit(.down(datapathID: handle.datapathID, reason: reason))
        case let .event(event):
            emit(event)
        }
    }
}
