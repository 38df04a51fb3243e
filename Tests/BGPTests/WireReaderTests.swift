@testable import BGP
import FieldReader
import NIOCore
import TestSupport
import Testing

/// The BGP codec's reader speaks `FieldReading`: every verb reads its octets
/// and moves on, and a short read becomes the NOTIFICATION the part of the
/// message being read answers with (sub-readers inherit it).
@Suite struct WireReaderTests {
    static let input: [UInt8] = Array(1...10)
    static let notifications = [
        Notification(.messageHeader(.badMessageLength)),
        Notification(.updateMessage(.malformedAttributeList)),
        Notification(.updateMessage(.attributeLengthError), data: [0x40, 1, 1, 3]),
    ]

    @Test("a verb reads its octets and moves on", arguments: FieldVerb.allCases)
    func reads(_ verb: FieldVerb) throws {
        var r = WireReader(ByteBuffer(bytes: Self.input), base: 19, notification: Self.notifications[0])
        #expect(try verb.run(&r, field: "field") == verb.expected(from: Self.input))
        #expect(r.remaining == Self.input.count - verb.consumes)
        #expect(r.offset == 19 + verb.consumes)
    }

    @Test("one octet short: 'truncated' with the reader's NOTIFICATION",
          arguments: FieldVerb.allCases, notifications)
    func short(_ verb: FieldVerb, _ notification: Notification) {
        var r = WireReader(ByteBuffer(bytes: Self.input.prefix(verb.width - 1)), base: 23, notification: notification)
        #expect(throws: BGPDecodingError("truncated AS_PATH: \(verb.width - 1) bytes left", offset: 23, notification: notification)) {
            try verb.run(&r, field: "AS_PATH")
        }
    }

    @Test("a sub-reader counts offsets from the message and keeps the NOTIFICATION")
    func subReader() throws {
        var r = WireReader(ByteBuffer(bytes: Self.input), base: 19, notification: Self.notifications[1])
        _ = try r.u16("withdrawn routes length")
        var s = try r.sub(3, "withdrawn routes")
        #expect(s.offset == 21 && s.remaining == 3 && r.offset == 24)
        _ = try s.u16("x")
        #expect(throws: BGPDecodingError("truncated NLRI: 1 bytes left", offset: 23, notification: Self.notifications[1])) {
            try s.u32("NLRI")
        }
    }

    @Test("a negative count is refused, not read backwards")
    func negativeCount() {
        var r = WireReader(ByteBuffer(bytes: Self.input), notification: Self.notifications[0])
        #expect(throws: BGPDecodingError("truncated next hop: 10 bytes left", offset: 0, notification: Self.notifications[0])) {
            try r.bytes(-1, "next hop")
        }
    }
}
