import NIOCore
import OpenFlow
import Testing

@Suite("OXM match canonical form")
struct MatchTests {
    @Test("field order does not matter")
    func order() {
        let a = Match([OXMField(.inPort, 1), OXMField(.ethType, 0x0806), OXMField(.metadata, 100)])
        let b = Match([OXMField(.metadata, 100), OXMField(.inPort, 1), OXMField(.ethType, 0x0806)])
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.oxmBytes != b.oxmBytes)
    }

    @Test("an all-ones mask equals no mask; masked-out bits do not count")
    func masks() {
        #expect(Match([OXMField(.metadata, 100, mask: .max)]) == Match([OXMField(.metadata, 100)]))
        #expect(Match([OXMField(.ipv4Src, 0x0a00_0001, mask: 0xffff_ff00)]) == Match([OXMField(.ipv4Src, 0x0a00_0000, mask: 0xffff_ff00)]))
        #expect(Match([OXMField(.metadata, 100, mask: 0xff)]) != Match([OXMField(.metadata, 100)]))
    }

    @Test("different values or fields differ")
    func differ() {
        #expect(Match([OXMField(.inPort, 1)]) != Match([OXMField(.inPort, 2)]))
        #expect(Match([OXMField(.inPort, 1)]) != Match([OXMField(.inPort, 1), OXMField(.ethType, 0x0800)]))
        #expect(Match([OXMField.register(0, 1)]) != Match([OXMField.xreg(0, 1)]))
    }

    @Test("flows compare by (table, priority, match) whatever OVS's field order")
    func flowKey() {
        struct Key: Hashable { var table: UInt8; var priority: UInt16; var match: Match }
        let wanted: Set<Key> = [Key(table: 30, priority: 100, match: Match([OXMField(.metadata, 100), OXMField(.ethDst, 0x5254_0000_0001)]))]
        let fromSwitch = Key(table: 30, priority: 100, match: Match([OXMField(.ethDst, 0x5254_0000_0001), OXMField(.metadata, 100)]))
        #expect(wanted.contains(fromSwitch))
    }
}

@Suite("OXM values")
struct OXMValueTests {
    /// Values of every width up to 17 bytes (16 is the inline limit) keep their bytes.
    @Test("bytes survive storage, encoding and decoding", arguments: 0...17)
    func widths(width: Int) throws {
        let bytes = (0..<width).map { UInt8(truncatingIfNeeded: 0xe5 + 3 * $0) }
        let field = OXMField(oxmClass: 0x8000, field: 0x7f, value: bytes, mask: bytes.isEmpty ? nil : bytes.reversed())
        #expect(field.value == bytes)
        #expect(field.mask == (bytes.isEmpty ? nil : bytes.reversed()))
        let expectedInteger = width <= 8 ? bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } : nil
        #expect(field.integerValue == expectedInteger)
        let flowMod = FlowMod(match: Match([field]))
        let decoded = try OpenFlowEnvelope.decode(try OpenFlowEnvelope(xid: 1, .flowMod(flowMod)).encoded())
        guard case let .flowMod(back) = decoded.message else { Issue.record("not a flow_mod"); return }
        #expect(back.match.fields == [field])
    }

    @Test("an integer field is written big-endian in its width")
    func integerField() {
        #expect(OXMField(.ethDst, 0x5254_0000_0001).value == [0x52, 0x54, 0, 0, 0, 1])
        #expect(OXMField(.vlanVID, 0x100a).value == [0x10, 0x0a])
        #expect(OXMField.register(3, 0x0102_0304).value == [1, 2, 3, 4])
    }
}
