import NIOCore

/// OFPT_PACKET_IN. `data` is a slice of the received message (no copy).
public struct PacketIn: Sendable, Hashable, WireCodable {
    public var bufferID: UInt32
    public var totalLength: UInt16
    public var reason: Reason
    public var tableID: UInt8
    public var cookie: UInt64
    public var match: Match
    public var data: ByteBuffer

    public static let noBuffer: UInt32 = 0xffff_ffff

    /// OFPR_*: why the switch sent the packet. A struct, not an enum: a
    /// number OpenFlow 1.3 does not define still decodes.
    public struct Reason: RawRepresentable, ExpressibleByIntegerLiteral, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public init(integerLiteral value: UInt8) { self.init(rawValue: value) }

        public static let noMatch = Self(rawValue: 0)
        public static let action = Self(rawValue: 1)
        public static let invalidTTL = Self(rawValue: 2)

        /// "no-match", "action", "invalid-ttl"; "reason-N" for another number.
        public var description: String {
            switch self {
            case .noMatch: "no-match"
            case .action: "action"
            case .invalidTTL: "invalid-ttl"
            default: "reason-\(rawValue)"
            }
        }
    }

    public init(bufferID: UInt32 = PacketIn.noBuffer, totalLength: UInt16, reason: Reason, tableID: UInt8,
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
        buffer.writeFixed(16) { w in w.put(bufferID); w.put(totalLength); w.put(reason.rawValue); w.put(tableID); w.put(cookie) }
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
        return PacketIn(bufferID: bufferID, totalLength: totalLength, reason: Reason(rawValue: reason), tableID: tableID,
                        cookie: cookie, match: match, data: reader.rest())
    }
}
