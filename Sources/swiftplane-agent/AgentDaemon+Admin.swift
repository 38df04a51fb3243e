import AdminAPI
import AgentConfiguration
import Foundation
import OpenFlow
import OpenFlowController
import Overlay
import Prometheus
import SpeakerAdmin

/// What the agent answers on its admin API: reports built from the daemon's
/// state on demand (nothing is kept for them), and the Prometheus page.
extension AgentDaemon {
    nonisolated func adminRouter(metrics registry: PrometheusCollectorRegistry?) -> AdminRouter {
        var router = AdminRouter()
        if let speaker {
            router.serveBGP(speaker)
        } else {
            // No route reflector configured: nothing to list, not an error.
            router.get("/neighbors") { _ in [NeighborReport]() }
            router.get("/neighbor") { (request: AdminRequest) throws -> NeighborDetailReport in
                throw AdminError.notFound("no neighbour '\(request.query["address"] ?? "")': this agent has no route reflector configured")
            }
            router.get("/routes") { _ in [RouteReport]() }
        }
        router.get("/endpoints") { _ in await self.endpointReports() }
        router.get("/switches") { _ in await self.switchReports() }
        router.get("/flows") { request in
            let dpid = try request.query["dpid"].map { text throws(AdminError) -> DatapathID in
                guard let value = DatapathID(text) else { throw .badRequest("query parameter 'dpid': invalid value '\(text)': expected \(DatapathID.expected)") }
                return value
            }
            return try await self.flowReports(dpid: dpid, live: request.flag("live"))
        }
        router.get("/bum") { _ in try await self.bumReports() }
        router.get("/trace") { request in try await self.traceReport(request) }
        router.serveHealth { await self.healthReport() }
        serveEVPN(&router)
        if let registry {
            let gauges = SpeakerGauges(), health = HealthGauges()
            let flows = GaugeFamily(label: "openflow_flows")
            let drops = GaugeFamily(label: "bum_dropped_packets")
            let frozen = GaugeFamily(label: "agent_duplicate_macs")
            router.serveMetrics(registry) {
                if let speaker = self.speaker { await gauges.refresh(speaker) }
                health.refresh(await self.healthReport())
                await frozen.set(self.frozenCounts())
                flows.set(await self.flowCounts())
                if let reports = try? await self.bumReports() {
                    var values: [[String: String]: Double] = [:]
                    for r in reports {
                        values[["vni": "\(r.vni)", "kind": "broadcast"]] = Double(r.broadcastPackets)
                        values[["vni": "\(r.vni)", "kind": "multicast"]] = Double(r.multicastPackets)
                        values[["vni": "\(r.vni)", "kind": "unknown-unicast"]] = Double(r.unknownUnicastPackets)
                    }
                    drops.set(values)
                }
            }
        }
        return router
    }

    func endpointReports() -> [EndpointReport] {
        var out: [EndpointReport] = []
        for bridge in core.bridges {
            guard let state = core.bridgeState(bridge) else { continue }
            // Sets, not searches per endpoint: a bridge may hold tens of thousands.
            let configured = Set(configuration.endpoints.lazy.filter { $0.bridge == bridge }.map(\.endpoint.key))
            let fromDatabase = Set((attached[bridge] ?? []).compactMap { port in
                port.mac.flatMap { mac in VNI(rawValue: port.vni).map { EndpointKey(vni: $0, mac: mac) } }
            })
            for endpoint in state.endpoints.values {
                guard case let .local(port) = endpoint.location else { continue }
                let source: EndpointReport.Source
                if configured.contains(endpoint.key) {
                    source = .static
                } else if fromDatabase.contains(endpoint.key) {
                    source = .ovsdb
                } else {
                    source = .learned
                }
                var report = Self.report(endpoint, bridge: bridge, port: port, vtep: nil, source: source)
                report.portName = portName(bridge, port)
                out.append(report)
            }
        }
        for endpoint in core.remoteEndpoints {
            guard case let .remote(vtep) = endpoint.location else { continue }
            out.append(Self.report(endpoint, bridge: nil, port: nil, vtep: "\(vtep)", source: .bgp))
        }
        return out.sorted { ($0.vni, $0.mac, $0.location) < ($1.vni, $1.mac, $1.location) }
    }

