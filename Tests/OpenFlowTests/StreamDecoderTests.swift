import NIOCore
import OpenFlow
import TestSupport
import Testing

/// Hand-made messages, written from the OpenFlow 1.3 layouts (not from our encoder).
enum HandVectors {
    /// HELLO, xid 1, one version-bitmap element advertising version 4 only.
    static let hello = "04 00 00 10 00000001 0001 0008 00000010"
    /// ECHO_REQUEST, xid 2, payload "hi".
    static let echo = "04 02 00 0a 00000002 6869"
    /// BARRIER_REQUEST, xid 3.
    static let barrier = "04 14 00 08 00000003"
    /// FEATURES_REPLY, xid 4: dpid 0x0000000000000abc, 0 buffers, 254 tables, caps 0x4f.
    static let featuresReply = "04 06 00 20 00000004 0000000000000abc 00000000 fe 00 0000 0000004f 00000000"
    /// SET_CONFIG, xid 5: flags 0, miss_send_len 0xffff.
    static let setConfig = "04 09 00 0c 00000005 0000 ffff"
    /// ROLE_REQUEST, xid 6: role master (2), generation id 7.
    static let roleRequest = "04 18 00 18 00000006 00000002 00000000 0000000000000007"
    /// OVS's HELLO when it offers 1.5 first: version 6, no elements.
    static let helloV6 = "06 00 00 08 00000007"

    static func bytes(_ hex: String) -> [UInt8] { Hex.bytes(hex) ?? [] }
    static var all: [String] { [hello, echo, barrier, featuresReply, setConfig, roleRequest, helloV6] }
}

@Suite("OpenFlow stream decoder")
struct StreamDecoderTests {
    static let expected: [OpenFlowEnvelope] = [
        OpenFlowEnvelope(xid: 1, .hello(Hello(versions: [4]))),
        OpenFlowEnvelope(xid: 2, .echoRequest(ByteBuffer(bytes: [0x68, 0x69]))),
        OpenFlowEnvelope(xid: 3, .barrierRequest),
        OpenFlowEnvelope(xid: 4, .featuresReply(SwitchFeatures(datapathID: 0xabc, nTables: 254, capabilities: 0x4f))),
        OpenFlowEnvelope(xid: 5, .setConfig(SwitchConfig(flags: 0, missSendLength: 0xffff))),
        OpenFlowEnvelope(xid: 6, .roleRequest(RoleMessage(role: 2, generationID: 7))),
        OpenFlowEnvelope(version: 6, xid: 7, .hello(Hello())),
    ]

    static var stream: [UInt8] { HandVectors.all.flatMap(HandVectors.bytes) }

    /// Feeds the stream in chunks of `chunk` bytes and collects what comes out.
    func decode(chunk: Int) throws -> [OpenFlowEnvelope] {
        var decoder = OpenFlowMessageDecoder()
        var out: [OpenFlowEnvelope] = []
        var index = 0
        let bytes = Self.stream
        while index < bytes.count {
            let end = min(index + chunk, bytes.count)
            decoder.append(ByteBuffer(bytes: bytes[index..<end]))
            index = end
            while let envelope = try decoder.nextMessage() { out.append(envelope) }
        }
        #expect(decoder.pendingBytes == 0)
        return out
    }

    @Test("partial reads and several messages per read give the same messages", arguments: [1, 2, 3, 7, 8, 13, 64, 1000])
    func chunks(chunk: Int) throws {
        #expect(try decode(chunk: chunk) == Self.expected)
    }

    @Test("hand-written messages are what the encoder writes", arguments: zip(HandVectors.all, expected))
    func encodesHandVectors(hex: String, envelope: OpenFlowEnvelope) throws {
        #expect(Hex.string(try envelope.encoded().readableBytesView) == Hex.string(HandVectors.bytes(hex)))
    }

