import NIOCore

/// OFPT_FLOW_REMOVED.
public struct FlowRemoved: Sendable, Hashable, WireCodable {
    public var cookie: UInt64
    public var priority: UInt16
    /// OFPRR_IDLE_TIMEOUT (0), HARD_TIMEOUT (1), DELETE (2), GROUP_DELETE (3), METER_DELETE (4).
    public var reason: UInt8
    public var tableID: UInt8
    public var duration: StatsDuration
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var counters: CounterPair
    public var match: Match

    public init(cookie: UInt64, priority: UInt16, reason: UInt8, tableID: UInt8, duration: StatsDuration = StatsDuration(),
                idleTimeout: UInt16 = 0, hardTimeout: UInt16 = 0, counters: CounterPair = CounterPair(), match: Match) {
        self.cookie = cookie
        self.priority = priority
        self.reason = reason
        self.tableID = tableID
        self.duration = duration
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.counters = counters
        self.match = match
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(cookie)
        buffer.writeInteger(priority)
        buffer.writeInteger(reason)
        buffer.writeInteger(tableID)
        duration.encode(into: &buffer)
        buffer.writeInteger(idleTimeout)
        buffer.writeInteger(hardTimeout)
        counters.encode(into: &buffer)
        match.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> FlowRemoved {
        FlowRemoved(cookie: try reader.integer("cookie"), priority: try reader.integer("priority"),
                    reason: try reader.integer("reason"), tableID: try reader.integer("table_id"),
                    duration: try StatsDuration.decode(from: &reader), idleTimeout: try reader.integer("idle_timeout"),
                    hardTimeout: try reader.integer("hard_timeout"), counters: try CounterPair.decode(from: &reader),
                    match: try Match.decode(from: &reader))
    }
}
