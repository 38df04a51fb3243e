import NIOCore
import OpenFlow
import Testing

/// A decoded FLOW_MOD keeps its instructions as checked bytes and builds the
/// values when they are read: it must be the same value as the one built,
/// and damage must be found when the message is decoded, not when read.
@Suite("FLOW_MOD instructions kept as bytes")
struct FlowModInstructionsTests {
    @Test("a decoded FLOW_MOD equals the built one, hashes alike and re-encodes to the same bytes",
          arguments: oracleFlows.map(\.flowMod))
    func decodedEqualsBuilt(flowMod: FlowMod) throws {
        let bytes = try OpenFlowEnvelope(xid: 7, .flowMod(flowMod)).encoded()
        let decoded = try OpenFlowEnvelope.decode(bytes)
        guard case let .flowMod(decodedFlowMod) = decoded.message else {
            Issue.record("not a FLOW_MOD: \(decoded.message.typeName)")
            return
        }
        #expect(decodedFlowMod.instructions == flowMod.instructions)
        #expect(decodedFlowMod == flowMod)
        #expect(decodedFlowMod.hashValue == flowMod.hashValue)
        #expect(try decoded.encoded() == bytes)
        // Replacing the instructions of a decoded one works as on a built one.
        var changed = decodedFlowMod
        changed.instructions = [.gotoTable(9)]
        #expect(changed.instructions == [.gotoTable(9)])
        #expect(changed != flowMod)
    }

    /// header 8 + fixed 40 + match 16 (in_port) = the instruction at 64,
    /// its apply-actions header 8, so the output action at 72.
    static let oneOutput = FlowMod(priority: 1, match: Match([OXMField(.inPort, 1)]), instructions: [.applyActions([.output(2)])])

    @Test("damage inside an action list is an error when the FLOW_MOD is decoded", arguments: [
        // (offset to overwrite, 16-bit value, what, error offset, reason)
        (74, UInt16(12), "action", 72, OpenFlowDecodingError.Reason.badLength(12)),
        (74, 8, "action length", 74, .badLength(8)),
        (66, 16, "action", 72, .truncated(needed: 16, available: 8)),
    ])
    func damagedActions(at: Int, value: UInt16, what: String, offset: Int, reason: OpenFlowDecodingError.Reason) throws {
        var bytes = try OpenFlowEnvelope(xid: 1, .flowMod(Self.oneOutput)).encoded()
        #expect(bytes.readableBytes == 88)
        bytes.setInteger(value, at: at)
        #expect(throws: OpenFlowDecodingError(what: what, offset: offset, reason: reason)) {
            try OpenFlowEnvelope.decode(bytes)
        }
    }
}
