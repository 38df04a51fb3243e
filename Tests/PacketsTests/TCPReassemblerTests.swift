import Foundation
import NIOCore
import Packets
import Pcap
import Testing
import TestSupport

/// A two-way TCP conversation as frames, with a recipe for how the capture
/// mangled it (reordering, duplicates, retransmissions with overlaps).
struct Conversation: NamedRow {
    var name: String
    var client: TCPEndpoint
    var server: TCPEndpoint
    var clientISN: UInt32
    var serverISN: UInt32
    /// Application data each side sends, in chunks (each chunk one segment).
    var clientChunks: [[UInt8]]
    var serverChunks: [[UInt8]]
    /// Turns the in-order frame list into what the capture saw.
    var mangle: @Sendable ([ByteBuffer]) -> [ByteBuffer]


    static let clientMAC = EthernetAddress(0x02, 0, 0, 0, 0, 1)
    static let serverMAC = EthernetAddress(0x02, 0, 0, 0, 0, 2)

    func frame(fromClient: Bool, seq: UInt32, ack: UInt32, flags: TCPFlags, payload: [UInt8] = []) -> ByteBuffer {
        FrameBuilder.tcp(source: fromClient ? Self.clientMAC : Self.serverMAC,
                         destination: fromClient ? Self.serverMAC : Self.clientMAC,
                         from: fromClient ? client : server, to: fromClient ? server : client,
                         segment: TCPSegment(sourcePort: 0, destinationPort: 0, sequenceNumber: seq,
                                             acknowledgmentNumber: ack, flags: flags, payload: ByteBuffer(bytes: payload)))
    }

    /// Handshake, then each side's chunks interleaved, then FINs; in order.
    var inOrderFrames: [ByteBuffer] {
        var frames = [frame(fromClient: true, seq: clientISN, ack: 0, flags: .syn),
                      frame(fromClient: false, seq: serverISN, ack: clientISN &+ 1, flags: [.syn, .ack])]
        var c = clientISN &+ 1, s = serverISN &+ 1
        for i in 0..<max(clientChunks.count, serverChunks.count) {
            if i < clientChunks.count {
                frames.append(frame(fromClient: true, seq: c, ack: s, flags: [.ack, .psh], payload: clientChunks[i]))
                c = c &+ UInt32(clientChunks[i].count)
            }
            if i < serverChunks.count {
                frames.append(frame(fromClient: false, seq: s, ack: c, flags: [.ack, .psh], payload: serverChunks[i]))
                s = s &+ UInt32(serverChunks[i].count)
            }
        }
        frames.append(frame(fromClient: true, seq: c, ack: s, flags: [.fin, .ack]))
        frames.append(frame(fromClient: false, seq: s, ack: c &+ 1, flags: [.fin, .ack]))
        return frames
    }
}

private func chunks(_ sizes: [Int], seed: UInt8) -> [[UInt8]] {
    var n = seed
    return sizes.map { size in (0..<size).map { _ in n = n &* 31 &+ 7; return n } }
}

let v4Client = TCPEndpoint(address: .v4(IPv4Address(10, 0, 0, 1)), port: 40000)
let v4Server = TCPEndpoint(address: .v4(IPv4Address(10, 0, 0, 2)), port: 179)
let v6Client = TCPEndpoint(address: .v6(IPv6Address("fd00::1")!), port: 50123)
let v6Server = TCPEndpoint(address: .v6(IPv6Address("fd00::2")!), port: 179)

