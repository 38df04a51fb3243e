import Agent
import Overlay

/// The agent's configuration as its core reads it.
extension AgentConfiguration {
    public var coreSettings: AgentCore.Settings {
        AgentCore.Settings(
            vtep: vtep, routerID: routerID,
            tenants: tenants.map { AgentCore.Tenant(instance: $0.instance, ingressReplication: $0.flood == .ingressReplication) },
            vxlanPorts: Dictionary(bridges.map { ($0.name, $0.vxlanPort) }, uniquingKeysWith: { first, _ in first }),
            gleanedExpiry: gleanedExpiry, addressResolutionRate: addressResolutionRate,
            duplicateDetection: duplicateDetection, portSecurity: Set(bridges.filter(\.portSecurity).map(\.name)))
    }

    /// The ports and endpoints the configuration fixes, per bridge.
    public var staticPorts: [String: AgentCore.PortSnapshot] {
        var out: [String: AgentCore.PortSnapshot] = [:]
        for item in endpoints {
            guard case let .local(port) = item.endpoint.location else { continue }
            out[item.bridge, default: .init()].ports[port] = item.endpoint.vni
            out[item.bridge, default: .init()].endpoints.append(item.endpoint)
        }
        return out
    }
}
