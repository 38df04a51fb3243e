import FieldReader
import TestSupport
import Testing

/// The monitoring formats' reader speaks `FieldReading`: every verb reads its
/// octets and moves on; a short read names the format, the field, what it
/// needed and the offset from the record's start.
@Suite struct FieldReaderTests {
    static let input: [UInt8] = Array(1...10)

    @Test("a verb reads its octets and moves on", arguments: FieldVerb.allCases)
    func reads(_ verb: FieldVerb) throws {
        var r = FieldReader(Self.input[...], format: "MRT")
        #expect(try verb.run(&r, field: "field") == verb.expected(from: Self.input))
        #expect(r.remaining == Self.input.count - verb.consumes)
        #expect(r.offset == verb.consumes)
    }

    @Test("one octet short, after one read: format, field, need and offset", arguments: FieldVerb.allCases, ["BMP", "MRT"])
    func short(_ verb: FieldVerb, _ format: String) {
        var r = FieldReader(Self.input.prefix(verb.width)[...], format: format)
        #expect(throws: FieldDecodingError(format: format, field: "peer AS", reason: "needs \(verb.width) octets, \(verb.width - 1) left", offset: 1)) {
            _ = try r.u8("type")
            return try verb.run(&r, field: "peer AS")
        }
    }

    enum Declared: UInt16 { case one = 0x0102, other = 0x0304 }

    /// A declared number comes back as its case; one not declared is refused
    /// naming the field, the number and the offset after it.
    @Test("a number of an enum: its case, or refused", arguments: [
        ([UInt8(1), 2], Declared.one as Declared?), ([3, 4], .other), ([5, 6], nil),
    ])
    func number(_ bytes: [UInt8], _ expected: Declared?) throws {
        var r = FieldReader(bytes[...], format: "BMP")
        if let expected {
            #expect(try r.number("Peer Type", as: Declared.self) == expected)
        } else {
            #expect(throws: FieldDecodingError(format: "BMP", field: "Peer Type", value: "1286", reason: "unknown", offset: 2)) {
                try r.number("Peer Type", as: Declared.self)
            }
        }
    }

    @Test("a sub-reader counts offsets from the record's start")
    func subReader() throws {
        var r = FieldReader(Self.input[...], format: "BMP")
        _ = try r.u32("version and length")
        var s = try r.sub(4, "per-peer header")
        #expect(s.offset == 4 && r.offset == 8)
        _ = try s.u16("x")
        #expect(throws: FieldDecodingError(format: "BMP", field: "peer type", reason: "needs 4 octets, 2 left", offset: 6)) {
            try s.u32("peer type")
        }
    }
}