let conversations: [Conversation] = [
    Conversation(name: "in order", client: v4Client, server: v4Server, clientISN: 1000, serverISN: 5000,
                 clientChunks: chunks([19, 100, 3], seed: 1), serverChunks: chunks([29, 7], seed: 2), mangle: { $0 }),
    Conversation(name: "sequence numbers wrap", client: v4Client, server: v4Server,
                 clientISN: 0xffff_fff0, serverISN: 0xffff_ffff,
                 clientChunks: chunks([10, 10, 10], seed: 3), serverChunks: chunks([40], seed: 4), mangle: { $0 }),
    Conversation(name: "every data segment duplicated", client: v6Client, server: v6Server, clientISN: 7, serverISN: 9,
                 clientChunks: chunks([50, 60], seed: 5), serverChunks: chunks([70, 80], seed: 6),
                 mangle: { $0.flatMap { [$0, $0] } }),
    Conversation(name: "reversed data segments", client: v4Client, server: v4Server, clientISN: 42, serverISN: 4242,
                 clientChunks: chunks([5, 6, 7, 8], seed: 7), serverChunks: chunks([9, 10, 11], seed: 8),
                 mangle: { f in [f[0], f[1]] + f[2..<(f.count - 2)].reversed() + f[(f.count - 2)...] }),
    Conversation(name: "a retransmission after later data", client: v4Client, server: v4Server, clientISN: 1, serverISN: 2,
                 clientChunks: chunks([100, 100, 100], seed: 9), serverChunks: [],
                 mangle: { f in Array(f[0..<4]) + [f[2], f[3]] + Array(f[4...]) }),
    Conversation(name: "mid-stream capture without handshake", client: v6Client, server: v6Server, clientISN: 77, serverISN: 88,
                 clientChunks: chunks([12, 13], seed: 10), serverChunks: chunks([14], seed: 11),
                 mangle: { Array($0.dropFirst(2)) }),
]

@Suite struct TCPReassemblerTests {
    @Test(arguments: conversations)
    func reassemblesEachDirection(conversation: Conversation) {
        var reassembler = TCPReassembler()
        var delivered: [TCPFlowKey: [UInt8]] = [:]
        for frame in conversation.mangle(conversation.inOrderFrames) {
            if let d = reassembler.add(frame: frame) { delivered[d.key, default: []] += Array(d.bytes.readableBytesView) }
        }
        let up = TCPFlowKey(source: conversation.client, destination: conversation.server)
        let streams = reassembler.streams
        let clientStream = streams.first { $0.key == up }
        let serverStream = streams.first { $0.key == up.reversed }
        #expect(clientStream.map { Array($0.payload.readableBytesView) } == conversation.clientChunks.flatMap { $0 })
        #expect(delivered[up] ?? [] == conversation.clientChunks.flatMap { $0 })
        if !conversation.serverChunks.isEmpty || conversation.name != "mid-stream capture without handshake" {
            #expect(serverStream.map { Array($0.payload.readableBytesView) } == conversation.serverChunks.flatMap { $0 })
        }
        #expect(clientStream?.sawFIN == true)
        #expect(clientStream?.pendingBytes == 0)
        #expect(Set(streams.map(\.connection)) == [0])
    }

    /// A second SYN on the same 4-tuple starts a new pair of streams.
    @Test func reusedFourTupleIsANewConnection() {
        var first = conversations[0]
        first.mangle = { $0 }
        var second = first
        second.clientISN = 900_000
        second.serverISN = 800_000
        second.clientChunks = chunks([33], seed: 12)
        var reassembler = TCPReassembler()
        for frame in first.inOrderFrames + second.inOrderFrames { reassembler.add(frame: frame) }
        let streams = reassembler.streams
        #expect(streams.count == 4)
        #expect(streams.map(\.connection) == [0, 0, 1, 1])
        #expect(Array(streams[2].payload.readableBytesView) == second.clientChunks.flatMap { $0 })
        #expect(Array(streams[0].payload.readableBytesView) == first.clientChunks.flatMap { $0 })
    }

    /// A gap that never fills stays pending and is bounded.
    @Test(arguments: [0, 10, 1000])
    func pendingBytesAreBounded(limit: Int) {
        let c = conversations[0]
        var reassembler = TCPReassembler(maximumPendingBytes: limit)
        // Drop the first data segment: everything after it is behind a gap.
        let frames = c.inOrderFrames
        for frame in frames where frame != frames[2] { reassembler.add(frame: frame) }
        let stream = reassembler.streams.first { $0.key.source == c.client }
        #expect(stream?.payload.readableBytes == 0)
        #expect((stream?.pendingBytes ?? .max) <= limit)
    }

    @Test func nonTCPFramesAreIgnored() {
        var reassembler = TCPReassembler()
        let udp = FrameBuilder.udp(source: Conversation.clientMAC, destination: Conversation.serverMAC,
                                   from: v4Client.address, to: v4Server.address, sourcePort: 1, destinationPort: 2,
                                   payload: ByteBuffer(bytes: [1, 2, 3]))
        #expect(reassembler.add(frame: udp) == nil)
        #expect(reassembler.add(frame: ByteBuffer(bytes: [1, 2, 3])) == nil)
        #expect(reassembler.streams.isEmpty)
    }
}

