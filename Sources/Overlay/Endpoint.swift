import Packets

/// Where an endpoint's frames are delivered: a port of this host's bridge, or
/// the VTEP (VXLAN tunnel end point) of another host.
public enum EndpointLocation: Hashable, Sendable, CustomStringConvertible {
    case local(port: UInt32)
    case remote(vtep: VTEP)

    public var description: String {
        switch self {
        case let .local(port): "port \(port)"
        case let .remote(vtep): "vtep \(vtep)"
        }
    }
}

/// One MAC address of a tenant network, with the IP addresses it answers for
/// and where it lives. Endpoints are keyed by (VNI, MAC): the same MAC in two
/// VNIs is two endpoints that never meet.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var vni: VNI
    public var mac: EthernetAddress
    public var ipv4: [IPv4Address]
    public var ipv6: [IPv6Address]
    public var location: EndpointLocation

    public init(vni: VNI, mac: EthernetAddress, ipv4: [IPv4Address] = [], ipv6: [IPv6Address] = [],
                location: EndpointLocation) {
        self.vni = vni
        self.mac = mac
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.location = location
    }

    public var key: EndpointKey { EndpointKey(vni: vni, mac: mac) }

    public var description: String {
        let ips = ipv4.map(\.description) + ipv6.map(\.description)
        return "vni \(vni) \(mac) [\(ips.joined(separator: " "))] at \(location)"
    }
}

/// What names an endpoint inside the overlay.
public struct EndpointKey: Hashable, Comparable, Sendable {
    public var vni: VNI
    public var mac: EthernetAddress

    public init(vni: VNI, mac: EthernetAddress) {
        self.vni = vni
        self.mac = mac
    }

    public static func < (lhs: EndpointKey, rhs: EndpointKey) -> Bool {
        (lhs.vni, lhs.mac) < (rhs.vni, rhs.mac)
    }
}
