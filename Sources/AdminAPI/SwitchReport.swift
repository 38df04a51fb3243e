import OpenFlow

/// `GET /switches`: a connected OpenFlow switch.
public struct SwitchReport: Codable, Hashable, Sendable {
    public struct Port: Codable, Hashable, Sendable {
        public var number: UInt32
        public var name: String
        public var mac: String
        public init(number: UInt32, name: String, mac: String) { self.number = number; self.name = name; self.mac = mac }
    }

    /// In JSON 16 hex digits, as OVS prints it.
    public var dpid: DatapathID
    public var bridge: String?
    /// The switch's end of the OpenFlow connection.
    public var address: String
    /// Seconds since the epoch when the handshake finished.
    public var connectedSince: Double
    public var connectedSeconds: Double
    public var ports: [Port]
    /// Flows the agent wants on it.
    public var flows: Int

    public init(dpid: DatapathID, bridge: String?, address: String, connectedSince: Double, connectedSeconds: Double, ports: [Port], flows: Int) {
        self.dpid = dpid; self.bridge = bridge; self.address = address; self.connectedSince = connectedSince
        self.connectedSeconds = connectedSeconds; self.ports = ports; self.flows = flows
    }
}
