import FieldReader
import NIOCore
@testable import Packets
import TestSupport
import Testing

/// The packet codec's reader speaks `FieldReading`: every verb reads its
/// octets and moves on; a short read is the layer's `.truncated` at the
/// absolute offset in the frame.
@Suite struct WireReaderTests {
    static let input: [UInt8] = Array(1...10)

    @Test("a verb reads its octets and moves on", arguments: FieldVerb.allCases)
    func reads(_ verb: FieldVerb) throws {
        var r = WireReader(ByteBuffer(bytes: Self.input), base: 34, layer: .udp)
        #expect(try verb.run(&r, field: "field") == verb.expected(from: Self.input))
        #expect(r.remaining == Self.input.count - verb.consumes)
        #expect(r.offset == 34 + verb.consumes)
    }

    @Test("one octet short: the layer's .truncated", arguments: FieldVerb.allCases, [PacketLayer.udp, .icmpv6, .dhcp])
    func short(_ verb: FieldVerb, _ layer: PacketLayer) {
        var r = WireReader(ByteBuffer(bytes: Self.input.prefix(verb.width - 1)), base: 42, layer: layer)
        #expect(throws: PacketError(layer, .truncated(needed: verb.width, available: verb.width - 1), at: 42)) {
            try verb.run(&r, field: "field")
        }
    }
}
