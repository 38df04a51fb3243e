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

    /// Each file is one message (the truncated64 one is empty, an error):
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

/// The vectors of the message types the controller uses, whose decoded fields
/// must equal Ryu's JSON.
let controllerTypeVectors: [Vectors.Vector] = Vectors.packets.filter { vector in
    guard !vector.name.hasSuffix(".truncated64"),
          let envelope = try? OpenFlowEnvelope.decode(ByteBuffer(bytes: vector.bytes)) else { return false }
    return RyuShape.render(envelope) != nil
}

@Suite("OpenFlow decoded fields equal Ryu's JSON")
struct RyuFieldTests {
    @Test("controller message types are covered", .enabled(if: Vectors.folder != nil, Comment(rawValue: Vectors.absentMessage)))
    func coverage() {
        let names = Set(controllerTypeVectors.compactMap { vector -> String? in
            (try? OpenFlowEnvelope.decode(ByteBuffer(bytes: vector.bytes))).flatMap(RyuShape.render)?.keys.first
        })
        let wanted: Set<String> = ["OFPHello", "OFPSwitchFeatures", "OFPFeaturesRequest", "OFPSetConfig", "OFPFlowMod",
                                   "OFPPacketIn", "OFPPacketOut", "OFPPortStatus", "OFPFlowRemoved", "OFPBarrierRequest",
                                   "OFPBarrierReply", "OFPEchoRequest", "OFPEchoReply", "OFPErrorMsg", "OFPRoleRequest",
                                   "OFPRoleReply", "OFPPortDescStatsRequest", "OFPPortDescStatsReply", "OFPFlowStatsRequest",
                                   "OFPFlowStatsReply", "OFPDescStatsRequest", "OFPDescStatsReply"]
        #expect(wanted.subtracting(names).isEmpty, "not covered: \(wanted.subtracting(names).sorted())")
    }

    @Test("fields equal Ryu's", arguments: controllerTypeVectors)
    func fields(vector: Vectors.Vector) throws {
        let envelope = try OpenFlowEnvelope.decode(ByteBuffer(bytes: vector.bytes))
        let ours = try #require(RyuShape.render(envelope))
        let theirs = try #require(Vectors.json(for: vector.name), "no JSON for \(vector.name)")
        let differences = RyuShape.differences(ours, theirs)
        #expect(differences.isEmpty, "\(vector.name): \(differences.joined(separator: "; "))")
    }
}
