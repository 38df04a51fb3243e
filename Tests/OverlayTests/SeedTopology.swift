import Overlay
import Packets

/// The goplane demo's topology: three hosts, two tenants (VNI 10 and 11) whose
/// containers share IP and MAC addresses: 192.168.0.X with 02:42:c0:a8:00:0X.
enum SeedTopology {
    static let vni10 = VNI(rawValue: 10)!
    static let vni11 = VNI(rawValue: 11)!
    static let vxlanPort: UInt32 = 100

    struct Host {
        var name: String
        var vtep: VTEP
        /// The container number X of this host (its IP is 192.168.0.X).
        var x: UInt8
    }

    static let hosts = [
        Host(name: "goplane1", vtep: .v4(IPv4Address(10, 9, 9, 2)), x: 2),
        Host(name: "goplane2", vtep: .v4(IPv4Address(10, 9, 9, 3)), x: 3),
        Host(name: "goplane3", vtep: .v4(IPv4Address(10, 9, 9, 4)), x: 4),
    ]

    /// The same hosts over an IPv6 underlay (fd00:9::X, as `deploy/demo up --underlay ipv6`).
    static let ipv6Hosts = hosts.map { Host(name: $0.name, vtep: .v6(IPv6Address(high: 0xfd00_0009_0000_0000, low: UInt64($0.x))), x: $0.x) }

    static func mac(_ x: UInt8) -> EthernetAddress { EthernetAddress(0x02, 0x42, 0xc0, 0xa8, 0x00, x) }
    static func ip(_ x: UInt8) -> IPv4Address { IPv4Address(192, 168, 0, x) }

    /// Port 1 carries the VNI 10 container, port 2 the VNI 11 one.
    static func state(of host: Host, among hosts: [Host] = hosts) -> BridgeState {
        var state = BridgeState(vxlanPort: vxlanPort, ports: [1: vni10, 2: vni11])
        for other in hosts {
            for (port, vni) in [(UInt32(1), vni10), (2, vni11)] {
                let location: EndpointLocation = other.name == host.name ? .local(port: port) : .remote(vtep: other.vtep)
                state.upsert(Endpoint(vni: vni, mac: mac(other.x), ipv4: [ip(other.x)], location: location))
            }
        }
        return state
    }
}
