import Packets

/// A packet to walk through the pipeline (`PacketTrace`): where it enters the
/// bridge and the header fields the pipeline's flows match on. Only what the
/// flows look at is modelled: Ethernet, ARP and the IPv4 addresses.
public struct TracePacket: Hashable, Sendable, CustomStringConvertible {
    public enum Payload: Hashable, Sendable {
        /// ARP request: who has `target`, tell `sender` (the sender's MAC is the Ethernet source).
        case arpRequest(sender: IPv4Address, target: IPv4Address)
        /// An IPv4 packet (ICMP unless told otherwise).
        case ipv4(source: IPv4Address, destination: IPv4Address, protocol: UInt8)
    }

    /// The OpenFlow port it enters by.
    public var inPort: UInt32
    /// The VXLAN network identifier it arrived with, when it comes from the tunnel.
    public var tunnelID: UInt64?
    public var source: EthernetAddress
    public var destination: EthernetAddress
    public var payload: Payload

    public init(inPort: UInt32, tunnelID: UInt64? = nil, source: EthernetAddress, destination: EthernetAddress, payload: Payload) {
        self.inPort = inPort
        self.tunnelID = tunnelID
        self.source = source
        self.destination = destination
        self.payload = payload
    }

    /// A broadcast ARP request from `mac`/`sender` for `target`.
    public static func arpRequest(inPort: UInt32, mac: EthernetAddress, sender: IPv4Address, target: IPv4Address) -> TracePacket {
        TracePacket(inPort: inPort, source: mac, destination: .broadcast, payload: .arpRequest(sender: sender, target: target))
    }

    /// An ICMP echo between two addresses.
    public static func ipv4(inPort: UInt32, from mac: EthernetAddress, to destinationMAC: EthernetAddress,
                            source: IPv4Address, destination: IPv4Address) -> TracePacket {
        TracePacket(inPort: inPort, source: mac, destination: destinationMAC,
                    payload: .ipv4(source: source, destination: destination, protocol: 1))
    }

    public var description: String {
        switch payload {
        case let .arpRequest(sender, target): "ARP request who-has \(target) tell \(sender) (\(source) -> \(destination))"
        case let .ipv4(s, d, _): "IPv4 \(s) -> \(d) (\(source) -> \(destination))"
        }
    }

    /// The same packet in `ovs-appctl ofproto/trace BRIDGE FLOW` syntax, so an
    /// operator (and the tests) can ask Open vSwitch for its own view.
    public var ovsFlow: String {
        var parts = ["in_port=\(inPort)"]
        if let tunnelID { parts.append("tun_id=0x\(String(tunnelID, radix: 16))") }
        parts += ["dl_src=\(source)", "dl_dst=\(destination)"]
        switch payload {
        case let .arpRequest(sender, target):
            parts += ["arp", "arp_op=1", "arp_spa=\(sender)", "arp_tpa=\(target)", "arp_sha=\(source)", "arp_tha=00:00:00:00:00:00"]
        case let .ipv4(s, d, proto):
            parts += ["dl_type=\(EtherType.ipv4)", "nw_src=\(s)", "nw_dst=\(d)", "nw_proto=\(proto)", "nw_ttl=64"]
        }
        return parts.joined(separator: ",")
    }

    /// The header fields as the flows see them at table 0 (metadata zero,
    /// tun_id zero unless it came from the tunnel, as in OVS).
    var fields: TraceFields {
        var f = TraceFields()
        f[.basic(.inPort)] = UInt64(inPort)
        f[.basic(.metadata)] = 0
        f[.basic(.tunnelID)] = tunnelID ?? 0
        f[.basic(.ethSrc)] = source.rawValue
        f[.basic(.ethDst)] = destination.rawValue
        switch payload {
        case let .arpRequest(sender, target):
            f[.basic(.ethType)] = UInt64(EtherType.arp.rawValue)
            f[.basic(.arpOp)] = UInt64(ARPOperation.request.rawValue)
            f[.basic(.arpSPA)] = UInt64(sender.rawValue)
            f[.basic(.arpTPA)] = UInt64(target.rawValue)
            f[.basic(.arpSHA)] = source.rawValue
            f[.basic(.arpTHA)] = 0
        case let .ipv4(s, d, proto):
            f[.basic(.ethType)] = UInt64(EtherType.ipv4.rawValue)
            f[.basic(.ipv4Src)] = UInt64(s.rawValue)
            f[.basic(.ipv4Dst)] = UInt64(d.rawValue)
            f[.basic(.ipProto)] = UInt64(proto)
        }
        return f
    }
}
