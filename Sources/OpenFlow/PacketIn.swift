import NIOCore

/// OFPT_PACKET_IN. `data` is a slice of the received message (no copy).
public struct PacketIn: Sendable, Hashable, WireCodable {
    public var bufferID: UInt32
    public var totalLength: UInt16
    /// OFPR_NO_MATCH (0), OFPR_ACTION (1), OFPR_INVALID_TTL (2).
    public var reason: UInt8
    public var tableID: UInt8
    public var cookie: UInt64
    public var match: Match
    public var data: ByteBuffer

    public static let noBuffer: UInt32 = 0xffff_ffff

    public init(bufferID: UInt32 = PacketIn.noBuffer, totalLength: UInt16, reason: UInt8, tableID: UInt8,
                cookie: UInt64, match: Match, data: ByteBuffer) {
        self.bufferID = bufferID
        self.totalLength = totalLength
        self.reason = reason
        self.tableID = tableID
        self.cookie = cookie
        self.match = match
        self.data = data
    }

    /// The ingress port from the match, if present.
    public var inPort: UInt32? { match[.inPort]?.integerValue.map { UInt32(truncatingIfNeeded: $0) } }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeFixed(16) { w in w.put(bufferID); w.put(totalLength); w.put(reason); w.put(tableID); w.put(cookie) }
        match.encode(into: &buffer)
        buffer.writeZeros(2)
        buffer.writeImmutableBuffer(data)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PacketIn {
        let (bufferID, totalLength, reason, tableID, cookie) = try reader.fixed(16, "packet_in fixed fields") { r in
            (r.get(UInt32.self), r.get(UInt16.self), r.get(UInt8.self), r.get(UInt8.self), r.get(UInt64.self))
        }
        let match = try Match.decode(from: &reader)
        try reader.skip(2, "packet_in padding")
        return PacketIn(bufferID: bufferID, totalLength: totalLength, reason: reason, tableID: tableID,
                        cookie: cookie, match: match, data: reader.rest())
    }
}
