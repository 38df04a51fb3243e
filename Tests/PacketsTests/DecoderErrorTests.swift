import Foundation
import NIOCore
import Packets
import Testing
import TestSupport

/// Hand-written malformed frames and the error each must give: layer,
/// reason kind and byte offset.
struct BadFrame: NamedRow {
    var name: String
    var hex: String
    var layer: PacketLayer
    var offset: Int
    var truncated: Bool
}

let eth = "ffffffffffff 024200000001"

let badFrames: [BadFrame] = [
    BadFrame(name: "13 bytes of Ethernet", hex: "ffffffffffff 024200000001 08", layer: .ethernet, offset: 0, truncated: true),
    BadFrame(name: "VLAN tag cut short", hex: eth + "8100 00", layer: .ethernet, offset: 14, truncated: true),
    BadFrame(name: "ARP with hardware type 6", hex: eth + "0806 0006 0800 06 04 0001" + String(repeating: "00", count: 20),
             layer: .arp, offset: 14, truncated: false),
    BadFrame(name: "ARP with protocol length 16", hex: eth + "0806 0001 0800 06 10 0001" + String(repeating: "00", count: 20),
             layer: .arp, offset: 19, truncated: false),
    BadFrame(name: "ARP cut after the opcode", hex: eth + "0806 0001 0800 06 04 0001 0242", layer: .arp, offset: 22, truncated: true),
    BadFrame(name: "IPv4 version 5", hex: eth + "0800 55000014 00000000 4011 0000 0a000001 0a000002", layer: .ipv4, offset: 14, truncated: false),
    BadFrame(name: "IPv4 IHL 4", hex: eth + "0800 44000014 00000000 4011 0000 0a000001 0a000002", layer: .ipv4, offset: 14, truncated: false),
    BadFrame(name: "IPv4 total length beyond the frame", hex: eth + "0800 45000100 00000000 4011 0000 0a000001 0a000002",
             layer: .ipv4, offset: 14, truncated: true),
    BadFrame(name: "IPv4 total length below header", hex: eth + "0800 45000010 00000000 4011 0000 0a000001 0a000002",
             layer: .ipv4, offset: 16, truncated: false),
    BadFrame(name: "UDP length 7", hex: eth + "0800 4500001c 00000000 4011 0000 0a000001 0a000002 0001 0002 0007 0000",
             layer: .udp, offset: 38, truncated: false),
    BadFrame(name: "TCP data offset 4", hex: eth + "0800 45000028 00000000 4006 0000 0a000001 0a000002 0001 0002 00000000 00000000 4002 ffff 0000 0000",
             layer: .tcp, offset: 46, truncated: false),
    BadFrame(name: "IPv6 payload length beyond the frame",
             hex: eth + "86dd 60000000 0010 11 40" + String(repeating: "00", count: 32), layer: .ipv6, offset: 14, truncated: true),
    BadFrame(name: "IPv6 hop-by-hop header longer than the payload",
             hex: eth + "86dd 60000000 0008 00 40" + String(repeating: "00", count: 32) + "11 01 0000 00000000",
             layer: .ipv6ExtensionHeader, offset: 56, truncated: true),
    BadFrame(name: "VXLAN without the I flag",
             hex: eth + "0800 45000024 00000000 4011 0000 0a000001 0a000002 c000 12b5 0010 0000 00000000 00138900",
             layer: .vxlan, offset: 42, truncated: false),
    BadFrame(name: "ND option of length 0",
             hex: "3333ff000002 024200000001 86dd 60000000 0020 3a ff fd000010000000000000000000000001 ff0200000000000000000001ff000002"
                 + "87 00 0000 00000000 fd000010000000000000000000000002 01 00 024200000001",
             layer: .neighborDiscovery, offset: 79, truncated: false),
]

/// The error a whole-frame decode stops with, wherever it is reported.
func decodeError(_ bytes: [UInt8]) -> PacketError? {
    do {
        return try DecodedFrame(decoding: ByteBuffer(bytes: bytes)).firstError
    } catch {
        return error
    }
}

