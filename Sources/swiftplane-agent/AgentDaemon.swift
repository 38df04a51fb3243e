import Agent
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
    private let logger: Logger
    /// Connected switches and the bridge each one is.
    var bridgeOf: [UInt64: String] = [:]
    /// The last table handed to each switch, so an unchanged state sends nothing.
    var pushed: [UInt64: FlowTable] = [:]
    /// The BGP client of the route reflectors; nil when none is configured.
    let speaker: Speaker?
    /// What the speaker was last told to originate.
    private var originated: [NLRI: RouteAttributes] = [:]
    /// Each connected switch's handshake and when it finished (for `/switches`).
    var switchInfo: [UInt64: (info: SwitchInfo, since: Date)] = [:]
    /// Counted at this edge: packet-ins per reason, answers, errors per kind.
    let metrics = AgentMetrics()
    /// The tenant ports OVSDB last reported, per bridge.
    var attached: [String: [AttachedPort]] = [:]

    init(configuration: AgentConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var controllerConfiguration = OpenFlowController.Configuration()
        controllerConfiguration.host = configuration.controllerHost
        controllerConfiguration.port = configuration.controllerPort
        controller = OpenFlowController(configuration: controllerConfiguration)
        core = AgentCore(settings: configuration.coreSettings)
        speaker = configuration.routeReflectors.isEmpty ? nil
            : Speaker(configuration.speakerConfiguration, logger: Logger(label: "swiftplane-agent.bgp"))
        for (bridge, snapshot) in configuration.staticPorts { core.setPorts(snapshot, bridge: bridge) }
    }

    /// Listens on the configured address (throws when it cannot).
    func start() async throws {
        let address = try await controller.start()
        logger.info("controller listening", metadata: ["address": "\(address)"])
        if let speaker {
            try await speaker.start()
            await advertise()
        }
    }

    /// Serves switch events and packet-ins until the controller stops.
    func serve() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.serveEvents() }
            group.addTask { await self.servePacketIns() }
            if let speaker {
                group.addTask { await self.followRoutes(speaker) }
            }
            for bridge in configuration.bridges {
                guard let endpoint = bridge.ovsdb else { continue }
                group.addTask { await self.followDatabase(endpoint, bridge: bridge.name) }
            }
        }
    }

    /// Stops listening; flows stay on the switches (nothing is withdrawn).
    func stop() async {
        await controller.stop()
        await speaker?.shutdown()
    }

    /// SIGHUP: a new configuration replaces the old one; a bad file is
    /// logged and the running one kept.
    func reload(path: String) async {
        do {
            let next = try AgentConfiguration.load(path: path)
            if next.controllerHost != configuration.controllerHost || next.controllerPort != configuration.controllerPort {
                logger.warning("controller listen address changes need a restart; keeping the old one")
            }
            configuration = next
            core.reconfigure(next.coreSettings)
            for bridge in core.bridges { applyPorts(bridge) }
            for (dpid, _) in bridgeOf { bridgeOf[dpid] = bridgeName(for: dpid) }
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
                let (ports, errors) = replica.attachedPorts
                for error in errors where error.bridge == bridge {
                    metrics.error("ovsdb_port")
                    logger.warning("OVSDB port ignored", metadata: ["error": "\(error)"])
                }
                attached[bridge] = ports.filter { $0.bridge == bridge }
                applyPorts(bridge)
                await syncAll()
            case let .disconnected(reason):
                // Ports stay as last seen: the flows are kept while OVSDB is
                // away. The client logs each attempt itself.
                logger.debug("OVSDB disconnected", metadata: ["bridge": "\(bridge)", "reason": "\(reason)"])
            }
        }
    }

    private func applyPorts(_ bridge: String) {
        let (snapshot, ignored) = configuration.ports(bridge: bridge, attached: attached[bridge] ?? [])
        for reason in ignored { logger.debug("port ignored", metadata: ["bridge": "\(bridge)", "reason": "\(reason)"]) }
        core.setPorts(snapshot, bridge: bridge)
    }

    private func serveEvents() async {
        for await event in controller.events {
            switch event {
            case let .up(info):
                guard let bridge = bridgeName(for: info.datapathID) else {
                    logger.warning("switch matches no configured bridge", metadata: ["dpid": "\(hex(info.datapathID))"])
                    continue
                }
                bridgeOf[info.datapathID] = bridge
                switchInfo[info.datapathID] = (info, Date())
                pushed[info.datapathID] = nil
                logger.info("switch up", metadata: ["dpid": "\(hex(info.datapathID))", "bridge": "\(bridge)", "peer": "\(info.peer)"])
                await sync(info.datapathID)
            case let .down(dpid, reason):
                bridgeOf[dpid] = nil
                switchInfo[dpid] = nil
                pushed[dpid] = nil
                logger.info("switch down", metadata: ["dpid": "\(hex(dpid))", "reason": "\(reason)"])
            case let .portStatus(dpid, status):
                // Keep /switches' port list current.
                guard var entry = switchInfo[dpid] else { continue }
                entry.info.ports.removeAll { $0.portNo == status.port.portNo }
                if status.reason != 1 { entry.info.ports.append(status.port) }  // 1: OFPPR_DELETE
                switchInfo[dpid] = entry
            case let .flowSyncFailed(dpid, error):
                metrics.error("flow_sync")
                pushed[dpid] = nil
                logger.error("flow sync failed", metadata: ["dpid": "\(hex(dpid))", "error": "\(error)"])
            default:
                break
            }
        }
    }

    private func servePacketIns() async {
        for await event in controller.packetIns {
            guard let bridge = bridgeOf[event.datapathID] else { continue }
            metrics.packetIn(event.packetIn)
            let outcome = core.handlePacketIn(event.packetIn, bridge: bridge)
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

    private func syncAll() async {
        for dpid in bridgeOf.keys.sorted() { await sync(dpid) }
        await advertise()
    }

    /// Routes received from the reflectors become remote endpoints.
    private func followRoutes(_ speaker: Speaker) async {
        for await _ in speaker.bestRoutesChanged {
            let received = BGPRoutes.received(await speaker.receivedBestRoutes())
            core.setReceivedRoutes(received)
            logger.debug("routes received", metadata: ["count": "\(received.count)"])
            await syncAll()
        }
    }

    /// Tells the speaker the routes the core wants advertised, when they changed.
    private func advertise() async {
        guard let speaker else { return }
        let wanted = BGPRoutes.originated(core.advertisements)
        guard wanted != originated else { return }
        originated = wanted
        await speaker.originate(wanted)
    }

    private func sync(_ dpid: UInt64) async {
        guard let bridge = bridgeOf[dpid], let state = core.bridgeState(bridge) else { return }
        let table = Pipeline.flows(for: state)
        if pushed[dpid] == table { return }
        pushed[dpid] = table
        do {
            let report = try await controller.setFlows(table, on: dpid)
            logger.info("flows synced", metadata: [
                "bridge": "\(bridge)", "added": "\(report.added)", "modified": "\(report.modified)",
                "deleted": "\(report.deleted)", "unchanged": "\(report.unchanged)",
            ])
        } catch {
            pushed[dpid] = nil
            metrics.error("flow_sync")
            logger.error("flow sync failed", metadata: ["bridge": "\(bridge)", "error": "\(error)"])
        }
    }

    func bridgeName(for dpid: UInt64) -> String? {
        if let bridge = configuration.bridges.first(where: { $0.datapathID == dpid }) { return bridge.name }
        if configuration.bridges.count == 1, configuration.bridges[0].datapathID == nil { return configuration.bridges[0].name }
        return nil
    }

    func hex(_ dpid: UInt64) -> String {
        let digits = String(dpid, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}

extension AgentConfiguration {
    var coreSettings: AgentCore.Settings {
        AgentCore.Settings(
            vtep: vtep,
            tenants: tenants.map { AgentCore.Tenant(instance: $0.instance, ingressReplication: $0.flood == .ingressReplication) },
            vxlanPorts: Dictionary(bridges.map { ($0.name, $0.vxlanPort) }, uniquingKeysWith: { first, _ in first }))
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
