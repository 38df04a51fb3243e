import NIOCore
import Packets
import Testing

/// Whatever the bytes, decoding returns a value or a PacketError whose
/// offset lies inside the input; decodable Ethernet and IPv4 headers write
/// back to the bytes they came from.
@Suite struct RobustnessTests {
    /// `onlyTruncation`: the input is a cut valid frame, so any error must say "truncated".
    private func check(_ bytes: [UInt8], onlyTruncation: Bool = false, _ context: @autoclosure () -> String) {
        if onlyTruncation, let error = decodeError(bytes) {
            if case .truncated = error.reason {} else { Issue.record("\(context()): \(error)") }
        }
        let buffer = ByteBuffer(bytes: bytes)
        do {
            let frame = try DecodedFrame(decoding: buffer)
            if let error = frame.firstError {
                #expect(error.offset >= 0 && error.offset <= bytes.count, "\(context()): \(error)")
            }
            // The Ethernet layer round-trips exactly.
            #expect(Array(frame.ethernet.bytes.readableBytesView) == bytes, "\(context())")
            if case let .ipv4(ip)? = frame.network {
                var out = ByteBuffer()
                ip.write(to: &out)
                let start = frame.ethernet.payloadOffset
                #expect(Array(out.readableBytesView) == Array(bytes[start..<(start + Int(ip.totalLength))]), "\(context())")
            }
            var reassembler = TCPReassembler()
            _ = reassembler.add(frame: buffer)
            _ = try? FrameBuilder.arpReply(answering: buffer, hardwareAddress: .zero)
            _ = try? FrameBuilder.neighborAdvertisement(answering: buffer, hardwareAddress: .zero)
        } catch {
            #expect(error.layer == .ethernet && error.offset <= bytes.count, "\(context()): \(error)")
        }
    }

    @Test(arguments: samples)
    func everyTruncationDecodesOrFails(sample: Sample) {
        let bytes = Array(sample.bytes.readableBytesView)
        for length in 0...bytes.count {
            check(Array(bytes[0..<length]), onlyTruncation: true, "\(sample.name) cut to \(length)")
        }
        #expect(decodeError(bytes) == nil, "\(sample.name) itself must decode")
    }

    @Test(arguments: samples)
    func everyBitFlipDecodesOrFails(sample: Sample) {
        let bytes = Array(sample.bytes.readableBytesView)
        for bit in 0..<(bytes.count * 8) {
            var flipped = bytes
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            check(flipped, "\(sample.name) bit \(bit) flipped")
        }
    }

    /// Random bytes after a valid Ethernet header of each ethertype.
    @Test(arguments: [0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8] as [UInt16])
    func randomPayloadsDecodeOrFail(etherType: UInt16) {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<500 {
            let count = Int.random(in: 0..<200, using: &generator)
            var bytes: [UInt8] = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, UInt8(etherType >> 8), UInt8(etherType & 0xff)]
            bytes += (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            check(bytes, "random round \(round): \(bytes)")
        }
    }
}
