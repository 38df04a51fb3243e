import AdminAPI
import Agent
import BGP
import Foundation
import Overlay

/// `evpn macs`, `evpn vnis` and `clear dup-mac` on the agent's admin API.
extension AgentDaemon {
    nonisolated func serveEVPN(_ router: inout AdminRouter) {
        router.get("/evpn/macs") { request in
            let vni = try request.integer("vni", in: 0...Int(VNI.maximum)).map(UInt32.init)
            return await self.macReports().filter { (vni == nil || $0.vni == vni) && (!request.flag("duplicate") || $0.frozen) }
        }
        router.get("/evpn/vnis") { _ in await self.vniReports() }
        router.post("/clear/dup-mac") { request in try await self.clearDuplicates(request) }
    }

    func macReports() -> [MACReport] {
        let now = ContinuousClock.now
        let frozen = Dictionary(core.frozenMACs.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        // A learned MAC's age is its silence, as the core keeps it for expiry.
        var silences: [String: Double] = [:]
        for g in core.learnedState(at: now).gleaned { silences["\(g.bridge) \(g.vni) \(g.mac)"] = g.silentSeconds }
        var seen: Set<EndpointKey> = []
        var out: [MACReport] = []
        for e in endpointReports() {
            guard let mac = EthernetAddress(e.mac), let vni = VNI(rawValue: e.vni) else { continue }
            let key = EndpointKey(vni: vni, mac: mac)
            seen.insert(key)
            let f = frozen[key]
            let age: Double? = switch e.source {
            case .learned: silences["\(e.bridge ?? "") \(e.vni) \(e.mac)"]
            case .bgp: ages.remoteSince(mac).map { Self.seconds(now - $0) }
            case .static, .ovsdb: Self.seconds(now - (e.bridge.flatMap { ages.localSince($0, key) } ?? started))
            }
            out.append(MACReport(vni: e.vni, mac: e.mac, ips: e.ips, source: e.source, location: e.location,
                                 port: e.portName ?? e.port.map { "\($0)" }, vtep: e.vtep,
                                 sequence: e.location == "local" ? core.mobilitySequence(key) : nil, frozen: f != nil,
                                 frozenSeconds: f.map { Self.seconds(now - $0.since) }, moves: f?.moves, ageSeconds: age))
        }
        // A frozen MAC no endpoint holds any more still shows, so it can be cleared.
        for (key, f) in frozen where !seen.contains(key) {
            out.append(MACReport(vni: key.vni.rawValue, mac: "\(key.mac)", ips: [], source: nil, location: nil, port: nil, vtep: nil,
                                 sequence: f.sequence, frozen: true, frozenSeconds: Self.seconds(now - f.since), moves: f.moves,
                                 ageSeconds: Self.seconds(now - f.since)))
        }
        return out.sorted { ($0.vni, $0.mac) < ($1.vni, $1.mac) }
    }

    private static func seconds(_ d: Duration) -> Double {
        max(0, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }

    func vniReports() async -> [VNIReport] {
        var byVNI: [UInt32: VNIReport] = [:]
        for tenant in configuration.tenants {
            var r = VNIReport(vni: tenant.instance.vni.rawValue, served: true)
            r.routeTarget = "\(tenant.instance.routeTarget)"
            r.flood = tenant.flood.rawValue
            byVNI[r.vni] = r
        }
        for bridge in core.bridges {
            guard let state = core.bridgeState(bridge) else { continue }
            for (port, vni) in state.ports.sorted(by: { $0.key < $1.key }) {
                byVNI[vni.rawValue]?.localPorts.append("\(bridge):\(port)" + (portName(bridge, port).map { "(\($0))" } ?? ""))
            }
            // The bridge's state holds the remote endpoints too: those are counted below, once per VNI.
            for endpoint in state.endpoints.values {
                if case .local = endpoint.location { byVNI[endpoint.vni.rawValue]?.localMACs += 1 }
            }
            for (vni, vteps) in state.ingressReplication {
                let list = Set((byVNI[vni.rawValue]?.floodList ?? []) + vteps.map(\.description))
                byVNI[vni.rawValue]?.floodList = list.sorted()
            }
            // Ports OVSDB puts in a VNI the configuration does not serve: a line of their own.
            for port in attached[bridge] ?? [] where byVNI[port.vni]?.served != true {
                var r = byVNI[port.vni] ?? VNIReport(vni: port.vni, served: false)
                r.ignoredPorts.append("\(port): VNI \(port.vni) is not configured")
                byVNI[port.vni] = r
            }
        }
        for endpoint in core.remoteEndpoints {
            guard case let .remote(vtep) = endpoint.location else { continue }
            byVNI[endpoint.vni.rawValue]?.remoteMACs += 1
            if byVNI[endpoint.vni.rawValue]?.remoteVTEPs.contains("\(vtep)") == false { byVNI[endpoint.vni.rawValue]?.remoteVTEPs.append("\(vtep)") }
        }
        if let bum = try? await bumReports() {
            for b in bum where byVNI[b.vni] != nil {
                byVNI[b.vni]?.broadcastDropped = b.broadcastPackets
                byVNI[b.vni]?.multicastDropped = b.multicastPackets
                byVNI[b.vni]?.unknownUnicastDropped = b.unknownUnicastPackets
            }
        }
        return byVNI.values.map { r in var r = r; r.remoteVTEPs.sort(); return r }.sorted { $0.vni < $1.vni }
    }

    /// `mac=M` (in every VNI, or `vni=N`) or `all=1`; 404 when nothing named is frozen.
    func clearDuplicates(_ request: AdminRequest) async throws -> ClearReport {
        let frozen = core.frozenMACs.map(\.key)
        let keys: [EndpointKey]
        if request.flag("all") {
            keys = frozen
        } else {
            guard let text = request.query["mac"] else { throw AdminError.badRequest("name a MAC (mac=02:00:00:00:00:01) or all=1") }
            guard let mac = EthernetAddress(text) else { throw AdminError.badRequest("query parameter 'mac': invalid value '\(text)': expected a MAC such as 02:00:00:00:00:01") }
            let vni = try request.integer("vni", in: 0...Int(VNI.maximum)).map(UInt32.init)
            keys = frozen.filter { $0.mac == mac && (vni == nil || $0.vni.rawValue == vni) }
            guard !keys.isEmpty else {
                throw AdminError.notFound("\(mac) is not frozen" + (frozen.isEmpty ? "; no MAC is" : "; frozen: " + frozen.map { "\($0.mac) (VNI \($0.vni))" }.joined(separator: ", ")))
            }
        }
        // Every key named is frozen (taken from `frozenMACs`), so each thaws.
        await handle(.duplicatesCleared(keys))
        return ClearReport(cleared: keys.map { "\($0.mac)" })
    }
}
