import NIOCore
import OpenFlow
import Testing
import TestSupport

@Suite("OXM match canonical form")
struct MatchTests {
    /// The canonical TLVs (what a flow's key holds) as the canonical fields encode them.
    static func reference(_ match: Match) -> [UInt8] {
        var buffer = ByteBuffer()
        for field in match.canonicalFields { field.encode(into: &buffer) }
        return Array(buffer.readableBytesView)
    }

    static let pool: [OXMField] = [
        OXMField(.inPort, 1), OXMField(.inPort, 2), OXMField(.metadata, 10), OXMField(.metadata, 11),
        OXMField(.ethDst, 0x0200_0000_000d), OXMField(.ethSrc, 0x0200_0000_000e), OXMField(.ethType, 0x0806), OXMField(.ethType, 0x0800),
        OXMField(.ipProto, 17), OXMField(.arpTPA, 0xc0a8_0001), OXMField(.ipv6Src, bytes: Array(repeating: 0xfe, count: 16)),
        OXMField.register(0, 1), OXMField.xreg(0, 1), OXMField(.tunnelID, 10),
        OXMField(oxmClass: OXMClass.experimenter, field: 1, experimenter: 0x4f4e_4600, value: [1, 2]),
        OXMField(oxmClass: OXMClass.experimenter, field: 1, experimenter: 0x0000_2320, value: [1, 2, 3]),
        OXMField(oxmClass: OXMClass.experimenter, field: 1, experimenter: 0x0000_2320, value: [1, 2]),
    ]
    static let masked: [OXMField] = [
        OXMField(.metadata, 100, mask: .max), OXMField(.ipv4Src, 0x0a00_0001, mask: 0xffff_ff00),
        OXMField(.ipv6Src, bytes: [0xfe, 0x80] + Array(repeating: 1, count: 14), mask: [0xff, 0xc0] + Array(repeating: 0, count: 14)),
    ]

    /// Random matches, unmasked (sorted straight from the bytes) and with a
    /// masked field (decoded, canonicalised): both give the reference's bytes.
    @Test("canonical TLVs equal the canonical fields' encoding", arguments: 1...4)
    func canonicalTLVs(seed: UInt64) {
        var g = SplitMix64(state: seed)
        for round in 0..<250 {
            var fields = Self.pool.filter { _ in Int.random(in: 0..<3, using: &g) == 0 }
            if round % 5 == 0, let one = Self.masked.randomElement(using: &g) { fields.append(one) }
            fields.shuffle(using: &g)
            let match = Match(fields)
            #expect(match.canonicalTLVs == Self.reference(match), "seed \(seed) round \(round): \(fields)")
            #expect(Match(tlvs: match.canonicalTLVs) == match)
        }
    }

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
