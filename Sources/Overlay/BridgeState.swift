import Packets

/// Everything the pipeline needs to know about one bridge: which local ports
/// belong to which tenant, the endpoints (local and remote), and the bridge's
/// one flow-based VXLAN port. A plain value: the agent builds it from OVSDB,
/// packet-in gleaning, configuration and BGP, and hands it to `Pipeline`.
public struct BridgeState: Hashable, Sendable {
    /// The OpenFlow port number of the VXLAN port
    /// (`type=vxlan options:remote_ip=flow options:key=flow`).
    public var vxlanPort: UInt32
    /// Local ports attached to a tenant network.
    public var ports: [UInt32: VNI]
    /// Local and remote endpoints, one per (VNI, MAC); a later insert of the
    /// same key replaces the earlier one.
    public private(set) var endpoints: [EndpointKey: Endpoint]

    public init(vxlanPort: UInt32, ports: [UInt32: VNI] = [:], endpoints: [Endpoint] = []) {
        self.vxlanPort = vxlanPort
        self.ports = ports
        self.endpoints = [:]
        for endpoint in endpoints { upsert(endpoint) }
    }

    public mutating func upsert(_ endpoint: Endpoint) {
        endpoints[endpoint.key] = endpoint
    }

    public mutating func remove(_ key: EndpointKey) {
        endpoints[key] = nil
    }

    /// The tenant networks present on this bridge (those with a local port).
    public var localVNIs: [VNI] { Set(ports.values).sorted() }
}
