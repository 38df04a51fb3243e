import OVSDB
import Overlay
import Packets
import Testing
@testable import AgentConfiguration
@testable import swiftplane_agent
import TestSupport

/// OVSDB's tenant ports merged with the static configuration.
struct OVSDBPortsTests {
    static let yaml = base + """

          - vni: 20
        endpoints:
          - vni: 10
            mac: 02:00:00:00:00:01
            ips: [10.1.1.1]
            port: 1
        """

    struct Case: NamedRow {
        var name: String
        var port: AttachedPort
        var ports: [UInt32: UInt32]
        var endpoints: [String]
        var ignored: Bool
    }

    static let mac2 = EthernetAddress(0x02, 0, 0, 0, 0, 0x02)
    static let cases: [Case] = [
        Case(name: "tenant port with MAC and IPs",
             port: AttachedPort(bridge: "br0", name: "p2", ofport: 2, vni: 20, mac: mac2,
                                ips: [.v4(IPv4Address(10, 2, 2, 2)), IPAddress("fd00::2")].compactMap { $0 }),
             ports: [1: 10, 2: 20], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1",
                                                "vni 20 02:00:00:00:00:02 [10.2.2.2 fd00::2] at port 2"], ignored: false),
        Case(name: "tenant port without MAC: port only",
             port: AttachedPort(bridge: "br0", name: "p3", ofport: 3, vni: 10, mac: nil, ips: []),
             ports: [1: 10, 3: 10], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1"], ignored: false),
        Case(name: "no ofport yet",
             port: AttachedPort(bridge: "br0", name: "p4", ofport: nil, vni: 10, mac: mac2, ips: []),
             ports: [1: 10], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1"], ignored: true),
        Case(name: "VNI not configured",
             port: AttachedPort(bridge: "br0", name: "p5", ofport: 5, vni: 30, mac: mac2, ips: []),
             ports: [1: 10], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1"], ignored: true),
        Case(name: "the VXLAN port",
             port: AttachedPort(bridge: "br0", name: "vxlan0", ofport: 100, vni: 10, mac: nil, ips: []),
             ports: [1: 10], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1"], ignored: true),
        Case(name: "static port in another VNI wins",
             port: AttachedPort(bridge: "br0", name: "p1", ofport: 1, vni: 20, mac: mac2, ips: []),
             ports: [1: 10], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1"], ignored: true),
        Case(name: "multicast attached-mac: the port stays, no endpoint",
             port: AttachedPort(bridge: "br0", name: "p6", ofport: 6, vni: 10, mac: EthernetAddress(0x01, 0, 0x5e, 0, 0, 1), ips: []),
             ports: [1: 10, 6: 10], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1"], ignored: true),
        Case(name: "broadcast attached-mac: the port stays, no endpoint",
             port: AttachedPort(bridge: "br0", name: "p7", ofport: 7, vni: 10, mac: .broadcast, ips: [.v4(IPv4Address(10, 1, 1, 7))]),
             ports: [1: 10, 7: 10], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1"], ignored: true),
        Case(name: "other bridge",
             port: AttachedPort(bridge: "br1", name: "p2", ofport: 2, vni: 20, mac: mac2, ips: []),
             ports: [1: 10], endpoints: ["vni 10 02:00:00:00:00:01 [10.1.1.1] at port 1"], ignored: false),
    ]

    @Test(arguments: cases)
    func merge(_ c: Case) throws {
        let config = try AgentConfiguration.parse(yaml: Self.yaml, file: "t.yaml")
        let (snapshot, ignored) = config.ports(bridge: "br0", attached: [c.port])
        #expect(snapshot.ports.mapValues(\.rawValue) == c.ports)
        #expect(snapshot.endpoints.map(\.description).sorted() == c.endpoints)
        #expect(ignored.isEmpty == !c.ignored, "\(ignored)")
    }
}
