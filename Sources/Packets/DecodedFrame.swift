import NIOCore

/// The network-layer value of a frame.
public enum NetworkLayer: Sendable, Hashable {
    case arp(ARPPacket)
    case ipv4(IPv4Packet)
    case ipv6(IPv6Packet)
}

/// The transport-layer value (ICMP counts here: it sits on IP).
public enum TransportLayer: Sendable, Hashable {
    case tcp(TCPSegment)
    case udp(UDPDatagram)
    case icmpv4(ICMPv4Packet)
    case icmpv6(ICMPv6Packet)
}

/// What a transport payload was recognised as. Only the VXLAN case nests a
/// frame, so only it is boxed (the others stay allocation-free).
public enum ApplicationLayer: Sendable, Hashable {
    indirect case vxlan(VXLANHeader, inner: DecodedFrame)
    case dhcp(DHCPMessage)
    case neighborDiscovery(NeighborDiscoveryMessage)
}

/// A frame decoded through every layer this module knows. Only a bad
/// Ethernet header throws; a later layer that fails stops the walk and is
/// kept in `error`, so a capture cut by its snap length still shows what
/// it has.
public struct DecodedFrame: Sendable, Hashable {
    public var ethernet: EthernetFrame
    public var network: NetworkLayer?
    public var transport: TransportLayer?
    public var application: ApplicationLayer?
    /// Why decoding stopped before the payload ran out of known layers.
    public var error: PacketError?

    /// How many VXLAN encapsulations are followed; bounds recursion on
    /// crafted input (each level costs stack).
    public static let maximumNesting = 4

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        try self.init(decoding: buffer, at: offset, depth: 0)
    }

    private init(decoding buffer: ByteBuffer, at offset: Int, depth: Int) throws(PacketError) {
        ethernet = try EthernetFrame(decoding: buffer, at: offset)
        do {
            try decodeInnerLayers(at: offset + ethernet.payloadOffset, depth: depth)
        } catch {
            self.error = error
        }
    }

    private mutating func decodeInnerLayers(at offset: Int, depth: Int) throws(PacketError) {
        switch ethernet.etherType {
        case .arp:
            network = .arp(try ARPPacket(decoding: ethernet.payload, at: offset))
        case .ipv4:
            let ip = try IPv4Packet(decoding: ethernet.payload, at: offset)
            network = .ipv4(ip)
            try decodeTransport(in: ip, at: offset, depth: depth)
        case .ipv6:
            let ip = try IPv6Packet(decoding: ethernet.payload, at: offset)
            network = .ipv6(ip)
            try decodeTransport(in: ip, at: offset, depth: depth)
        default:
            return
        }
    }

    /// The transport layer of an IPv4 or IPv6 packet at `offset`, and what it carries.
    private mutating func decodeTransport(in ip: some IPPacket, at offset: Int, depth: Int) throws(PacketError) {
        guard !ip.isNonInitialFragment else { return }
        let payload = ip.payload
        let transportOffset = offset + ip.payloadOffset
        switch ip.upperLayerProtocol {
        case .tcp:
            transport = .tcp(try TCPSegment(decoding: payload, at: transportOffset))
        case .icmp:
            transport = .icmpv4(try ICMPv4Packet(decoding: payload, at: transportOffset))
        case .icmpv6:
            let icmp = try ICMPv6Packet(decoding: payload, at: transportOffset)
            transport = .icmpv6(icmp)
            if let nd = try icmp.neighborDiscovery(at: transportOffset) { application = .neighborDiscovery(nd) }
        case .udp:
            let udp = try UDPDatagram(decoding: payload, at: transportOffset)
            transport = .udp(udp)
            let appOffset = transportOffset + 8
            if udp.destinationPort == UDPDatagram.vxlanPort {
                let vxlan = try VXLANHeader(decoding: udp.payload, at: appOffset)
                guard depth < Self.maximumNesting else {
                    throw PacketError(.vxlan, .unsupported("nesting deeper than \(Self.maximumNesting)"), at: appOffset)
                }
                let inner = try DecodedFrame(decoding: vxlan.inner, at: appOffset + 8, depth: depth + 1)
                application = .vxlan(vxlan, inner: inner)
            } else if DHCPMessage.isDHCPPort(udp.sourcePort) && DHCPMessage.isDHCPPort(udp.destinationPort) {
                application = .dhcp(try DHCPMessage(decoding: udp.payload, at: appOffset))
            }
        default:
            return
        }
    }

    /// This frame's error or the first one inside an encapsulated frame.
    public var firstError: PacketError? {
        if let error { return error }
        if case let .vxlan(_, inner) = application { return inner.firstError }
        return nil
    }
}
