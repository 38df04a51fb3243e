import NIOCore
import OpenFlow
import TestSupport
import Testing

@Suite("OpenFlow conformance (Ryu vectors)")
struct ConformanceTests {
    @Test("there are 105 vectors", .enabled(if: Vectors.folder != nil, Comment(rawValue: Vectors.absentMessage)))
    func vectorCount() {
        #expect(Vectors.packets.count == 105)
    }

    /// Each file is one message (the truncated64 one is cut inside its body):
    /// decode it and re-encode to the same bytes.
    @Test("decode and re-encode byte for byte", arguments: Vectors.packets)
    func roundTrip(vector: Vectors.Vector) throws {
        let input = ByteBuffer(bytes: vector.bytes)
        if vector.name.hasSuffix(".truncated64") {
            #expect(throws: OpenFlowDecodingError.self) { try OpenFlowEnvelope.decode(input) }
            return
        }
        let envelope = try OpenFlowEnvelope.decode(input)
        if case .unknown = envelope.message { Issue.record("\(vector.name) decoded as an unknown type") }
        let output = try envelope.encoded()
        #expect(Hex.string(output.readableBytesView) == Hex.string(vector.bytes))
    }
}