    @Test("a HELLO's version bitmap lists its versions")
    func helloVersions() throws {
        // Bitmap 0x00000612: versions 1, 4, 9, 10.
        let envelope = try OpenFlowEnvelope.decode(ByteBuffer(bytes: HandVectors.bytes("04 00 00 10 00000009 0001 0008 00000612")))
        guard case let .hello(hello) = envelope.message else { Issue.record("not a hello"); return }
        #expect(hello.versions == [1, 4, 9, 10])
    }

    @Test("a header length below 8 is an error at its offset, and stays one", arguments: [0, 1, 7])
    func shortLength(length: Int) throws {
        var decoder = OpenFlowMessageDecoder()
        var bytes = HandVectors.bytes(HandVectors.barrier)
        bytes += [4, 0x14, 0, UInt8(length), 0, 0, 0, 9]
        decoder.append(ByteBuffer(bytes: bytes))
        #expect(try decoder.nextMessage()?.message == .barrierRequest)
        let expected = OpenFlowDecodingError(what: "header length", offset: 8 + 2, reason: .badLength(length))
        #expect(throws: expected) { try decoder.nextMessage() }
        decoder.append(ByteBuffer(bytes: HandVectors.bytes(HandVectors.barrier)))
        #expect(throws: expected) { try decoder.nextMessage() }
    }

    @Test("a bad body is reported at its stream offset and skipped")
    func badBodyOffset() throws {
        var decoder = OpenFlowMessageDecoder()
        // SET_CONFIG one byte short (length 11): miss_send_len is cut at offset 8+10.
        let bad = HandVectors.bytes("04 09 00 0b 00000005 0000 ff")
        decoder.append(ByteBuffer(bytes: HandVectors.bytes(HandVectors.echo) + bad + HandVectors.bytes(HandVectors.barrier)))
        _ = try decoder.nextMessage()
        #expect(throws: OpenFlowDecodingError(what: "miss_send_len", offset: 10 + 10, reason: .truncated(needed: 2, available: 1))) {
            try decoder.nextMessage()
        }
        #expect(try decoder.nextMessage()?.message == .barrierRequest)
    }

    @Test("a message of 65535 bytes passes; one more byte cannot be encoded")
    func maximumLength() throws {
        let largest = OpenFlowEnvelope(xid: 1, .echoRequest(ByteBuffer(repeating: 0xab, count: 65535 - 8)))
        let bytes = try largest.encoded()
        #expect(bytes.readableBytes == 65535)
        var decoder = OpenFlowMessageDecoder()
        decoder.append(bytes)
        #expect(try decoder.nextMessage() == largest)
        let tooLarge = OpenFlowEnvelope(xid: 1, .echoRequest(ByteBuffer(repeating: 0xab, count: 65536 - 8)))
        var buffer = ByteBuffer()
        #expect(throws: OpenFlowEncodingError.self) { try tooLarge.encode(into: &buffer) }
        #expect(buffer.readableBytes == 0)
    }

    @Test("a decoded PACKET_IN's frame is a slice of the input, not a copy")
    func packetInSlice() throws {
        var buffer = ByteBuffer()
        let frame = ByteBuffer(repeating: 0x5a, count: 60)
        try OpenFlowEnvelope(xid: 1, .packetIn(PacketIn(totalLength: 60, reason: .noMatch, tableID: 0, cookie: 0,
                                                         match: Match([OXMField(.inPort, 3)]), data: frame))).encode(into: &buffer)
        let envelope = try OpenFlowEnvelope.decode(buffer)
        guard case let .packetIn(packetIn) = envelope.message else { Issue.record("not a packet-in"); return }
        #expect(packetIn.inPort == 3)
        let sameStorage = packetIn.data.withUnsafeReadableBytes { data in
            buffer.withUnsafeReadableBytes { whole in
                guard let start = data.baseAddress, let wholeStart = whole.baseAddress else { return false }
                return start >= wholeStart && start < wholeStart + whole.count
            }
        }
        #expect(sameStorage)
    }
}