    private static func report(_ e: Endpoint, bridge: String?, port: UInt32?, vtep: String?, source: EndpointReport.Source) -> EndpointReport {
        EndpointReport(vni: e.vni.rawValue, mac: "\(e.mac)", ips: e.ipv4.map(\.description) + e.ipv6.map(\.description),
                       location: port == nil ? "remote" : "local", bridge: bridge, port: port, vtep: vtep, source: source)
    }

    func switchReports() async -> [SwitchReport] {
        let now = Date()
        var out: [SwitchReport] = []
        for dpid in switchInfo.keys.sorted() {
            guard let (info, since) = switchInfo[dpid] else { continue }
            let ports = info.ports.sorted { $0.portNo < $1.portNo }.map {
                SwitchReport.Port(number: $0.portNo, name: "\($0.name)", mac: "\($0.hardwareAddress)")
            }
            let flows = bridgeOf[dpid] == nil ? 0 : await controller.wantedFlowCount(on: dpid)
            out.append(SwitchReport(dpid: dpid, bridge: bridgeOf[dpid], address: Self.plainAddress(info.peer),
                                    connectedSince: since.timeIntervalSince1970, connectedSeconds: now.timeIntervalSince(since),
                                    ports: ports, flows: flows))
        }
        return out
    }

    /// NIO prints a socket address as `[IPv4]host/ip:port`; the operator wants `ip:port`.
    static func plainAddress(_ text: String) -> String {
        guard text.hasPrefix("["), let slash = text.lastIndex(of: "/") else { return text }
        return String(text[text.index(after: slash)...])
    }

    /// The table the pipeline wants on a switch, as last handed to the controller.
    func wantedFlows(_ dpid: DatapathID) -> FlowTable {
        // What the controller compares the switch with (without the tunnel while it is refused).
        if let given = givenFlows(dpid) { return given }
        guard let bridge = bridgeOf[dpid] else { return FlowTable() }
        return core.tables(bridge)?.flows ?? FlowTable()
    }

    /// Flows wanted per switch, from the controller's shadow (a count, no table built).
    func flowCounts() async -> [[String: String]: Double] {
        var out: [[String: String]: Double] = [:]
        for dpid in bridgeOf.keys { out[["dpid": dpid.description]] = Double(await controller.wantedFlowCount(on: dpid)) }
        return out
    }

    /// The wanted flows of one switch or all; with `live`, each compared with
    /// the switch's flow stats (counters included), plus the flows it holds
    /// that are not wanted. The tables are taken here; the comparison and
    /// the text of every flow are made off the daemon's actor, so that a
    /// view of 200,000 flows never holds up the flows being programmed.
    func flowReports(dpid: DatapathID?, live: Bool) async throws -> [FlowReport] {
        let targets = dpid.map { [$0] } ?? bridgeOf.keys.sorted()
        if let dpid, bridgeOf[dpid] == nil {
            throw AdminError.notFound("no switch \(dpid.description) is connected; connected: \(bridgeOf.keys.sorted().map(\.description).joined(separator: ", "))")
        }
        var out: [FlowReport] = []
        let owner = controller.configuration.cookieSpace
        for dpid in targets {
            let wanted = wantedFlows(dpid)
            let bridge = bridgeOf[dpid]
            var installed: [FlowStats]?
            if live {
                do {
                    installed = try await controller.installedFlows(on: dpid)
                } catch {
                    throw AdminError.unavailable("cannot read the flows of \(dpid.description): \(error)")
                }
            }
            out.append(await Task.detached { [installed] in
                Self.flowReport(dpid, bridge: bridge, wanted: wanted, installed: installed, owner: owner)
            }.value)
        }
        return out
    }

