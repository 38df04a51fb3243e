import Agent
import AgentConfiguration
import BGP
import BGPSpeaker
import Foundation
import Logging
import Metrics
import OVSDB
import OpenFlow
import OpenFlowController
import Overlay

/// The agent's wiring: the OpenFlow controller on one side, `AgentCore` in
/// the middle. Every change of the core's state (ports, packet-in gleaning,
/// reload) recomputes each connected bridge's flows with `Pipeline` and hands
/// them to the controller, which sends only the difference.
actor AgentDaemon {
    var configuration: AgentConfiguration
    var core: AgentCore
    let controller: OpenFlowController
    let logger: Logger
    /// Connected switches and the bridge each one is (a switch that matches
    /// no bridge is in `switchInfo` only).
    var bridgeOf: [UInt64: String] = [:]
    /// The datapath id OVSDB reports for each bridge that has `ovsdb`.
    private var reportedDatapath: [String: UInt64] = [:]
    /// The switches given their bridge's whole table since they connected
    /// (or were matched to a bridge): from then on they get changes only.
    private var given: Set<UInt64> = []
    /// A push of flow changes is under way; another was asked for meanwhile.
    private var pushing = false
    private var pushAgain = false
    /// FLOW_MODs sent since the C heap was last trimmed (`HeapTrim`).
    private var flowModsSinceTrim = 0
    /// The source flows' packet counters at the last expiry check, per switch.
    private var sourceCounts: [UInt64: [EndpointKey: UInt64]] = [:]
    /// The BGP client of the route reflectors; nil when none is configured.
    let speaker: Speaker?
    /// What the speaker was last told to originate.
    private var originated: [NLRI: RouteAttributes] = [:]
    /// Each connected switch's handshake and when it finished (for `/switches`).
    var switchInfo: [UInt64: (info: SwitchInfo, since: Date)] = [:]
    /// Counted at this edge: packet-ins per reason, answers, errors per kind.
    let metrics = AgentMetrics()
    /// Why ports were last left out, per bridge (logged when a reason appears).
    var ignoredPorts: [String: Set<String>] = [:]
    /// The tenant ports OVSDB last reported, per bridge.
    var attached: [String: [AttachedPort]] = [:]
    /// Holds back advertising and reconciling after a start (no flow that is
    /// still right is removed by a restart).
    var deferral: SelectionDeferral
    private let startedAt = ContinuousClock.now
    /// One per bridge read from OVSDB, started with the controller.
    private var databaseTasks: [Task<Void, Never>] = []
    /// What the state file last received (times left out).
    private var savedLearned: AgentCore.LearnedContent?
    /// The last OVSDB snapshot of each bridge read from OVSDB.
    private var replicas: [String: OVSDBReplica] = [:]
    /// Why a bridge's VXLAN port is refused, per bridge read from OVSDB;
    /// absent: verified, not reported yet, or not verifiable (no `ovsdb`).
    /// While refused the bridge gets no tunnel flow (`TunnelRefusal`).
    private var tunnelProblems: [String: String] = [:]
    /// Refused gleaned claims already logged.
    private var loggedClaims: Set<String> = []
    /// For `/healthz`: why a bridge's OVSDB is not followed now (absent: in sync).
    var databaseProblem: [String: String] = [:]
    /// For `/healthz`: a switch whose last reconcile failed, and why.
    var syncProblem: [UInt64: String] = [:]

    init(configuration: AgentConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        var controllerConfiguration = OpenFlowController.Configuration()
        controllerConfiguration.listen = configuration.controllerListen
        controllerConfiguration.socketMode = configuration.controllerSocketMode
        controllerConfiguration.auditInterval = configuration.flowAuditInterval
        controllerConfiguration.tls = try configuration.controllerTLS.map {
            try ControllerTLS(certificate: $0.certificate, privateKey: $0.privateKey, caCertificate: $0.caCertificate)
        }
        controller = OpenFlowController(configuration: controllerConfiguration)
        core = AgentCore(settings: configuration.coreSettings)
        deferral = SelectionDeferral(
            bridgesFromDatabase: Set(configuration.bridges.filter { $0.ovsdb != nil }.map(\.name)),
            waitsForRoutes: !configuration.routeReflectors.isEmpty,
            localWait: .seconds(5), routesWait: .seconds(Int(configuration.gracefulRestart.selectionDeferralTime)))
        speaker = configuration.routeReflectors.isEmpty ? nil
            : Speaker(configuration.speakerConfiguration, logger: Logger(label: "swiftplane-agent.bgp"))
        for (bridge, snapshot) in configuration.staticPorts { core.setPorts(snapshot, bridge: bridge) }
    }

    /// Takes back what the agent had gleaned before it stopped, so its first
    /// End-of-RIB and its first reconcile keep those endpoints.
    private func restoreLearned(from file: LearnedStateFile) {
        do {
            guard let state = try file.load() else {
                logger.info("no state file yet: nothing gleaned to restore", metadata: ["file": "\(file.path)"])
                return
            }
            // `savedAt` is checked to be a time (LearnedState.savedAtRange); a clock set back counts as no time away.
            let away = state.savedAt.map { min(max(0, Date().timeIntervalSince1970 - $0), LearnedState.silentSecondsRange.upperBound) } ?? 0
            let report = core.restore(state, downtime: .milliseconds(Int64(away * 1000)), at: .now)
            logger.info("gleaned endpoints restored from the state file", metadata: [
                "file": "\(file.path)", "restored": "\(report.restored)", "left-out": "\(report.skipped.count)",
                "saved-seconds-ago": "\(Int64(away))"])
            for reason in report.skipped.prefix(Self.loggedPerCause) {
                logger.warning("state file entry left out", metadata: ["entry": "\(reason)"])
            }
            if report.skipped.count > Self.loggedPerCause {
                logger.warning("more state file entries left out", metadata: ["count": "\(report.skipped.count - Self.loggedPerCause)"])
            }
            // Checked against today's ports: now for bridges whose ports are all configured,
            // at OVSDB's first report for the others (`applyPorts`).
            for bridge in configuration.bridges where bridge.ovsdb == nil { applyPorts(bridge.name) }
            savedLearned = core.learnedContent
        } catch {
            metrics.error("state_file")
            logger.warning("state file unreadable: starting without it; it is written again at the next change",
                           metadata: ["error": "\(error)"])
        }
    }

    /// Writes the learned state when its endpoints changed, or with `times`
    /// also when only their silences did (the expiry tick, the stop).
    private func saveLearned(times: Bool = false) {
        guard let path = configuration.stateFile else { return }
        let content = core.learnedContent
        guard times || content != savedLearned else { return }
        var state = core.learnedState(at: .now)
        state.savedAt = Date().timeIntervalSince1970
        do {
            try LearnedStateFile(path: path).save(state)
            savedLearned = content
        } catch {
            metrics.error("state_file")
            logger.error("state file not written", metadata: ["error": "\(error)"])
        }
    }

    /// Listens on the configured address (throws when it cannot).
    func start() async throws {
        // Before any switch or reflector is heard: the first reconcile and End-of-RIB include them.
        if let path = configuration.stateFile { restoreLearned(from: LearnedStateFile(path: path)) }
        let listen = configuration.controllerListen
        let address: String
        do { address = "\(try await controller.start())" } catch {
            throw ListenError(what: "controller listener", address: "\(listen)", underlying: error)
        }
        logger.info("controller listening", metadata: [
            "address": "\(address)", "transport": "\(configuration.controllerTLS == nil ? listen.transport : "ssl")",
            "set-controller": "\(listen.switchTarget(tls: configuration.controllerTLS != nil))"])
        for bridge in configuration.bridges {
            guard let endpoint = bridge.ovsdb else { continue }
            let name = bridge.name
            databaseProblem[name] = "not connected yet (\(endpoint))"
            databaseTasks.append(Task { await self.followDatabase(endpoint, bridge: name) })
        }
        // Listens now (a bad address fails the start); dials the reflectors later.
        do { _ = try await speaker?.start() } catch {
            throw ListenError(what: "BGP listener", address: "\(configuration.bgpHost):\(configuration.bgpPort)", underlying: error)
        }
    }

    /// Serves switch events and packet-ins until the controller stops.
    func serve() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.serveEvents() }
            group.addTask { await self.servePacketIns() }
            group.addTask { await self.settle() }
            if let speaker {
                group.addTask { await self.followRoutes(speaker) }
            }
            if let expiry = configuration.gleanedExpiry {
                group.addTask { await self.expireGleaned(every: expiry / 4) }
            }
            for task in databaseTasks {
                group.addTask { await task.value }
            }
        }
    }

    /// Stops listening; flows stay on the switches. With graceful restart the
    /// BGP sessions end without NOTIFICATION, so the reflectors keep our
    /// routes (stale) and the other hosts keep forwarding to us meanwhile.
    func stop() async {
        saveLearned(times: true)
        await controller.stop()
        await speaker?.shutdown(graceful: configuration.gracefulRestart.enabled)
    }

    /// Walks `deferral` through its phases: dials the reflectors once the
    /// local endpoints are known, reconciles the switches once the routes are.
    private func settle() async {
        var dialled = false
        while !deferral.mayProgramSwitches, !Task.isCancelled {
            if deferral.mayAdvertise, !dialled, let speaker {
                dialled = true
                logger.info("local endpoints known: advertising", metadata: ["routes": "\(core.advertisements.count)"])
                await advertise()
                await speaker.reconfigureNeighbors(configuration.reflectorNeighbors)
            }
            // Before the reflectors are dialled, "every neighbour sent End-of-RIB" holds vacuously.
            let routesReceived = dialled ? await speaker?.initialRoutesReceived() ?? false : false
            if deferral.advance(elapsed: ContinuousClock.now - startedAt, routesReceived: routesReceived), deferral.mayProgramSwitches {
                logger.info("initial state complete: reconciling the switches",
                            metadata: ["reason": "\(deferral.reason?.rawValue ?? "")", "switches": "\(bridgeOf.count)"])
                await syncAll()
                return
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Reads and checks a configuration off the actor: a file with tens of
    /// thousands of endpoints takes a while, and the switches and BGP
    /// sessions must not wait for it.
    @concurrent
    private nonisolated static func load(_ path: String) async throws(ConfigurationError) -> AgentConfiguration {
        try AgentConfiguration.load(path: path)
    }

    /// SIGHUP: a new configuration replaces the old one; a bad file is
    /// logged and the running one kept.
    /// `overrides` puts back what the command line set over the file.
    func reload(path: String, overrides: @Sendable (inout AgentConfiguration) -> Void = { _ in }) async {
        do {
            var next = try await Self.load(path)
            overrides(&next)
            let ignored = configuration.restartOnlyChanges(in: next)
            if !ignored.isEmpty {
                logger.warning("configuration changes that need a restart are not applied; the running values stay",
                               metadata: ["settings": "\(ignored.joined(separator: ", "))"])
                next = next.keepingRestartOnlySettings(of: configuration)
            }
            let tenantsChanged = next.coreSettings.tenants.map(\.instance) != core.settings.tenants.map(\.instance)
                || next.vtep != core.settings.vtep
            configuration = next
            // New tenants or VTEP: the received routes are imported again.
            var received: [EVPNPath]?
            if tenantsChanged, let speaker { received = BGPRoutes.received(await speaker.receivedBestRoutes()) }
            core.reconfigure(next.coreSettings, received: received)
            // Reflectors added or removed; untouched sessions stay up.
            if deferral.mayAdvertise { await speaker?.reconfigureNeighbors(next.reflectorNeighbors) }
            for bridge in core.bridges { applyPorts(bridge) }
            rebind()
            logger.info("configuration reloaded", metadata: ["file": "\(path)"])
            await syncAll()
        } catch {
            logger.error("configuration reload refused", metadata: ["error": "\(error)"])
        }
    }

    /// Follows one bridge's ports in OVSDB (the client reconnects by itself).
    private func followDatabase(_ endpoint: OVSDBEndpoint, bridge: String) async {
        let client = OVSDBClient(endpoint: endpoint, logger: logger)
        for await event in client.events() {
            switch event {
            case let .synchronized(replica), let .changed(replica, _):
                databaseProblem[bridge] = nil
                deferral.bridgeSynchronized(bridge, elapsed: ContinuousClock.now - startedAt)
                noteDatapath(replica.datapathID(ofBridge: bridge), of: bridge)
                let (ports, errors) = replica.attachedPorts
                for error in errors where error.bridge == bridge {
                    metrics.error("ovsdb_port")
                    logger.warning("OVSDB port ignored", metadata: ["error": "\(error)"])
                }
                attached[bridge] = ports.filter { $0.bridge == bridge }
                replicas[bridge] = replica
                applyPorts(bridge)
                await syncAll()
            case let .disconnected(reason):
                // Ports stay as last seen: the flows are kept while OVSDB is
                // away. The client logs each attempt itself; the health
                // watch warns, with backoff, while it lasts.
                databaseProblem[bridge] = "disconnected: \(reason)"
                logger.debug("OVSDB disconnected", metadata: ["bridge": "\(bridge)", "reason": "\(reason)"])
            }
        }
    }

    /// A bridge's datapath id as OVSDB reports it: switches are matched to
    /// bridges by it when the configuration gives none.
    private func noteDatapath(_ datapath: UInt64?, of bridge: String) {
        guard reportedDatapath[bridge] != datapath else { return }
        reportedDatapath[bridge] = datapath
        if let datapath, let configured = configuration.bridges.first(where: { $0.name == bridge })?.datapathID, configured != datapath {
            logger.warning("OVSDB reports another datapath id than the configured one; the configured one is used",
                           metadata: ["bridge": "\(bridge)", "ovsdb": "\(hex(datapath))", "configured": "\(hex(configured))"])
        }
        rebind()
    }

    /// Matches every connected switch to its bridge again, after the
    /// configuration or a reported datapath id changed.
    private func rebind() {
        for dpid in switchInfo.keys.sorted() {
            let bridge = bridgeName(for: dpid)
            guard bridge != bridgeOf[dpid] else { continue }
            bridgeOf[dpid] = bridge
            given.remove(dpid)
            if let bridge {
                logger.info("switch matched to a bridge", metadata: ["dpid": "\(hex(dpid))", "bridge": "\(bridge)"])
            } else {
                logger.warning("switch matches no configured bridge any more; its flows are left as they are",
                               metadata: ["dpid": "\(hex(dpid))"])
            }
        }
    }

    private func applyPorts(_ bridge: String) {
        let (snapshot, ignored) = configuration.ports(bridge: bridge, attached: attached[bridge] ?? [])
        // Each reason once while it lasts: OVSDB reports every change of any port.
        let known = ignoredPorts[bridge] ?? []
        for reason in ignored where !known.contains(reason) {
            guard !reason.hasSuffix(AgentConfiguration.noOfportYet) else {
                logger.debug("port waits for its ofport", metadata: ["bridge": "\(bridge)", "reason": "\(reason)"])
                continue
            }
            metrics.error("port_ignored")
            logger.warning("port ignored", metadata: ["bridge": "\(bridge)", "reason": "\(reason)"])
        }
        ignoredPorts[bridge] = Set(ignored)
        core.setPorts(snapshot, bridge: bridge)
        logRefusedClaims()
        for reason in core.takeDroppedGleaned() {
            metrics.error("gleaned_dropped")
            logger.warning("gleaned endpoint dropped: its port is not in its VNI", metadata: ["bridge": "\(bridge)", "reason": "\(reason)"])
        }
        checkTunnelPort(bridge)
    }

    /// Each refused gleaned claim is counted; it is logged once (a host that
    /// keeps claiming another's address would fill the log).
    private func logRefusedClaims() {
        for refusal in core.takeRefusedClaims() {
            metrics.error("gleaned_claim_refused")
            guard loggedClaims.insert(refusal).inserted else { continue }
            if loggedClaims.count > 10_000 { loggedClaims = [refusal] }
            logger.warning("gleaned address claim refused: another local endpoint holds the address", metadata: ["claim": "\(refusal)"])
        }
    }

    /// Lines logged for one cause at once (a bad state file may hold millions of entries).
    static let loggedPerCause = 100

    /// Verifies the bridge's VXLAN port against OVSDB; when the verdict
    /// changes, says so and gives the bridge's switches their whole table
    /// again (with or without the tunnel). A bridge without `ovsdb` cannot
    /// be verified and is trusted, and so is one until OVSDB first reports
    /// it: the switches are programmed only after that report or 5 s
    /// (`SelectionDeferral`), and an ovsdb-server that is down at a restart
    /// must not take the tunnel flows away.
    private func checkTunnelPort(_ bridge: String) {
        guard let settings = configuration.bridges.first(where: { $0.name == bridge }), settings.ovsdb != nil else {
            tunnelProblems[bridge] = nil
            return
        }
        let problem = replicas[bridge]?.tunnelPortProblem(bridge: bridge, ofport: settings.vxlanPort,
                                                          localIP: "\(configuration.vtep)")?.description
        guard problem != tunnelProblems[bridge] else { return }
        tunnelProblems[bridge] = problem
        if let problem {
            metrics.error("vxlan_port")
            logger.warning("VXLAN port refused: no tunnel flows on this bridge until OVSDB shows it fixed",
                           metadata: ["bridge": "\(bridge)", "problem": "\(problem)"])
        } else {
            logger.info("VXLAN port verified: tunnel flows on", metadata: ["bridge": "\(bridge)", "vxlan-port": "\(settings.vxlanPort)"])
        }
        for (dpid, name) in bridgeOf where name == bridge { given.remove(dpid) }
    }

    /// The bridge's VXLAN ofport while it is refused (its tunnel flows are taken out), else nil.
    private func refusedTunnel(_ bridge: String) -> UInt32? {
        guard tunnelProblems[bridge] != nil else { return nil }
        return core.settings.vxlanPorts[bridge]
    }

    private func serveEvents() async {
        for await event in controller.events {
            switch event {
            case let .up(info):
                switchInfo[info.datapathID] = (info, Date())
                given.remove(info.datapathID)
                guard let bridge = bridgeName(for: info.datapathID) else {
                    let meta: Logger.Metadata = ["dpid": "\(hex(info.datapathID))", "peer": "\(info.peer)"]
                    if configuration.bridges.contains(where: { $0.datapathID == nil && $0.ovsdb != nil && reportedDatapath[$0.name] == nil }) {
                        // `rebind` matches it once OVSDB reports the bridges' ids.
                        logger.info("switch waits for OVSDB to report which bridge it is", metadata: meta)
                    } else {
                        logger.warning("switch matches no configured bridge (set bridges[].datapath-id, or ovsdb to read it)",
                                       metadata: meta)
                    }
                    continue
                }
                bridgeOf[info.datapathID] = bridge
                metrics.switchUp(hex(info.datapathID))
                logger.info("switch up", metadata: ["dpid": "\(hex(info.datapathID))", "bridge": "\(bridge)", "peer": "\(info.peer)"])
                await pushFlows()
            case let .down(dpid, reason):
                bridgeOf[dpid] = nil
                switchInfo[dpid] = nil
                given.remove(dpid)
                syncProblem[dpid] = nil
                logger.info("switch down", metadata: ["dpid": "\(hex(dpid))", "reason": "\(reason)"])
            case let .portStatus(dpid, status):
                // Keep /switches' port list current.
                guard var entry = switchInfo[dpid] else { continue }
                entry.info.ports.removeAll { $0.portNo == status.port.portNo }
                if status.reason != 1 { entry.info.ports.append(status.port) }  // 1: OFPPR_DELETE
                switchInfo[dpid] = entry
            case let .flowSyncFailed(dpid, error):
                // The controller reconciles again on the next connect.
                metrics.error("flow_sync")
                syncProblem[dpid] = "\(error)"
                logger.error("flow sync failed", metadata: ["dpid": "\(hex(dpid))", "error": "\(error)"])
            case .flowRejected:
                metrics.error("flow_rejected")
            case .duplicateDatapath:
                // The controller logged which connection kept the datapath id.
                metrics.error("duplicate_datapath")
            case let .flowsSynced(report):
                syncProblem[report.datapathID] = nil
                // A reconcile from the switch's tables, or a large change, is worth a line; one endpoint's change is routine.
                var metadata: Logger.Metadata = [
                    "dpid": "\(hex(report.datapathID))", "bridge": "\(bridgeOf[report.datapathID] ?? "-")",
                    "added": "\(report.added)", "modified": "\(report.modified)", "deleted": "\(report.deleted)",
                    "unchanged": "\(report.unchanged)", "groups": "\(report.groups)", "meters": "\(report.meters)",
                    "duration": "\(report.duration)"]
                if report.rejected > 0 { metadata["rejected"] = "\(report.rejected)" }
                if report.readSwitch { metadata["read-switch"] = "true" }
                if report.readSwitch || report.flowModsSent >= 100 || report.rejected > 0 {
                    logger.info("flows synced", metadata: metadata)
                } else {
                    logger.debug("flows synced", metadata: metadata)
                }
                flowModsSinceTrim += report.flowModsSent
                if flowModsSinceTrim >= HeapTrim.threshold {
                    flowModsSinceTrim = 0
                    HeapTrim.run()
                }
            default:
                break
            }
        }
    }

    private func servePacketIns() async {
        for await event in controller.packetIns {
            guard let bridge = bridgeOf[event.datapathID] else { continue }
            metrics.packetIn(event.packetIn)
            let outcome = core.handlePacketIn(event.packetIn, bridge: bridge, at: .now)
            logRefusedClaims()
            if let learned = outcome.learned {
                logger.info("endpoint gleaned", metadata: ["bridge": "\(bridge)", "endpoint": "\(learned)"])
            }
            if let reply = outcome.reply {
                do {
                    try await controller.packetOut(reply, on: event.datapathID)
                    metrics.answered(reply)
                } catch {
                    metrics.error("packet_out")
                    logger.warning("packet-out failed", metadata: ["dpid": "\(hex(event.datapathID))", "error": "\(error)"])
                }
            }
            if outcome.changed { await syncAll() }
        }
    }

    func syncAll() async {
        for frozen in core.takeNewlyFrozen() {
            logger.warning("duplicate MAC frozen (RFC 7432 section 15.1): its routes stay as they are until a reload",
                           metadata: ["vni": "\(frozen.key.vni)", "mac": "\(frozen.key.mac)", "moves": "\(frozen.moves)",
                                      "sequence": "\(frozen.sequence)"])
        }
        await pushFlows()
        await advertise()
        saveLearned()
    }

    /// Gleaned endpoints that stay silent expire: the switch forwards known
    /// sources without a packet-in, so their source flows' counters, read at
    /// each tick, count as being seen.
    private func expireGleaned(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            for (dpid, bridge) in bridgeOf.sorted(by: { $0.key < $1.key }) {
                guard let flows = try? await controller.installedFlows(on: dpid, table: Pipeline.Table.source) else { continue }
                let counts = SourceCounters.packets(flows)
                let active = SourceCounters.active(before: sourceCounts[dpid] ?? [:], now: counts)
                sourceCounts[dpid] = counts
                core.noteActivity(bridge: bridge, keys: active, at: .now)
            }
            let expired = core.expireSilent(at: .now)
            // With endpoints gone, syncAll writes the file (silences included).
            guard !expired.isEmpty else { saveLearned(times: true); continue }
            for endpoint in expired { logger.info("gleaned endpoint expired", metadata: ["endpoint": "\(endpoint)"]) }
            await syncAll()
        }
    }

    /// Routes received from the reflectors become remote endpoints.
    private func followRoutes(_ speaker: Speaker) async {
        for await _ in speaker.bestRoutesChanged {
            let changes = BGPRoutes.changes(await speaker.takeReceivedBestChanges())
            guard !changes.isEmpty else { continue }
            core.applyReceivedRoutes(changes, at: .now)
            for refusal in core.takeRefusedRoutes() {
                metrics.error("route_refused")
                logger.warning("received route not imported", metadata: ["route": "\(refusal.route)", "reason": "\(refusal.reason)"])
            }
            logger.debug("routes received", metadata: ["changed": "\(changes.count)"])
            await syncAll()
        }
    }

    /// Tells the speaker the routes the core wants advertised, when they changed.
    private func advertise() async {
        guard let speaker, deferral.mayAdvertise else { return }
        let wanted = BGPRoutes.originated(core.advertisements).merging(BGPRoutes.membership(configuration)) { own, _ in own }
        guard wanted != originated else { return }
        originated = wanted
        await speaker.originate(wanted)
    }

    /// Hands the switches what changed since the last push: a switch new to
    /// its bridge gets the whole table, the others only the changes. One
    /// push at a time, in order; what arrives during one is taken by the next.
    private func pushFlows() async {
        guard deferral.mayProgramSwitches else { return }
        if pushing {
            pushAgain = true
            return
        }
        pushing = true
        defer { pushing = false }
        repeat {
            pushAgain = false
            let updates = core.takeFlowUpdates()
            for (dpid, bridge) in bridgeOf.sorted(by: { $0.key < $1.key }) {
                if given.contains(dpid) {
                    guard var update = updates[bridge] else { continue }
                    if let port = refusedTunnel(bridge) { update = TunnelRefusal.update(update, vxlanPort: port) }
                    await controller.update(update.flows, groups: update.groups, meters: update.meters, on: dpid)
                } else if var tables = core.tables(bridge) {
                    if let port = refusedTunnel(bridge) { tables = TunnelRefusal.tables(tables, vxlanPort: port) }
                    given.insert(dpid)
                    logger.info("switch given its bridge's table", metadata: ["dpid": "\(hex(dpid))", "bridge": "\(bridge)",
                                                                              "flows": "\(tables.flows.count)"])
                    await controller.replaceTables(tables, on: dpid)
                }
            }
        } while pushAgain
    }

    func bridgeName(for dpid: UInt64) -> String? {
        configuration.bridge(forDatapath: dpid, reported: reportedDatapath)
    }

    func hex(_ dpid: UInt64) -> String {
        let digits = String(dpid, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}

extension AgentConfiguration {
    var coreSettings: AgentCore.Settings {
        AgentCore.Settings(
            vtep: vtep, routerID: routerID,
            tenants: tenants.map { AgentCore.Tenant(instance: $0.instance, ingressReplication: $0.flood == .ingressReplication) },
            vxlanPorts: Dictionary(bridges.map { ($0.name, $0.vxlanPort) }, uniquingKeysWith: { first, _ in first }),
            gleanedExpiry: gleanedExpiry, addressResolutionRate: addressResolutionRate,
            duplicateDetection: duplicateDetection)
    }

    /// The ports and endpoints the configuration fixes, per bridge.
    var staticPorts: [String: AgentCore.PortSnapshot] {
        var out: [String: AgentCore.PortSnapshot] = [:]
        for item in endpoints {
            guard case let .local(port) = item.endpoint.location else { continue }
            out[item.bridge, default: .init()].ports[port] = item.endpoint.vni
            out[item.bridge, default: .init()].endpoints.append(item.endpoint)
        }
        return out
    }
}