@Suite struct DecoderErrorTests {
    @Test(arguments: badFrames)
    func malformedFrameGivesTypedErrorAtOffset(bad: BadFrame) throws {
        let bytes = try #require(Hex.bytes(bad.hex), "bad hex in \(bad.name)")
        let e = try #require(decodeError(bytes), "\(bad.name) decoded without error")
        #expect(e.layer == bad.layer, "\(e)")
        #expect(e.offset == bad.offset, "\(e)")
        if case .truncated = e.reason { #expect(bad.truncated, "\(e)") } else { #expect(!bad.truncated, "\(e)") }
        #expect(e.offset <= bytes.count)
    }

    /// Ethernet padding after a short IPv4 packet is not handed to UDP.
    @Test func ipv4PayloadStopsAtTotalLength() throws {
        let bytes = try #require(Hex.bytes(eth + "0800 45000020 00000000 4011 0000 0a000001 0a000002 0001 0002 000c 0000 61626364"
                                           + String(repeating: "00", count: 14)))
        let frame = try DecodedFrame(decoding: ByteBuffer(bytes: bytes))
        guard case let .udp(udp)? = frame.transport else {
            Issue.record("no UDP: \(frame)")
            return
        }
        #expect(Array(udp.payload.readableBytesView) == Array("abcd".utf8))
    }

    /// Frames whose network layer this module does not know still decode their Ethernet header.
    @Test(arguments: ["88cc", "0842", "05dc"])
    func unknownEtherTypeKeepsPayload(type: String) throws {
        let bytes = try #require(Hex.bytes(eth + type + "0102030405"))
        let frame = try DecodedFrame(decoding: ByteBuffer(bytes: bytes))
        #expect(frame.network == nil && frame.error == nil)
        #expect(frame.ethernet.etherType.description == "0x" + type)
        #expect(frame.ethernet.payload.readableBytes == 5)
    }
}

/// Extension-header walks and fragments: what the upper layer is, and
/// whether a transport header is decoded at all.
struct IPv6Walk: NamedRow {
    var name: String
    /// Next-header of the fixed header, then the bytes after it.
    var nextHeader: UInt8
    var body: String
    var upper: UInt8
    var extensionLength: Int
    var hasTransport: Bool
}

let udpHex = "0035 0035 000c 0000 61626364"

let ipv6Walks: [IPv6Walk] = [
    IPv6Walk(name: "plain UDP", nextHeader: 17, body: udpHex, upper: 17, extensionLength: 0, hasTransport: true),
    IPv6Walk(name: "hop-by-hop, routing, destination options", nextHeader: 0,
             body: "2b00 0104 00000000" + "3c00 0000 00000000" + "1100 0104 00000000" + udpHex,
             upper: 17, extensionLength: 24, hasTransport: true),
    IPv6Walk(name: "authentication header (4-byte units)", nextHeader: 51,
             body: "1101 0000 00000001 00000001" + udpHex, upper: 17, extensionLength: 12, hasTransport: true),
    IPv6Walk(name: "first fragment", nextHeader: 44, body: "1100 0001 12345678" + udpHex, upper: 17, extensionLength: 8, hasTransport: true),
    IPv6Walk(name: "later fragment", nextHeader: 44, body: "1100 0008 12345678" + "deadbeefdeadbeef", upper: 17,
             extensionLength: 8, hasTransport: false),
    IPv6Walk(name: "ESP stops the walk", nextHeader: 50, body: "00000001 00000001 0102", upper: 50, extensionLength: 0, hasTransport: false),
    IPv6Walk(name: "no next header", nextHeader: 59, body: "", upper: 59, extensionLength: 0, hasTransport: false),
]

@Suite struct IPv6WalkTests {
    @Test(arguments: ipv6Walks)
    func extensionHeadersAreSkipped(walk: IPv6Walk) throws {
        let body = try #require(Hex.bytes(walk.body))
        var hex = eth + "86dd 60000000"
        hex += String(format: "%04x", body.count) + String(format: "%02x", walk.nextHeader) + "40"
        hex += "fd000000000000000000000000000001 fd000000000000000000000000000002" + walk.body
        let frame = try DecodedFrame(decoding: ByteBuffer(bytes: try #require(Hex.bytes(hex))))
        #expect(frame.error == nil, "\(String(describing: frame.error))")
        guard case let .ipv6(ip)? = frame.network else {
            Issue.record("not IPv6")
            return
        }
        #expect(ip.upperLayerProtocol.rawValue == walk.upper)
        #expect(ip.extensionHeadersLength == walk.extensionLength)
        #expect((frame.transport != nil) == walk.hasTransport)
        if case let .udp(udp)? = frame.transport {
            #expect(Array(udp.payload.readableBytesView) == Array("abcd".utf8))
        }
    }

    @Test(arguments: [(UInt16(0x2000), true), (0x0000, true), (0x0001, false), (0x2010, false)])
    func ipv4FragmentsBeyondTheFirstHaveNoTransport(flags: UInt16, hasTransport: Bool) throws {
        let hex = eth + "0800 45000020 0000" + String(format: "%04x", flags) + "4011 0000 0a000001 0a000002" + udpHex
        let frame = try DecodedFrame(decoding: ByteBuffer(bytes: try #require(Hex.bytes(hex))))
        #expect(frame.error == nil)
        #expect((frame.transport != nil) == hasTransport)
    }
}
