import NIOCore
import Packets
import TestSupport

/// A named frame built with this module's builders, for oracle and
/// robustness tests (used until, and beside, the captured fixtures).
struct Sample: NamedRow {
    var name: String
    var bytes: ByteBuffer
}

let hostA = EthernetAddress("02:42:0a:00:00:01")!
let hostB = EthernetAddress("02:42:0a:00:00:02")!
let vtepMAC1 = EthernetAddress("0a:00:00:00:00:01")!
let vtepMAC2 = EthernetAddress("0a:00:00:00:00:02")!
let ipA = IPv4Address("10.0.0.1")!
let ipB = IPv4Address("10.0.0.2")!
let ip6A = IPv6Address("fd00:10::1")!
let ip6B = IPv6Address("fd00:10::2")!

/// A DHCPDISCOVER body: fixed fields, magic cookie, option 53 = 1.
func dhcpDiscover(client: EthernetAddress, transactionID: UInt32) -> ByteBuffer {
    var b = ByteBuffer()
    b.writeBytes([1, 1, 6, 0])
    b.writeInteger(transactionID)
    b.writeBytes([UInt8](repeating: 0, count: 4 + 16))
    b.writeBytes(client.bytes + [UInt8](repeating: 0, count: 10))
    b.writeBytes([UInt8](repeating: 0, count: 192))
    b.writeInteger(UInt32(0x6382_5363))
    b.writeBytes([53, 1, 1, 255])
    return b
}

func ipv4Frame(_ packet: IPv4Packet, tags: [VLANTag] = []) -> ByteBuffer {
    var body = ByteBuffer()
    packet.write(to: &body)
    return FrameBuilder.ethernet(destination: hostB, source: hostA, tags: tags, etherType: .ipv4, payload: body)
}

/// An ICMPv6 message with its checksum, hop limit 255, in IPv6 in Ethernet.
func icmpv6Frame(type: UInt8, body: [UInt8], source: IPv6Address, destination: IPv6Address) -> ByteBuffer {
    var icmp = ICMPv6Packet(type: type, body: ByteBuffer(bytes: body))
    icmp.fillChecksum(source: source, destination: destination)
    var bytes = ByteBuffer()
    icmp.write(to: &bytes)
    let (type, packet) = FrameBuilder.ip(source: .v6(source), destination: .v6(destination), protocol: .icmpv6, payload: bytes, hopLimit: 255)
    return FrameBuilder.ethernet(destination: EthernetAddress("33:33:00:00:00:02")!, source: hostA, etherType: type, payload: packet)
}

let arpRequestFrame = FrameBuilder.arpRequest(senderHardwareAddress: hostA, senderAddress: ipA, target: ipB)
let nsFrame = FrameBuilder.neighborSolicitation(sourceHardwareAddress: hostA, sourceAddress: ip6A, target: ip6B)

