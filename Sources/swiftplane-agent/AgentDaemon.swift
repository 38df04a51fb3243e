import Agent
import AgentConfiguration
import BGP
import BGPSpeaker
import ConfigurationReader
import BMPClient
import Foundation
import Logging
import Metrics
import OVSDB
import OVSDBClient
import OpenFlow
import OpenFlowController
import Overlay

/// The agent's I/O: the OpenFlow controller, the BGP speaker, OVSDB, the
/// state file and the clock on the outside, `AgentStateMachine` inside. Each
/// event goes to the machine; the daemon runs the effects it returns
/// (flows to push, packet-outs, routes to advertise, notices to log and
/// count) and nothing else.
actor AgentDaemon {
    var configuration: AgentConfiguration
    var machine: AgentStateMachine
    let controller: OpenFlowController
    let logger: Logger
    /// A push of flow changes is under way; another was asked for meanwhile.
    private var pushing = false
    private var pushAgain = false
    /// FLOW_MODs sent since the C heap was last trimmed (`HeapTrim`).
    private var flowModsSinceTrim = 0
    /// The BGP client of the route reflectors; nil when none is configured.
    let speaker: Speaker?
    /// Reports the speaker to a BMP collector, when `bmp:` names one.
    private var bmpClient: BMPClient?
    /// Each connected switch's handshake and when it finished (for `/switches`).
    var switchInfo: [DatapathID: (info: SwitchInfo, since: Date)] = [:]
    /// Counted at this edge: packet-ins per reason, answers, errors per kind.
    let metrics = AgentMetrics()
    /// Why ports were last left out, per bridge (logged when a reason appears).
    var ignoredPorts: [String: Set<String>] = [:]
    /// The tenant ports OVSDB last reported, per bridge.
    var attached: [String: [AttachedPort]] = [:]
    /// One per bridge read from OVSDB, started with the controller.
    private var databaseTasks: [Task<Void, Never>] = []
    /// The last OVSDB snapshot of each bridge read from OVSDB.
    private var replicas: [String: OVSDBReplica] = [:]
    /// Refused gleaned claims already logged.
    private var loggedClaims: Set<String> = []
    /// For `/healthz`: why a bridge's OVSDB is not followed now (absent: in sync).
    var databaseProblem: [String: String] = [:]
    /// For `/healthz`: a switch whose last reconcile failed, and why.
    var syncProblem: [DatapathID: String] = [:]

    /// The machine's parts the views read.
    /// Since when each configured, OVSDB and remote MAC is as it is (`evpn macs`).
    var ages: MACAges
    let started: ContinuousClock.Instant
    var core: AgentCore { machine.core }
    var deferral: SelectionDeferral { machine.deferral }
    var bridgeOf: [DatapathID: String] { machine.binding.bridgeOf }

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
        var core = AgentCore(settings: configuration.coreSettings)
        let startedAt = ContinuousClock.now
        var macAges = MACAges()
        for (bridge, snapshot) in configuration.staticPorts {
            core.setPorts(snapshot, bridge: bridge)
            macAges.stamp(bridge, snapshot, at: startedAt)
        }
        started = startedAt
        ages = macAges
        let deferral = SelectionDeferral(
            bridgesFromDatabase: Set(configuration.bridges.filter { $0.ovsdb != nil }.map(\.name)),
            waitsForRoutes: !configuration.routeReflectors.isEmpty,
            localWait: .seconds(5), routesWait: .seconds(Int(configuration.gracefulRestart.selectionDeferralTime)))
        machine = AgentStateMachine(core: core, bridges: configuration.bridgeIdentities, deferral: deferral,
                                    advertises: !configuration.routeReflectors.isEmpty, startedAt: .now)
        speaker = configuration.routeReflectors.isEmpty ? nil
            : Speaker(configuration.speakerConfiguration, logger: Logger(label: "swiftplane-agent.bgp"))
    }

    /// Feeds one event to the machine and runs what it returns.
    func handle(_ event: AgentStateMachine.Event) async {
        let now = ContinuousClock.now
        ages.observe(event, at: now)
        await run(machine.handle(event, at: now))
        if ages.needsPrune { ages.prune(remoteMACs: Set(core.remoteEndpoints.map(\.mac))) }
    }

    /// Runs the machine's effects, in order.
    private func run(_ effects: [AgentStateMachine.Effect]) async {
        for effect in effects {
            switch effect {
            case .pushFlows:
                await pushFlows()
            case let .packetOut(dpid, reply):
                do {
                    try await controller.packetOut(reply, on: dpid)
                    metrics.answered(reply)
                } catch {
                    metrics.error("packet_out")
                    logger.warning("packet-out failed", metadata: ["dpid": "\(dpid)", "error": "\(error)"])
                }
            case let .advertise(paths):
                guard let speaker else { continue }
                // The machine hands over only a changed set; the speaker's RIB diffs it again by route.
                await speaker.originate(BGPRoutes.originated(paths).merging(BGPRoutes.membership(configuration)) { own, _ in own })
            case .dialReflectors:
                await speaker?.reconfigureNeighbors(configuration.reflectorNeighbors)
            case let .saveLearnedState(withSilences):
                saveLearned(withSilences: withSilences)
            case let .notice(notice):
                report(notice)
            }
        }
    }

    /// Logs and counts what the machine noticed.
    private func report(_ notice: AgentStateMachine.Notice) {
        switch notice {
        case let .switchUp(dpid, bridge):
            metrics.switchUp(dpid.description)
            logger.info("switch up", metadata: ["dpid": "\(dpid)", "bridge": "\(bridge)",
                                                "peer": "\(switchInfo[dpid].map { "\($0.info.peer)" } ?? "-")"])
        case let .switchUnmatched(dpid, awaitingDatabase):
            let meta: Logger.Metadata = ["dpid": "\(dpid)", "peer": "\(switchInfo[dpid].map { "\($0.info.peer)" } ?? "-")"]
            if awaitingDatabase {
                logger.info("switch waits for OVSDB to report which bridge it is", metadata: meta)
            } else {
                logger.warning("switch matches no configured bridge (set bridges[].datapath-id, or ovsdb to read it)", metadata: meta)
            }
        case let .switchRebound(dpid, bridge):
            if let bridge {
                logger.info("switch matched to a bridge", metadata: ["dpid": "\(dpid)", "bridge": "\(bridge)"])
            } else {
                logger.warning("switch matches no configured bridge any more; its flows are left as they are",
                               metadata: ["dpid": "\(dpid)"])
            }
        case let .datapathMismatch(bridge, reported, configured):
            logger.warning("OVSDB reports another datapath id than the configured one; the configured one is used",
                           metadata: ["bridge": "\(bridge)", "ovsdb": "\(reported)", "configured": "\(configured)"])
        case let .tunnelRefused(bridge, problem):
            metrics.error("vxlan_port")
            logger.warning("VXLAN port refused: no tunnel flows on this bridge until OVSDB shows it fixed",
                           metadata: ["bridge": "\(bridge)", "problem": "\(problem)"])
        case let .tunnelVerified(bridge, port):
            logger.info("VXLAN port verified: tunnel flows on", metadata: ["bridge": "\(bridge)", "vxlan-port": "\(port)"])
        case let .gleaned(bridge, endpoint):
            logger.info("endpoint gleaned", metadata: ["bridge": "\(bridge)", "endpoint": "\(endpoint)"])
        case let .gleanedDropped(bridge, reason):
            metrics.error("gleaned_dropped")
            logger.warning("gleaned endpoint dropped: its port is not in its VNI", metadata: ["bridge": "\(bridge)", "reason": "\(reason)"])
        case let .claimRefused(refusal):
            // Counted each time, logged once: a host that keeps claiming another's address would fill the log.
            metrics.error("gleaned_claim_refused")
            guard loggedClaims.insert(refusal).inserted else { return }
            if loggedClaims.count > 10_000 { loggedClaims = [refusal] }
            logger.warning("gleaned address claim refused: another local endpoint holds the address", metadata: ["claim": "\(refusal)"])
        case let .gleansRefused(count, reasons):
            metrics.error("glean_refused", count: count)
            for reason in reasons { logger.warning("source not gleaned", metadata: ["reason": "\(reason)"]) }
        case let .routeRefused(refusal):
            metrics.error("route_refused")
            logger.warning("received route not imported", metadata: ["route": "\(refusal.route)", "reason": "\(refusal.reason)"])
        case let .frozen(frozen):
            logger.warning("duplicate MAC frozen (RFC 7432 section 15.1): its routes stay as they are until a reload",
                           metadata: ["vni": "\(frozen.key.vni)", "mac": "\(frozen.key.mac)", "moves": "\(frozen.moves)",
                                      "sequence": "\(frozen.sequence)"])
        case let .thawed(keys):
            guard !keys.isEmpty else { return }
            logger.notice("duplicate MACs cleared by the operator", metadata: ["macs": "\(keys.map { "\($0.mac)/\($0.vni)" }.joined(separator: ", "))"])
        case let .expired(endpoint):
            logger.info("gleaned endpoint expired", metadata: ["endpoint": "\(endpoint)"])
        case let .advertising(routes):
            logger.info("local endpoints known: advertising", metadata: ["routes": "\(routes)"])
        case let .settled(reason, switches):
            logger.info("initial state complete: reconciling the switches",
                        metadata: ["reason": "\(reason?.rawValue ?? "")", "switches": "\(switches)"])
        }
    }

    /// Takes back what the agent had gleaned before it stopped, so its first
    /// End-of-RIB and its first reconcile keep those endpoints.
    private func restoreLearned(from file: LearnedStateFile) async {
        do {
            guard let state = try file.load() else {
                logger.info("no state file yet: nothing gleaned to restore", metadata: ["file": "\(file.path)"])
                return
            }
            // `savedAt` is checked to be a time (LearnedState.savedAtRange); a clock set back counts as no time away.
            let away = state.savedAt.map { min(max(0, Date().timeIntervalSince1970 - $0), LearnedState.silentSecondsRange.upperBound) } ?? 0
            let report = machine.restoreLearned(state, downtime: .milliseconds(Int64(away * 1000)), at: .now)
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
            // at OVSDB's first report for the others.
            for bridge in configuration.bridges where bridge.ovsdb == nil { await applyPorts(bridge.name) }
        } catch {
            metrics.error("state_file")
            logger.warning("state file unreadable: starting without it; it is written again at the next change",
                           metadata: ["error": "\(error)"])
        }
    }

    /// Writes the learned state (`withSilences`: also when only the
    /// endpoints' silences changed: the expiry tick, the stop).
    private func saveLearned(withSilences: Bool) {
        guard let path = configuration.stateFile else { return }
        let content = machine.core.learnedContent
        var state = machine.core.learnedState(at: .now)
        state.savedAt = Date().timeIntervalSince1970
        do {
            try LearnedStateFile(path: path).save(state)
            machine.learnedStateSaved(content)
        } catch {
            metrics.error("state_file")
            logger.error("state file not written", metadata: ["error": "\(error)"])
        }
    }

    /// Listens on the configured address (throws when it cannot).
    func start() async throws {
        // Before any switch or reflector is heard: the first reconcile and End-of-RIB include them.
        if let path = configuration.stateFile { await restoreLearned(from: LearnedStateFile(path: path)) }
        // The controller keeps digests of what it installed; the whole table comes from here.
        await controller.setWantedFlowSource { [weak self] datapathID in await self?.givenFlows(datapathID) }
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
        // Before the speaker starts: the collector hears of every session from its first.
        if let speaker, let collector = configuration.bmp { bmpClient = await monitor(speaker, to: collector) }
        // Listens now (a bad address fails the start); dials the reflectors later.
        do { _ = try await speaker?.start() } catch {
            throw ListenError(what: "BGP listener", address: HostPort.text(host: configuration.bgpHost, port: configuration.bgpPort), underlying: error)
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
        saveLearned(withSilences: true)
        await controller.stop()
        await speaker?.shutdown(graceful: configuration.gracefulRestart.enabled)
        // After the speaker: its Peer Downs go before the Termination.
        await bmpClient?.stop()
    }

    /// Ticks the start-up deferral (`SelectionDeferral`) until the switches
    /// may be programmed: the machine dials the reflectors once the local
    /// endpoints are known, and reconciles once the routes are.
    private func settle() async {
        while !machine.deferral.mayProgramSwitches, !Task.isCancelled {
            let routesReceived = machine.reflectorsDialled ? await speaker?.initialRoutesReceived() ?? false : false
            await handle(.startupTick(routesReceived: routesReceived))
            if machine.deferral.mayProgramSwitches { return }
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
            let tenantsChanged = next.coreSettings.tenants.map(\.instance) != machine.core.settings.tenants.map(\.instance)
                || next.vtep != machine.core.settings.vtep
            configuration = next
            // New tenants or VTEP: the received routes are imported again.
            var received: [EVPNPath]?
            if tenantsChanged, let speaker { received = BGPRoutes.received(await speaker.receivedBestRoutes()) }
            let bridges = next.bridges.map(\.name)
            let ports = Dictionary(bridges.map { ($0, portSnapshot($0)) }, uniquingKeysWith: { first, _ in first })
            let problems = Dictionary(bridges.compactMap { bridge in tunnelProblem(bridge).map { (bridge, $0) } },
                                      uniquingKeysWith: { first, _ in first })
            await handle(.reconfigured(next.coreSettings, bridges: next.bridgeIdentities, ports: ports, tunnelProblems: problems,
                                       received: received))
            logger.info("configuration reloaded", metadata: ["file": "\(path)"])
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
                let (ports, errors) = replica.attachedPorts
                for error in errors where error.bridge == bridge {
                    metrics.error("ovsdb_port")
                    logger.warning("OVSDB port ignored", metadata: ["error": "\(error)"])
                }
                attached[bridge] = ports.filter { $0.bridge == bridge }
                replicas[bridge] = replica
                await handle(.databaseRead(bridge: bridge, datapathID: replica.datapathID(ofBridge: bridge).flatMap { DatapathID($0) },
                                           ports: portSnapshot(bridge), tunnelProblem: tunnelProblem(bridge)))
            case let .disconnected(reason):
                // Ports stay as last seen: the flows are kept while OVSDB is
                // away. The client logs each attempt itself; the health
                // watch warns, with backoff, while it lasts.
                databaseProblem[bridge] = "disconnected: \(reason)"
                logger.debug("OVSDB disconnected", metadata: ["bridge": "\(bridge)", "reason": "\(reason)"])
            }
        }
    }

    /// A bridge's ports (configuration and OVSDB) given to the machine again.
    private func applyPorts(_ bridge: String) async {
        await handle(.portsChanged(bridge: bridge, ports: portSnapshot(bridge), tunnelProblem: tunnelProblem(bridge)))
    }

    /// The bridge's ports as the core sees them; each reason a port is left
    /// out is logged once while it lasts (OVSDB reports every change of any port).
    private func portSnapshot(_ bridge: String) -> AgentCore.PortSnapshot {
        let (snapshot, ignored) = configuration.ports(bridge: bridge, attached: attached[bridge] ?? [])
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
        return snapshot
    }

    /// What is wrong with the bridge's VXLAN port as OVSDB shows it; nil
    /// when it is right, or cannot be verified: a bridge without `ovsdb` is
    /// trusted, and so is one until OVSDB first reports it (the switches are
    /// programmed only after that report or 5 s, `SelectionDeferral`, and an
    /// ovsdb-server that is down at a restart must not take the tunnel away).
    private func tunnelProblem(_ bridge: String) -> String? {
        guard let settings = configuration.bridges.first(where: { $0.name == bridge }), settings.ovsdb != nil else { return nil }
        return replicas[bridge]?.tunnelPortProblem(bridge: bridge, ofport: settings.vxlanPort,
                                                    localIP: "\(configuration.vtep)")?.description
    }

    /// Lines logged for one cause at once (a bad state file may hold millions of entries).
    static let loggedPerCause = 100

    private func serveEvents() async {
        for await event in controller.events {
            switch event {
            case let .up(info):
                switchInfo[info.datapathID] = (info, Date())
                await handle(.switchConnected(datapathID: info.datapathID))
            case let .down(dpid, reason):
                switchInfo[dpid] = nil
                syncProblem[dpid] = nil
                await handle(.switchDisconnected(datapathID: dpid))
                logger.info("switch down", metadata: ["dpid": "\(dpid)", "reason": "\(reason)"])
            case let .portStatus(dpid, status):
                // Keep /switches' port list current.
                guard var entry = switchInfo[dpid] else { continue }
                entry.info.ports.removeAll { $0.portNo == status.port.portNo }
                if status.reason != .delete { entry.info.ports.append(status.port) }
                switchInfo[dpid] = entry
            case let .flowSyncFailed(dpid, error):
                // The controller reconciles again on the next connect.
                metrics.error("flow_sync")
                syncProblem[dpid] = "\(error)"
                logger.error("flow sync failed", metadata: ["dpid": "\(dpid)", "error": "\(error)"])
            case .flowRejected:
                metrics.error("flow_rejected")
            case .duplicateDatapath:
                // The controller logged which connection kept the datapath id.
                metrics.error("duplicate_datapath")
            case let .flowsSynced(report):
                syncProblem[report.datapathID] = nil
                // A reconcile from the switch's tables, or a large change, is worth a line; one endpoint's change is routine.
                var metadata: Logger.Metadata = [
                    "dpid": "\(report.datapathID)", "bridge": "\(bridgeOf[report.datapathID] ?? "-")",
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
                // A read of the switch held its dump and the whole table for a moment.
                if report.readSwitch { flowModsSinceTrim += report.unchanged }
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
            guard bridgeOf[event.datapathID] != nil else { continue }
            metrics.packetIn(event.packetIn)
            await handle(.packetIn(datapathID: event.datapathID, event.packetIn))
        }
    }

    /// Gleaned endpoints that stay silent expire: the switch forwards known
    /// sources without a packet-in, so their source flows' counters, read at
    /// each tick, count as being seen.
    private func expireGleaned(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            for dpid in bridgeOf.keys.sorted() {
                guard let flows = try? await controller.installedFlows(on: dpid, table: Pipeline.Table.source) else { continue }
                await handle(.sourceStatistics(datapathID: dpid, flows))
            }
            await handle(.expiryTick)
        }
    }

    /// Routes received from the reflectors become remote endpoints.
    private func followRoutes(_ speaker: Speaker) async {
        for await _ in speaker.bestRoutesChanged {
            let changes = BGPRoutes.changes(await speaker.takeReceivedBestChanges())
            guard !changes.isEmpty else { continue }
            logger.debug("routes received", metadata: ["changed": "\(changes.count)"])
            await handle(.routesChanged(changes))
        }
    }

    /// Hands the switches what changed since the last push. One push at a
    /// time, in order; what arrives during one is taken by the next.
    private func pushFlows() async {
        if pushing {
            pushAgain = true
            return
        }
        pushing = true
        defer { pushing = false }
        repeat {
            pushAgain = false
            for work in machine.takeFlowWork() {
                switch work {
                case let .update(dpid, update):
                    await controller.update(update.flows, groups: update.groups, meters: update.meters, on: dpid)
                case let .replace(dpid, bridge, tables):
                    logger.info("switch given its bridge's table", metadata: ["dpid": "\(dpid)", "bridge": "\(bridge)",
                                                                              "flows": "\(tables.flows.count)"])
                    await controller.replaceTables(tables, on: dpid)
                }
            }
        } while pushAgain
    }

    /// A switch's whole table as it was given, for the controller to
    /// compare with the switch's dump.
    func givenFlows(_ dpid: DatapathID) -> FlowTable? { machine.givenTables(datapathID: dpid)?.flows }
}
