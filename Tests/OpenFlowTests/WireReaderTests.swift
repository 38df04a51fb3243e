import FieldReader
import NIOCore
@testable import OpenFlow
import TestSupport
import Testing

/// The OpenFlow codec's reader speaks `FieldReading`: every verb reads its
/// octets and moves on; a short read is `.truncated`, a negative count (a
/// length field that said so) `.badLength`, both naming field and offset.
@Suite struct WireReaderTests {
    static let input: [UInt8] = Array(1...10)

    @Test("a verb reads its octets and moves on", arguments: FieldVerb.allCases)
    func reads(_ verb: FieldVerb) throws {
        let (value, remaining, offset) = try WireReader.with(ByteBuffer(bytes: Self.input), base: 8) {
            (r: inout WireReader) throws(OpenFlowDecodingError) in
            (try verb.run(&r, field: "field"), r.remaining, r.offset)
        }
        #expect(value == verb.expected(from: Self.input))
        #expect(remaining == Self.input.count - verb.consumes)
        #expect(offset == 8 + verb.consumes)
    }

    @Test("one octet short: .truncated naming the field", arguments: FieldVerb.allCases)
    func short(_ verb: FieldVerb) {
        #expect(throws: OpenFlowDecodingError(what: "match", offset: 8, reason: .truncated(needed: verb.width, available: verb.width - 1))) {
            try WireReader.with(ByteBuffer(bytes: Self.input.prefix(verb.width - 1)), base: 8) {
                (r: inout WireReader) throws(OpenFlowDecodingError) in try verb.run(&r, field: "match")
            }
        }
    }

    @Test("a negative count is .badLength", arguments: [-1, -8])
    func negative(_ count: Int) {
        #expect(throws: OpenFlowDecodingError(what: "action", offset: 0, reason: .badLength(count))) {
            try WireReader.with(ByteBuffer(bytes: Self.input)) { (r: inout WireReader) throws(OpenFlowDecodingError) in
                try r.skip(count, "action")
            }
        }
    }
}
