/// `GET /endpoints`: one (VNI, MAC) the agent knows, local or remote, and
/// where it learned it.
public struct EndpointReport: Codable, Hashable, Sendable {
    public enum Source: String, Codable, Hashable, Sendable, CaseIterable {
        case ovsdb, learned, `static`, bgp
    }

    public var vni: UInt32
    public var mac: String
    public var ips: [String]
    /// "local" or "remote".
    public var location: String
    public var bridge: String?
    public var port: UInt32?
    /// The OVS port name (what `swiftplanectl trace --from` takes), when known.
    public var portName: String?
    public var vtep: String?
    public var source: Source

    public init(vni: UInt32, mac: String, ips: [String], location: String, bridge: String?, port: UInt32?, vtep: String?, source: Source) {
        self.vni = vni; self.mac = mac; self.ips = ips; self.location = location; self.bridge = bridge; self.port = port
        self.vtep = vtep; self.source = source
    }
}
