/// A container's endpoint as an agent's configuration declares it (static,
/// on an OpenFlow port of the bridge).
public struct StaticEndpoint: Sendable {
    public var vni: Int
    public var mac: String
    public var ips: [String]
    public var port: Int

    public init(vni: Int = 10, mac: String, ips: [String], port: Int) {
        self.vni = vni; self.mac = mac; self.ips = ips; self.port = port
    }

    /// The sandbox's usual two containers: a (10.77.0.1) on port 1 and b (10.77.0.2) on port 2, in VNI 10.
    public static let a = StaticEndpoint(mac: "02:00:00:00:00:0a", ips: ["10.77.0.1"], port: 1)
    public static let b = StaticEndpoint(mac: "02:00:00:00:00:0b", ips: ["10.77.0.2"], port: 2)
}

extension AgentSandbox {
    /// The `vnis:` and `endpoints:` sections of an agent's YAML (for
    /// `configuration(_:)`'s rest): `vnis` configured, then `endpoints`.
    public static func tenants(vnis: [Int] = [10], _ endpoints: [StaticEndpoint]) -> String {
        var lines = ["vnis:"] + vnis.map { "  - vni: \($0)" } + ["endpoints:"]
        for e in endpoints {
            lines += ["  - vni: \(e.vni)", "    mac: \(e.mac)", "    ips: [\(e.ips.map { "\"\($0)\"" }.joined(separator: ", "))]",
                      "    port: \(e.port)"]
        }
        return lines.joined(separator: "\n")
    }
}