    /// One switch's report: `wanted` alone, or compared with `installed`.
    private static func flowReport(_ dpid: DatapathID, bridge: String?, wanted: FlowTable, installed: [FlowStats]?,
                                   owner: CookieSpace) -> FlowReport {
        guard let installed else {
            return FlowReport(dpid: dpid, bridge: bridge, live: false,
                              flows: wanted.entries.map { flow($0, state: .wanted, stats: nil) })
        }
        var byKey: [FlowKey: FlowStats] = [:]
        for stats in installed { byKey[FlowKey(tableID: stats.tableID, priority: stats.priority, match: stats.match)] = stats }
        var flows: [FlowReport.Flow] = []
        for entry in wanted.entries {
            guard let stats = byKey.removeValue(forKey: entry.key) else {
                flows.append(flow(entry, state: .missing, stats: nil))
                continue
            }
            let same = FlowEntry(stats) == entry
            flows.append(flow(same ? entry : FlowEntry(stats), state: same ? .installed : .different, stats: stats))
        }
        for stats in byKey.values.sorted(by: { ($0.tableID, $0.priority) < ($1.tableID, $1.priority) }) {
            flows.append(flow(FlowEntry(stats), state: owner.contains(stats.cookie) ? .extra : .foreign, stats: stats))
        }
        return FlowReport(dpid: dpid, bridge: bridge, live: true, flows: flows)
    }

    private static func flow(_ entry: FlowEntry, state: FlowReport.State, stats: FlowStats?) -> FlowReport.Flow {
        let cookie = FlowCookie(cookie: entry.cookie)
        return FlowReport.Flow(table: entry.key.tableID, priority: entry.key.priority, cookie: "0x" + String(entry.cookie, radix: 16),
                               role: cookie?.role.description, vni: cookie?.vni?.rawValue, match: "\(entry.key.match)",
                               instructions: entry.instructions.map(\.description).joined(separator: ", "), state: state,
                               packets: stats?.counters.packetCount, bytes: stats?.counters.byteCount)
    }

    /// Drop counters per VNI, read from every connected switch: only the
    /// drop flows' stats (by cookie), never the whole table.
    func bumReports() async throws -> [BUMReport] {
        var byVNI: [UInt32: BUMReport] = [:]
        for tenant in configuration.tenants { byVNI[tenant.instance.vni.rawValue] = BUMReport(vni: tenant.instance.vni.rawValue) }
        for dpid in bridgeOf.keys.sorted() {
            var installed: [FlowStats] = []
            do {
                for role in FlowRole.allCases where role.isBUMDrop {
                    let (cookie, mask) = FlowCookie.selecting(role)
                    installed += try await controller.installedFlows(on: dpid, table: Pipeline.Table.forward, cookie: cookie, cookieMask: mask)
                }
            } catch {
                throw AdminError.unavailable("cannot read the flows of \(dpid.description): \(error)")
            }
            var seen: Set<UInt32> = []
            for stats in installed {
                guard let cookie = FlowCookie(cookie: stats.cookie), cookie.role.isBUMDrop, let vni = cookie.vni?.rawValue else { continue }
                var r = byVNI[vni] ?? BUMReport(vni: vni)
                switch cookie.role {
                case .dropBroadcast: r.broadcastPackets &+= stats.counters.packetCount
                case .dropMulticast: r.multicastPackets &+= stats.counters.packetCount
                default: r.unknownUnicastPackets &+= stats.counters.packetCount
                }
                r.bytes &+= stats.counters.byteCount
                if seen.insert(vni).inserted { r.switches += 1 }
                byVNI[vni] = r
            }
        }
        return byVNI.values.sorted { $0.vni < $1.vni }
    }
}
