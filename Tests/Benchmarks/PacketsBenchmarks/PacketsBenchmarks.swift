import Benchmark
import NIOCore
import Packets
import Pcap

/// A classic pcap file in memory (24-byte header, 16-byte record headers),
/// built here so the benchmark needs no file system.
func pcapFile(_ frames: [ByteBuffer]) -> [UInt8] {
    var out = ByteBuffer()
    out.writeInteger(UInt32(0xa1b2_c3d4), endianness: .little)
    out.writeInteger(UInt16(2), endianness: .little)
    out.writeInteger(UInt16(4), endianness: .little)
    out.writeInteger(UInt32(0), endianness: .little)
    out.writeInteger(UInt32(0), endianness: .little)
    out.writeInteger(UInt32(65535), endianness: .little)
    out.writeInteger(UInt32(1), endianness: .little)
    for (i, frame) in frames.enumerated() {
        out.writeInteger(UInt32(1_700_000_000), endianness: .little)
        out.writeInteger(UInt32(i % 1_000_000), endianness: .little)
        out.writeInteger(UInt32(frame.readableBytes), endianness: .little)
        out.writeInteger(UInt32(frame.readableBytes), endianness: .little)
        var f = frame
        out.writeBuffer(&f)
    }
    return Array(out.readableBytesView)
}

/// Typical overlay traffic: ARP both ways, TCP and UDP over IPv4, ping, a
/// tagged frame, VXLAN-encapsulated ARP.
func typicalFrames() -> [ByteBuffer] {
    let a = EthernetAddress(0x02, 0x42, 10, 0, 0, 1), b = EthernetAddress(0x02, 0x42, 10, 0, 0, 2)
    let ipA = IPv4Address(10, 0, 0, 1), ipB = IPv4Address(10, 0, 0, 2)
    let request = FrameBuilder.arpRequest(senderHardwareAddress: a, senderAddress: ipA, target: ipB)
    let reply = (try? FrameBuilder.arpReply(answering: request, hardwareAddress: b)) ?? request
    let tcp = FrameBuilder.tcp(source: a, destination: b, from: TCPEndpoint(address: .v4(ipA), port: 40000),
                               to: TCPEndpoint(address: .v4(ipB), port: 179),
                               segment: TCPSegment(sourcePort: 0, destinationPort: 0, sequenceNumber: 1, acknowledgmentNumber: 1,
                                                   flags: [.ack, .psh], payload: ByteBuffer(repeating: 0xff, count: 64)))
    let udp = FrameBuilder.udp(source: a, destination: b, from: .v4(ipA), to: .v4(ipB), sourcePort: 5000, destinationPort: 6000,
                               payload: ByteBuffer(repeating: 1, count: 100))
    var echo = ByteBuffer()
    ICMPv4Packet.echo(request: true, identifier: 1, sequence: 1, data: ByteBuffer(repeating: 0, count: 56)).write(to: &echo)
    let (_, ping) = FrameBuilder.ip(source: .v4(ipA), destination: .v4(ipB), protocol: .icmp, payload: echo)
    let pingFrame = FrameBuilder.ethernet(destination: b, source: a, etherType: .ipv4, payload: ping)
    let tagged = FrameBuilder.arpRequest(senderHardwareAddress: a, senderAddress: ipA, target: ipB, tags: [VLANTag(vid: 100)])
    let vxlan = FrameBuilder.vxlan(vni: 5001, inner: request, outerSource: a, outerDestination: b,
                                   sourceVTEP: .v4(IPv4Address(172, 16, 0, 1)), destinationVTEP: .v4(IPv4Address(172, 16, 0, 2)))
    return [request, reply, tcp, udp, pingFrame, tagged, vxlan, tcp]
}

/// The frames read back through libpcap from the in-memory capture.
func framesFromMemoryPcap() -> [ByteBuffer] {
    let file = pcapFile(typicalFrames())
    guard let reader = try? PcapReader(bytes: file), let frames = try? reader.readAll() else { return [] }
    reader.close()
    return frames.map(\.data)
}

let benchmarks: @Sendable () -> Void = {
    let frames = framesFromMemoryPcap()
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal],
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 20
    )

    // The hot path of the controller: what kind of frame is this?
    Benchmark("Ethernet + IPv4/ARP header parse", configuration: configuration) { benchmark in
        // Whole passes over the frame set, indexing (not copying) each frame.
        var remaining = benchmark.scaledIterations.count
        while remaining > 0 {
            for i in frames.indices {
                guard let ethernet = try? EthernetFrame(decoding: frames[i]) else { continue }
                switch ethernet.etherType {
                case .ipv4: blackHole(try? IPv4Packet(decoding: ethernet.payload, at: ethernet.payloadOffset))
                case .arp: blackHole(try? ARPPacket(decoding: ethernet.payload, at: ethernet.payloadOffset))
                default: blackHole(ethernet)
                }
            }
            remaining -= frames.count
        }
    }

    Benchmark("Whole-frame decode (every layer, VXLAN inner)", configuration: configuration) { benchmark in
        var remaining = benchmark.scaledIterations.count
        while remaining > 0 {
            for i in frames.indices { blackHole(try? DecodedFrame(decoding: frames[i])) }
            remaining -= frames.count
        }
    }

    // 1000 frames, so opening the capture (libpcap allocates a snap-length buffer) is amortised.
    let capture = pcapFile(Array(repeating: typicalFrames(), count: 125).flatMap { $0 })
    Benchmark("libpcap in-memory read (frames)", configuration: .init(metrics: [.throughput, .wallClock], scalingFactor: .kilo,
                                                                        maxDuration: .seconds(3))) { benchmark in
        var read = 0
        while read < benchmark.scaledIterations.count {
            guard let reader = try? PcapReader(bytes: capture) else { return }
            while read < benchmark.scaledIterations.count, let frame = try? reader.next() {
                blackHole(frame)
                read += 1
            }
            reader.close()
        }
    }
}