/// One TCP connection as Wireshark's "Follow TCP stream" reassembles it:
/// node 0 is the endpoint of the connection's first packet.
struct FollowedStream {
    var node0: String
    var node1: String
    var fromNode0: [UInt8] = []
    var fromNode1: [UInt8] = []
}

/// tshark's reassembly of TCP streams `0..<count` of `pcap` (one run), an
/// independent oracle for ours. Nil when tshark is absent.
func tsharkFollow(pcap: String, streams count: Int) throws -> [FollowedStream]? {
    guard let tshark = Command.which("tshark") else { return nil }
    let result = try Command.run(tshark, ["-r", pcap, "-q"] + (0..<count).flatMap { ["-z", "follow,tcp,raw,\($0)"] })
    guard result.status == 0 else { throw TsharkFailure(message: result.stderr) }
    var out: [FollowedStream] = []
    for line in result.stdout.split(separator: "\n") {
        if line.hasPrefix("Node 0: ") {
            out.append(FollowedStream(node0: String(line.dropFirst(8)), node1: ""))
        } else if line.hasPrefix("Node 1: "), !out.isEmpty {
            out[out.count - 1].node1 = String(line.dropFirst(8))
        } else if !out.isEmpty, !out[out.count - 1].node1.isEmpty, !line.hasPrefix("====="), !line.hasPrefix("Follow:"),
                  !line.hasPrefix("Filter:") {
            // Data from node 1 is indented with a tab.
            if line.hasPrefix("\t") {
                out[out.count - 1].fromNode1 += Hex.bytes(String(line.dropFirst())) ?? []
            } else {
                out[out.count - 1].fromNode0 += Hex.bytes(String(line)) ?? []
            }
        }
    }
    return out
}

/// Our streams and tshark's agree byte for byte, direction by direction.
func expectAgreement(_ ours: [TCPStream], _ theirs: [FollowedStream], _ context: String) {
    for followed in theirs {
        let up = ours.filter { "\($0.key.source)" == followed.node0 && "\($0.key.destination)" == followed.node1 }
        let down = ours.filter { "\($0.key.source)" == followed.node1 && "\($0.key.destination)" == followed.node0 }
        #expect(up.flatMap { Array($0.payload.readableBytesView) } == followed.fromNode0, "\(context): \(followed.node0) > \(followed.node1)")
        #expect(down.flatMap { Array($0.payload.readableBytesView) } == followed.fromNode1, "\(context): \(followed.node1) > \(followed.node0)")
    }
}

@Suite struct TCPReassemblerOracleTests {
    @Test(.enabled(if: Command.which("tshark") != nil, "tshark is not installed (apt install tshark)"), arguments: conversations.filter { $0.name != "mid-stream capture without handshake" })
    func agreesWithWiresharkFollowStream(conversation: Conversation) throws {
        let frames = conversation.mangle(conversation.inOrderFrames)
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("conversation.pcap").path
        try PcapWriter.write(frames, to: path)
        let follow = try #require(try tsharkFollow(pcap: path, streams: 1), "tshark is not installed (apt install tshark), although its check at the start said it was")
        var reassembler = TCPReassembler()
        for frame in try PcapReader.frames(path: path) { reassembler.add(frame: frame.data) }
        #expect(follow.count == 1 && !(follow.first?.fromNode0.isEmpty ?? true))
        expectAgreement(reassembler.streams, follow, conversation.name)
    }

    /// Every TCP connection of every captured fixture (real BGP sessions).
    @Test(.enabled(if: Command.which("tshark") != nil, "tshark is not installed (apt install tshark)"), arguments: fixtureCaptures)
    func fixtureStreamsAgreeWithWireshark(pcap: String) throws {
        var reassembler = TCPReassembler()
        for frame in try PcapReader.frames(path: pcap) { reassembler.add(frame: frame.data) }
        let connections = Set(reassembler.streams.map(\.connection)).count
        guard connections > 0 else { return }
        let follow = try #require(try tsharkFollow(pcap: pcap, streams: connections), "tshark is not installed (apt install tshark), although its check at the start said it was")
        #expect(follow.count == connections)
        expectAgreement(reassembler.streams, follow, URL(fileURLWithPath: pcap).lastPathComponent)
    }
}
