import NIOCore

/// Frames the controller sends instead of letting a broadcast or multicast
/// resolution leave the host: ARP replies, gratuitous ARP, neighbour
/// advertisements. Each answer keeps the request's VLAN tags so it goes back
/// into the same segment.
extension FrameBuilder {
    /// The ARP reply to the request in `request` (a whole Ethernet frame),
    /// saying `hardwareAddress` owns the requested IP. Nil when the frame is
    /// not an ARP request.
    public static func arpReply(answering request: ByteBuffer, hardwareAddress: EthernetAddress) throws(PacketError) -> ByteBuffer? {
        let frame = try EthernetFrame(decoding: request)
        guard frame.etherType == .arp else { return nil }
        let arp = try ARPPacket(decoding: frame.payload, at: frame.payloadOffset)
        guard let reply = arp.reply(hardwareAddress: hardwareAddress) else { return nil }
        return arpFrame(reply, destination: arp.senderHardwareAddress, tags: [frame.outerTag, frame.innerTag].compactMap { $0 })
    }

    /// A broadcast gratuitous ARP announcing `hardwareAddress` owns `address`
    /// (sent when an endpoint appears or moves).
    public static func gratuitousARP(hardwareAddress: EthernetAddress, address: IPv4Address, tags: [VLANTag] = []) -> ByteBuffer {
        arpFrame(.gratuitous(hardwareAddress: hardwareAddress, address: address), destination: .broadcast, tags: tags)
    }

    /// A broadcast ARP request from `sender` asking for `target`.
    public static func arpRequest(senderHardwareAddress: EthernetAddress, senderAddress: IPv4Address,
                                  target: IPv4Address, tags: [VLANTag] = []) -> ByteBuffer {
        let arp = ARPPacket(operation: .request, senderHardwareAddress: senderHardwareAddress, senderProtocolAddress: senderAddress,
                            targetHardwareAddress: .zero, targetProtocolAddress: target)
        return arpFrame(arp, destination: .broadcast, tags: tags)
    }

    private static func arpFrame(_ arp: ARPPacket, destination: EthernetAddress, tags: [VLANTag]) -> ByteBuffer {
        var body = ByteBuffer()
        arp.write(to: &body)
        return ethernet(destination: destination, source: arp.senderHardwareAddress, tags: tags, etherType: .arp, payload: body)
    }

    /// The neighbour advertisement answering the solicitation in
    /// `solicitation` (a whole Ethernet frame): `hardwareAddress` owns the
    /// target. Solicited and override set; sent to the soliciting node, or to
    /// all nodes when it solicited from :: (duplicate address detection,
    /// RFC 4861 §7.2.4). Nil when the frame is not a neighbour solicitation.
    public static func neighborAdvertisement(answering solicitation: ByteBuffer,
                                             hardwareAddress: EthernetAddress) throws(PacketError) -> ByteBuffer? {
        let frame = try EthernetFrame(decoding: solicitation)
        guard frame.etherType == .ipv6 else { return nil }
        let ip = try IPv6Packet(decoding: frame.payload, at: frame.payloadOffset)
        guard ip.upperLayerProtocol == .icmpv6 else { return nil }
        let icmpOffset = frame.payloadOffset + ip.payloadOffset
        let icmp = try ICMPv6Packet(decoding: ip.payload, at: icmpOffset)
        guard case let .solicitation(ns)? = try icmp.neighborDiscovery(at: icmpOffset) else { return nil }
        let fromUnspecified = ip.source == .unspecified
        let advertisement = NeighborAdvertisement(
            target: ns.target, isSolicited: !fromUnspecified, isOverride: true,
            options: NeighborDiscoveryOptions(targetLinkLayerAddress: hardwareAddress))
        let tags = [frame.outerTag, frame.innerTag].compactMap { $0 }
        let destination = fromUnspecified ? IPv6Address.allNodes : ip.source
        // All-nodes maps to 33:33:00:00:00:01 (RFC 2464 §7).
        let ethernetDestination = fromUnspecified ? EthernetAddress(rawValue: 0x3333_0000_0001) : (ns.options.sourceLinkLayerAddress ?? frame.source)
        return ndFrame(advertisement.icmp, source: ns.target, destination: destination,
                       ethernetSource: hardwareAddress, ethernetDestination: ethernetDestination, tags: tags)
    }

    /// A neighbour solicitation from `sourceAddress` for `target`, sent to the
    /// target's solicited-node multicast group; with the source link-layer
    /// option unless asked not to or the source is :: (duplicate address
    /// detection, RFC 4861 §4.3: it must not be there).
    public static func neighborSolicitation(sourceHardwareAddress: EthernetAddress, sourceAddress: IPv6Address,
                                            target: IPv6Address, tags: [VLANTag] = [],
                                            withSourceLinkLayerAddress: Bool = true) -> ByteBuffer {
        let group = target.solicitedNodeMulticast
        let option = withSourceLinkLayerAddress && sourceAddress != .unspecified ? sourceHardwareAddress : nil
        let ns = NeighborSolicitation(target: target, options: NeighborDiscoveryOptions(sourceLinkLayerAddress: option))
        // Multicast IPv6 maps to 33:33 and the group's low 32 bits (RFC 2464 §7).
        let mac = EthernetAddress(rawValue: 0x3333_0000_0000 | (group.low & 0xffff_ffff))
        return ndFrame(ns.icmp, source: sourceAddress, destination: group,
                       ethernetSource: sourceHardwareAddress, ethernetDestination: mac, tags: tags)
    }

    /// Neighbour discovery travels with hop limit 255 (RFC 4861 §7.1.1 checks it).
    private static func ndFrame(_ message: ICMPv6Packet, source: IPv6Address, destination: IPv6Address,
                                ethernetSource: EthernetAddress, ethernetDestination: EthernetAddress, tags: [VLANTag]) -> ByteBuffer {
        var icmp = message
        icmp.fillChecksum(source: source, destination: destination)
        var body = ByteBuffer()
        icmp.write(to: &body)
        let (type, packet) = ip(source: .v6(source), destination: .v6(destination), protocol: .icmpv6, payload: body, hopLimit: 255)
        return ethernet(destination: ethernetDestination, source: ethernetSource, tags: tags, etherType: type, payload: packet)
    }

    /// `inner` (an Ethernet frame) in VXLAN in UDP to port 4789 between two VTEPs.
    public static func vxlan(vni: UInt32, inner: ByteBuffer, outerSource: EthernetAddress, outerDestination: EthernetAddress,
                             sourceVTEP: IPAddress, destinationVTEP: IPAddress, sourcePort: UInt16 = 49152) -> ByteBuffer {
        var body = ByteBuffer()
        VXLANHeader(vni: vni, inner: inner).write(to: &body)
        var datagram = UDPDatagram(sourcePort: sourcePort, destinationPort: UDPDatagram.vxlanPort, payload: body)
        // Over IPv4 VTEPs send a zero UDP checksum (RFC 7348 §5); IPv6 requires one.
        if case .v6 = sourceVTEP { datagram.fillChecksum(source: sourceVTEP, destination: destinationVTEP) }
        var segment = ByteBuffer()
        datagram.write(to: &segment)
        let (type, packet) = ip(source: sourceVTEP, destination: destinationVTEP, protocol: .udp, payload: segment)
        return ethernet(destination: outerDestination, source: outerSource, etherType: type, payload: packet)
    }
}
