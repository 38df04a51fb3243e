import NIOCore
import OpenFlow
import OpenFlowController
import Testing
import TestSupport

/// A flow is kept packed (canonical match TLVs and instruction bytes in one
/// array): equal flows must stay equal however the match was written, and
/// what goes on the wire must be what the values say.
@Suite("FlowEntry: one packed array per flow")
struct FlowEntryPackingTests {
    struct Matches: NamedRow {
        var name: String
        var left: [OXMField]
        var right: [OXMField]
        var equal: Bool
    }

    static let matches: [Matches] = [
        Matches(name: "fields in another order", left: [OXMField(.inPort, 1), OXMField(.ethType, 0x0806)],
                right: [OXMField(.ethType, 0x0806), OXMField(.inPort, 1)], equal: true),
        Matches(name: "an all-ones mask is no mask", left: [OXMField(.metadata, 10, mask: .max)],
                right: [OXMField(.metadata, 10)], equal: true),
        Matches(name: "masked-out value bits do not count", left: [OXMField(.metadata, 0x1ff, mask: 0xff)],
                right: [OXMField(.metadata, 0xff, mask: 0xff)], equal: true),
        Matches(name: "another value", left: [OXMField(.inPort, 1)], right: [OXMField(.inPort, 2)], equal: false),
        Matches(name: "a field more", left: [OXMField(.inPort, 1)], right: [OXMField(.inPort, 1), OXMField(.ethType, 0x0800)],
                equal: false),
        Matches(name: "empty and empty", left: [], right: [], equal: true),
    ]

    @Test("keys compare as the matches do, and hash alike when equal", arguments: matches)
    func keys(_ vector: Matches) {
        let left = FlowKey(tableID: 10, priority: 5, match: Match(vector.left))
        let right = FlowKey(tableID: 10, priority: 5, match: Match(vector.right))
        #expect((left == right) == vector.equal)
        #expect((Match(vector.left) == Match(vector.right)) == vector.equal)
        if vector.equal { #expect(left.hashValue == right.hashValue) }
        // The key an entry carries is the same key, its instructions aside.
        let entry = FlowEntry(tableID: 10, priority: 5, match: Match(vector.left), cookie: 1,
                              instructions: [.applyActions([.output(port: 3, maxLength: 0)])])
        #expect((entry.key == right) == vector.equal)
        // Built with its instructions in the same array, it hashes as a key built from the match alone.
        if vector.equal { #expect(entry.key.hashValue == right.hashValue) }
        #expect(entry.key.match == Match(vector.left))
    }

    static let instructionLists: [[Instruction]] = [
        [],
        [.applyActions([.output(port: 3, maxLength: 0)])],
        [.applyActions([.setField(OXMField(.ethDst, bytes: [2, 0, 0, 0, 0, 1])), .output(port: 100, maxLength: 0)]),
         .gotoTable(20)],
        [.writeMetadata(10, mask: 0xffff), .meter(1), .gotoTable(30)],
    ]

    @Test("instructions read back as given; the FLOW_MOD's bytes are those of the values", arguments: instructionLists)
    func instructions(_ instructions: [Instruction]) throws {
        let match = Match([OXMField(.inPort, 7)])
        let entry = FlowEntry(tableID: 1, priority: 9, match: match, cookie: 0x42, instructions: instructions, idleTimeout: 3)
        #expect(entry.instructions == instructions)
        let packed = entry.flowMod(.add)
        let built = FlowMod(cookie: 0x42, tableID: 1, command: .add, idleTimeout: 3, priority: 9, match: match, instructions: instructions)
        #expect(try OpenFlowEnvelope(xid: 1, .flowMod(packed)).encoded() == OpenFlowEnvelope(xid: 1, .flowMod(built)).encoded())
        // Changing the instructions keeps the key.
        var changed = entry
        changed.instructions = [.applyActions([.output(port: 4, maxLength: 0)])]
        #expect(changed.key == entry.key)
        #expect(changed.instructions == [.applyActions([.output(port: 4, maxLength: 0)])])
        #expect((changed == entry) == (instructions == changed.instructions))
    }
}
