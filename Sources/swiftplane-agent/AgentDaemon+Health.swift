import AdminAPI
import Agent
import OpenFlow
import SpeakerAdmin

/// `/healthz` for the agent: ready when its start has settled, every
/// configured reflector session is Established, every bridge has its switch
/// connected, every bridge read from OVSDB is in sync, and no switch's last
/// reconcile failed.
extension AgentDaemon {
    func healthReport() async -> HealthReport {
        var checks: [HealthCheck] = []
        checks.append(deferral.mayProgramSwitches
            ? HealthCheck("startup", "", ok: true, "settled (\(deferral.reason?.rawValue ?? "no wait"))")
            : HealthCheck("startup", "", ok: false, "waiting for the initial state (\(deferral.phase)) before reconciling the switches"))
        if let speaker { checks += HealthCheck.sessions(await speaker.neighbors()) }
        let connected = Dictionary(bridgeOf.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        for bridge in configuration.bridges.map(\.name) {
            if let dpid = connected[bridge] {
                checks.append(HealthCheck("switch", bridge, ok: true, "connected, dpid \(dpid.description)"))
                if let problem = syncProblem[dpid] {
                    checks.append(HealthCheck("reconcile", bridge, ok: false, "last reconcile failed: \(problem)"))
                } else {
                    checks.append(HealthCheck("reconcile", bridge, ok: true, "last reconcile succeeded"))
                }
            } else {
                checks.append(HealthCheck("switch", bridge, ok: false,
                                          "no switch connected for this bridge (ovs-vsctl get-controller \(bridge); ovs-vsctl show)"))
            }
        }
        for bridge in configuration.bridges where bridge.ovsdb != nil {
            let problem = databaseProblem[bridge.name]
            checks.append(HealthCheck("ovsdb", bridge.name, ok: problem == nil, problem ?? "in sync"))
        }
        return HealthReport(checks: checks)
    }
}

extension AgentDaemon {
    /// `agent_duplicate_macs{vni}`: MACs frozen as duplicates (RFC 7432
    /// section 15.1) per served VNI, 0 included so the alert has a series.
    func frozenCounts() -> [[String: String]: Double] {
        var out: [[String: String]: Double] = [:]
        for tenant in configuration.tenants { out[["vni": "\(tenant.instance.vni.rawValue)"]] = 0 }
        for frozen in core.frozenMACs { out[["vni": "\(frozen.key.vni.rawValue)"], default: 0] += 1 }
        return out
    }
}
