// libFuzzer entry point for the Packets decoders. Built by Tests/Tools/fuzz
// with -sanitize=fuzzer -DFUZZING; a plain build gives a program that says so.
import FuzzDriver
import NIOCore
import Packets

func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: count))
    // Every layer, through VXLAN into inner frames; then what is derived from them.
    if let frame = try? DecodedFrame(decoding: buffer) {
        exercise(frame)
    }
    var reassembler = TCPReassembler(maximumPendingBytes: 4096)
    reassembler.add(frame: buffer)
    reassembler.add(frame: buffer)
    _ = try? FrameBuilder.arpReply(answering: buffer, hardwareAddress: .broadcast)
    _ = try? FrameBuilder.neighborAdvertisement(answering: buffer, hardwareAddress: .broadcast)
    // The text parsers read operator input (config, CLI).
    let text = String(decoding: UnsafeBufferPointer(start: data, count: min(count, 64)), as: UTF8.self)
    // Whatever parses must print as text that parses back to the same value.
    if let a = EthernetAddress(text) { precondition(EthernetAddress(a.description) == a, "MAC text round trip") }
    if let a = IPv4Address(text) { precondition(IPv4Address(a.description) == a && a.description == text, "IPv4 text round trip") }
    if let a = IPv6Address(text) { precondition(IPv6Address(a.description) == a, "IPv6 text round trip") }
    if let a = IPAddress(bytes: buffer.readableBytesView.prefix(16)) { precondition(IPAddress(a.description) == a, "IP bytes to text") }
    return 0
}

/// Touches every computed property that reads wire values (checksums,
/// re-encoding), so arithmetic on hostile values runs under the sanitizer.
func exercise(_ frame: DecodedFrame) {
    _ = frame.ethernet.bytes
    _ = frame.firstError?.description
    var pseudo: (IPAddress, IPAddress)? = nil
    switch frame.network {
    case .ipv4(let ip):
        _ = ip.isHeaderChecksumValid
        var out = ByteBuffer()
        ip.write(to: &out)
        pseudo = (.v4(ip.source), .v4(ip.destination))
    case .ipv6(let ip):
        var out = ByteBuffer()
        ip.write(to: &out)
        pseudo = (.v6(ip.source), .v6(ip.destination))
    case .arp(let arp):
        _ = arp.reply(hardwareAddress: .zero)
        _ = arp.isGratuitous
    case nil:
        break
    }
    if let (source, destination) = pseudo {
        switch frame.transport {
        case .tcp(let tcp): _ = tcp.computedChecksum(source: source, destination: destination); _ = tcp.sequenceLength
        case .udp(let udp): _ = udp.computedChecksum(source: source, destination: destination)
        case .icmpv4(let icmp): _ = icmp.isChecksumValid
        case .icmpv6(let icmp): _ = icmp.computedChecksum(source: source.ipv6, destination: destination.ipv6)
        case nil: break
        }
    }
    if case let .vxlan(_, inner)? = frame.application { exercise(inner) }
}

@main
enum PacketsFuzzer: FuzzTarget {
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt { fuzz(data, count) }
}
