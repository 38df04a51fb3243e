import NIOCore
import OpenFlow
import Testing
import TestSupport

/// OFPR_* on the wire: byte 14 of a PACKET_IN (after the header, buffer_id
/// and total_len), named as the agent's metrics label them; a number
/// OpenFlow 1.3 does not define still decodes.
struct PacketInReasonTests {
    struct Row: NamedRow {
        var reason: PacketIn.Reason
        var byte: UInt8
        var name: String
    }

    static let rows = [
        Row(reason: .noMatch, byte: 0, name: "no-match"),
        Row(reason: .action, byte: 1, name: "action"),
        Row(reason: .invalidTTL, byte: 2, name: "invalid-ttl"),
        Row(reason: PacketIn.Reason(rawValue: 7), byte: 7, name: "reason-7"),
    ]

    @Test(arguments: rows)
    func reasonIsOneByteAndNamed(_ row: Row) throws {
        let packetIn = PacketIn(totalLength: 60, reason: row.reason, tableID: 0, cookie: 0, match: Match([]), data: ByteBuffer(repeating: 0, count: 60))
        let wire = try OpenFlowEnvelope(xid: 1, .packetIn(packetIn)).encoded()
        #expect(wire.getInteger(at: wire.readerIndex + 14, as: UInt8.self) == row.byte)
        guard case let .packetIn(decoded) = try OpenFlowEnvelope.decode(wire).message else { throw Failure() }
        #expect(decoded.reason == row.reason)
        #expect(decoded.reason.description == row.name)
    }

    struct Failure: Error {}
}