let samples: [Sample] = {
    var s: [Sample] = []
    s.append(Sample(name: "ARP request", bytes: arpRequestFrame))
    if let reply = try? FrameBuilder.arpReply(answering: arpRequestFrame, hardwareAddress: hostB) {
        s.append(Sample(name: "ARP reply (builder)", bytes: reply))
    }
    s.append(Sample(name: "gratuitous ARP", bytes: FrameBuilder.gratuitousARP(hardwareAddress: hostA, address: ipA)))
    s.append(Sample(name: "ARP request in VLAN 100",
                    bytes: FrameBuilder.arpRequest(senderHardwareAddress: hostA, senderAddress: ipA, target: ipB,
                                                   tags: [VLANTag(vid: 100, priority: 5)])))
    s.append(Sample(name: "ARP request in QinQ 200/300",
                    bytes: FrameBuilder.arpRequest(senderHardwareAddress: hostA, senderAddress: ipA, target: ipB,
                                                   tags: [VLANTag(tpid: .qinq, vid: 200), VLANTag(vid: 300)])))
    var echo = ByteBuffer()
    ICMPv4Packet.echo(request: true, identifier: 0x1234, sequence: 7, data: ByteBuffer(bytes: Array(0..<56))).write(to: &echo)
    s.append(Sample(name: "ICMP echo request", bytes: ipv4Frame(IPv4Packet(source: ipA, destination: ipB, protocol: .icmp, payload: echo))))
    s.append(Sample(name: "IPv4 UDP", bytes: FrameBuilder.udp(source: hostA, destination: hostB, from: .v4(ipA), to: .v4(ipB),
                                                            sourcePort: 5353, destinationPort: 9999, payload: ByteBuffer(bytes: Array("hello".utf8)))))
    var udp = UDPDatagram(sourcePort: 1000, destinationPort: 2000, payload: ByteBuffer(bytes: [1, 2, 3, 4]))
    udp.fillChecksum(source: .v4(ipA), destination: .v4(ipB))
    var udpBytes = ByteBuffer()
    udp.write(to: &udpBytes)
    // Router alert option (RFC 2113), the usual IPv4 option in the wild.
    s.append(Sample(name: "IPv4 with options", bytes: ipv4Frame(IPv4Packet(source: ipA, destination: ipB, protocol: .udp, payload: udpBytes,
                                                                            options: ByteBuffer(bytes: [0x94, 0x04, 0x00, 0x00])))))
    s.append(Sample(name: "TCP SYN", bytes: FrameBuilder.tcp(source: hostA, destination: hostB,
                                                            from: TCPEndpoint(address: .v4(ipA), port: 40001),
                                                            to: TCPEndpoint(address: .v4(ipB), port: 179),
                                                            segment: TCPSegment(sourcePort: 0, destinationPort: 0, sequenceNumber: 123456, flags: .syn))))
    s.append(Sample(name: "TCP over IPv6 in VLAN 7", bytes: FrameBuilder.tcp(source: hostA, destination: hostB, tags: [VLANTag(vid: 7)],
                                                                             from: TCPEndpoint(address: .v6(ip6A), port: 179),
                                                                             to: TCPEndpoint(address: .v6(ip6B), port: 50000),
                                                                             segment: TCPSegment(sourcePort: 0, destinationPort: 0, sequenceNumber: 99,
                                                                                                 acknowledgmentNumber: 1, flags: [.ack, .psh],
                                                                                                 payload: ByteBuffer(bytes: [UInt8](repeating: 0xff, count: 19))))))
    s.append(Sample(name: "neighbour solicitation", bytes: nsFrame))
    if let na = try? FrameBuilder.neighborAdvertisement(answering: nsFrame, hardwareAddress: hostB) {
        s.append(Sample(name: "neighbour advertisement (builder)", bytes: na))
    }
    s.append(Sample(name: "router solicitation", bytes: icmpv6Frame(type: 133, body: [0, 0, 0, 0, 1, 1] + hostA.bytes,
                                                                  source: IPv6Address("fe80::1")!, destination: IPv6Address("ff02::2")!)))
    // A router advertisement with its source link-layer address and a prefix option to skip.
    let prefixOption: [UInt8] = [3, 4, 64, 0xc0] + [0, 0, 0x0e, 0x10] + [0, 0, 0x0e, 0x10] + [0, 0, 0, 0]
        + (IPv6Address("fd00:10::")?.bytes ?? [])
    s.append(Sample(name: "router advertisement", bytes: icmpv6Frame(type: 134, body: [64, 0x40, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0]
                                                                        + [1, 1] + hostB.bytes + prefixOption,
                                                                   source: IPv6Address("fe80::2")!, destination: .allNodes)))
    // IPv6 with a hop-by-hop header (PadN) before UDP: the walk must skip it.
    var hbh = ByteBuffer(bytes: [17, 0, 1, 4, 0, 0, 0, 0])
    var v6udp = UDPDatagram(sourcePort: 546, destinationPort: 547, payload: ByteBuffer(bytes: [1, 0, 0, 1]))
    v6udp.fillChecksum(source: .v6(ip6A), destination: .v6(ip6B))
    v6udp.write(to: &hbh)
    var v6 = ByteBuffer()
    IPv6Packet(source: ip6A, destination: ip6B, nextHeader: .hopByHop, payload: hbh).write(to: &v6)
    s.append(Sample(name: "IPv6 hop-by-hop then UDP", bytes: FrameBuilder.ethernet(destination: hostB, source: hostA, etherType: .ipv6, payload: v6)))
    s.append(Sample(name: "DHCP discover", bytes: FrameBuilder.udp(source: hostA, destination: .broadcast, from: .v4(.any), to: .v4(.broadcast),
                                                                  sourcePort: 68, destinationPort: 67,
                                                                  payload: dhcpDiscover(client: hostA, transactionID: 0xdead_beef))))
    s.append(Sample(name: "VXLAN VNI 5001 carrying ARP", bytes: FrameBuilder.vxlan(vni: 5001, inner: arpRequestFrame, outerSource: vtepMAC1,
                                                                                   outerDestination: vtepMAC2,
                                                                                   sourceVTEP: .v4(IPv4Address(172, 16, 0, 1)),
                                                                                   destinationVTEP: .v4(IPv4Address(172, 16, 0, 2)))))
    s.append(Sample(name: "VXLAN VNI 16777215 carrying NS over IPv6 underlay",
                    bytes: FrameBuilder.vxlan(vni: 0xff_ffff, inner: nsFrame, outerSource: vtepMAC1, outerDestination: vtepMAC2,
                                              sourceVTEP: .v6(IPv6Address("fd00::a")!), destinationVTEP: .v6(IPv6Address("fd00::b")!))))
    return s
}()
