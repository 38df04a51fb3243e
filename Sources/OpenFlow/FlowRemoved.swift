import NIOCore

/// OFPT_FLOW_REMOVED.
public struct FlowRemoved: Sendable, Hashable, WireCodable {
    public var cookie: UInt64
    public var priority: UInt16
    /// OFPRR_IDLE_TIMEOUT (0), HARD_TIMEOUT (1), DELETE (2), GROUP_DELETE (3), METER_DELETE (4).
    public var reason: UInt8
    public var tableID: UInt8
    public var durationSec: UInt32
    public var durationNsec: UInt32
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var packetCount: UInt64
    public var byteCount: UInt64
    public var match: Match

    public init(cookie: UInt64, priority: UInt16, reason: UInt8, tableID: UInt8, durationSec: UInt32 = 0,
                durationNsec: UInt32 = 0, idleTimeout: UInt16 = 0, hardTimeout: UInt16 = 0,
                packetCount: UInt64 = 0, byteCount: UInt64 = 0, match: Match) {
        self.cookie = cookie
        self.priority = priority
        self.reason = reason
        self.tableID = tableID
        self.durationSec = durationSec
        self.durationNsec = durationNsec
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.packetCount = packetCount
        self.byteCount = byteCount
        self.match = match
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(cookie)
        buffer.writeInteger(priority)
        buffer.writeInteger(reason)
        buffer.writeInteger(tableID)
        buffer.writeInteger(durationSec)
        buffer.writeInteger(durationNsec)
        buffer.writeInteger(idleTimeout)
        buffer.writeInteger(hardTimeout)
        buffer.writeInteger(packetCount)
        buffer.writeInteger(byteCount)
        match.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> FlowRemoved {
        FlowRemoved(cookie: try reader.integer("cookie"), priority: try reader.integer("priority"),
                    reason: try reader.integer("reason"), tableID: try reader.integer("table_id"),
                    durationSec: try reader.integer("duration_sec"), durationNsec: try reader.integer("duration_nsec"),
                    idleTimeout: try reader.integer("idle_timeout"), hardTimeout: try reader.integer("hard_timeout"),
                    packetCount: try reader.integer("packet_count"), byteCount: try reader.integer("byte_count"),
                    match: try Match.decode(from: &reader))
    }
}
