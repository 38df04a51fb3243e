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
    public private(set) var endpoints: EndpointTable
    /// The tenants in ingress-replication mode, each with the remote VTEPs
    /// that sent a type-3 route for it (maybe none yet). Other tenants drop
    /// broadcast, multicast and unknown unicast.
    public var ingressReplication: [VNI: [VTEP]]
    /// Packets per second of ARP and neighbour solicitation allowed to the
    /// controller (an OpenFlow meter); nil: not metered.
    public var addressResolutionRate: UInt32?
    /// The ports under port security: frames from a source MAC that is not
    /// one of the port's local endpoints are dropped, and those of an
    /// endpoint with known addresses must come from one of them (ARP
    /// sender, IPv4 and IPv6 source).
    public var securedPorts: Set<UInt32>

    public init(vxlanPort: UInt32, ports: [UInt32: VNI] = [:], endpoints: [Endpoint] = [],
                ingressReplication: [VNI: [VTEP]] = [:], addressResolutionRate: UInt32? = nil,
                securedPorts: Set<UInt32> = []) {
        self.vxlanPort = vxlanPort
        self.ports = ports
        self.ingressReplication = ingressReplication
        self.addressResolutionRate = addressResolutionRate
        self.securedPorts = securedPorts
        self.endpoints = EndpointTable()
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

    /// The local ports of a tenant, in order.
    public func ports(of vni: VNI) -> [UInt32] { ports.filter { $0.value == vni }.keys.sorted() }

    /// The tenants present here that flood by ingress replication.
    public var replicatedVNIs: [VNI] { localVNIs.filter { ingressReplication[$0] != nil } }
}
