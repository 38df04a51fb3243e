import NIOCore

/// Builds whole Ethernet frames from layer values, filling lengths and
/// checksums, for packet-out and for test captures.
public enum FrameBuilder {
    /// An Ethernet frame around `payload`; `tags` outermost first (at most two kept).
    public static func ethernet(destination: EthernetAddress, source: EthernetAddress, tags: [VLANTag] = [],
                                etherType: EtherType, payload: ByteBuffer) -> ByteBuffer {
        EthernetFrame(destination: destination, source: source, outerTag: tags.first,
                      innerTag: tags.count > 1 ? tags[1] : nil, etherType: etherType, payload: payload).bytes
    }

    /// The bytes of an IP packet carrying `payload` of protocol `proto`
    /// between two addresses of one family, and its ethertype.
    public static func ip(source: IPAddress, destination: IPAddress, protocol proto: IPProtocol,
                          payload: ByteBuffer, hopLimit: UInt8 = 64) -> (EtherType, ByteBuffer) {
        var out = ByteBuffer()
        if case let (.v4(s), .v4(d)) = (source, destination) {
            IPv4Packet(source: s, destination: d, protocol: proto, payload: payload, timeToLive: hopLimit).write(to: &out)
            return (.ipv4, out)
        }
        // IPv6, or mixed families: the IPv4 side is written v4-mapped (::ffff:a.b.c.d).
        IPv6Packet(source: source.ipv6, destination: destination.ipv6, nextHeader: proto, payload: payload,
                   hopLimit: hopLimit).write(to: &out)
        return (.ipv6, out)
    }

    /// A TCP segment in IP in Ethernet, with correct IP and TCP checksums.
    public static func tcp(source: EthernetAddress, destination: EthernetAddress, tags: [VLANTag] = [],
                           from: TCPEndpoint, to: TCPEndpoint, segment: TCPSegment) -> ByteBuffer {
        var segment = segment
        segment.sourcePort = from.port
        segment.destinationPort = to.port
        segment.fillChecksum(source: from.address, destination: to.address)
        var body = ByteBuffer()
        segment.write(to: &body)
        let (type, packet) = ip(source: from.address, destination: to.address, protocol: .tcp, payload: body)
        return ethernet(destination: destination, source: source, tags: tags, etherType: type, payload: packet)
    }

    /// A UDP datagram in IP in Ethernet, with correct checksums.
    public static func udp(source: EthernetAddress, destination: EthernetAddress, tags: [VLANTag] = [],
                           from: IPAddress, to: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                           payload: ByteBuffer) -> ByteBuffer {
        var datagram = UDPDatagram(sourcePort: sourcePort, destinationPort: destinationPort, payload: payload)
        datagram.fillChecksum(source: from, destination: to)
        var body = ByteBuffer()
        datagram.write(to: &body)
        let (type, packet) = ip(source: from, destination: to, protocol: .udp, payload: body)
        return ethernet(destination: destination, source: source, tags: tags, etherType: type, payload: packet)
    }
}
