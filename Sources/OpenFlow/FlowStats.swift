import NIOCore

/// ofp_flow_stats: one flow as the switch holds it (flow multipart reply).
public struct FlowStats: Sendable, Hashable, WireCodable {
    public var tableID: UInt8
    public var duration: StatsDuration
    public var priority: UInt16
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var flags: FlowMod.Flags
    public var cookie: UInt64
    public var counters: CounterPair
    public var match: Match
    public var instructions: [Instruction]

    public init(tableID: UInt8, duration: StatsDuration = StatsDuration(), priority: UInt16, idleTimeout: UInt16 = 0,
                hardTimeout: UInt16 = 0, flags: FlowMod.Flags = [], cookie: UInt64, counters: CounterPair = CounterPair(),
                match: Match, instructions: [Instruction]) {
        self.tableID = tableID
        self.duration = duration
        self.priority = priority
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.flags = flags
        self.cookie = cookie
        self.counters = counters
        self.match = match
        self.instructions = instructions
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength { buffer, _ in
            buffer.writeInteger(tableID)
            buffer.writeZeros(1)
            duration.encode(into: &buffer)
            buffer.writeInteger(priority)
            buffer.writeInteger(idleTimeout)
            buffer.writeInteger(hardTimeout)
            buffer.writeInteger(flags.rawValue)
            buffer.writeZeros(4)
            buffer.writeInteger(cookie)
            counters.encode(into: &buffer)
            match.encode(into: &buffer)
            Instruction.encodeList(instructions, into: &buffer)
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> FlowStats {
        var body = try reader.element("flow stats length", minimum: 56)
        try body.skip(2, "flow stats length")
        let tableID: UInt8 = try body.integer("table_id")
        try body.skip(1, "flow stats padding")
        let duration = try StatsDuration.decode(from: &body)
        let priority: UInt16 = try body.integer("priority")
        let idleTimeout: UInt16 = try body.integer("idle_timeout")
        let hardTimeout: UInt16 = try body.integer("hard_timeout")
        let flags = FlowMod.Flags(rawValue: try body.integer("flags"))
        try body.skip(4, "flow stats padding")
        return FlowStats(tableID: tableID, duration: duration, priority: priority, idleTimeout: idleTimeout,
                         hardTimeout: hardTimeout, flags: flags, cookie: try body.integer("cookie"),
                         counters: try CounterPair.decode(from: &body), match: try Match.decode(from: &body),
                         instructions: try Instruction.decodeList(from: &body))
    }
}
