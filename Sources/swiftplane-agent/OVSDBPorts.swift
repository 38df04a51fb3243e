import Agent
import AgentConfiguration
import OVSDB
import Overlay

extension AgentConfiguration {
    /// The reason a port is left out while OVS has not numbered it yet: a
    /// moment in every port's life, not a fault.
    public static let noOfportYet = ": no ofport yet"

    /// A bridge's ports as the core sees them: the static ones from the
    /// configuration, plus the tenant ports OVSDB reports (`external_ids:vni`
    /// or `tag`, with `attached-mac` and `ip` when set). Ports of VNIs not
    /// configured, without an ofport yet, or that are the VXLAN port are left
    /// out and returned as reasons, so the daemon can log them.
    public func ports(bridge: String, attached: [AttachedPort]) -> (snapshot: AgentCore.PortSnapshot, ignored: [String]) {
        var snapshot = staticPorts[bridge] ?? .init()
        var ignored: [String] = []
        let vxlanPort = bridges.first { $0.name == bridge }?.vxlanPort
        for port in attached where port.bridge == bridge {
            guard let ofport = port.ofport else { ignored.append("\(port)" + Self.noOfportYet); continue }
            guard ofport != vxlanPort else { ignored.append("\(port): is the VXLAN port"); continue }
            guard let vni = VNI(rawValue: port.vni), tenants.contains(where: { $0.instance.vni == vni }) else {
                ignored.append("\(port): VNI \(port.vni) is not configured")
                continue
            }
            if let other = snapshot.ports[ofport], other != vni {
                ignored.append("\(port): ofport \(ofport) is configured in VNI \(other)")
                continue
            }
            snapshot.ports[ofport] = vni
            guard let mac = port.mac else { continue }
            guard !mac.isMulticast, mac.rawValue != 0 else {
                ignored.append("\(port): attached-mac \(mac) is not a unicast address; the port stays in VNI \(vni) without an endpoint")
                continue
            }
            var endpoint = Endpoint(vni: vni, mac: mac, location: .local(port: ofport))
            for ip in port.ips {
                switch ip {
                case let .v4(address): endpoint.ipv4.append(address)
                case let .v6(address): endpoint.ipv6.append(address)
                }
            }
            // Configuration wins over OVSDB for the same (VNI, MAC).
            if !snapshot.endpoints.contains(where: { $0.key == endpoint.key }) { snapshot.endpoints.append(endpoint) }
        }
        return (snapshot, ignored)
    }
}
