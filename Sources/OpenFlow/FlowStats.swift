import NIOCore

/// ofp_flow_stats: one flow as the switch holds it (flow multipart reply).
public struct FlowStats: Sendable, Hashable, WireCodable {
    public var tableID: UInt8
    public var durationSec: UInt32
    public var durationNsec: UInt32
    public var priority: UInt16
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var flags: FlowMod.Flags
    public var cookie: UInt64
    public var packetCount: UInt64
    public var byteCount: UInt64
    public var match: Match
    public var instructions: [Instruction]

    public init(tableID: UInt8, durationSec: UInt32 = 0, durationNsec: UInt32 = 0, priority: UInt16, idleTimeout: UInt16 = 0,
                hardTimeout: UInt16 = 0, flags: FlowMod.Flags = [], cookie: UInt64, packetCount: UInt64 = 0,
                byteCount: UInt64 = 0, match: Match, instructions: [Instruction]) {
        self.tableID = tableID
        self.durationSec = durationSec
        self.durationNsec = durationNsec
        self.priority = priority
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.flags = flags
        self.cookie = cookie
        self.packetCount = packetCount
        self.byteCount = byteCount
        self.match = match
        self.instructions = instructions
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength { buffer, _ in
            buffer.writeInteger(tableID)
            buffer.writeZeros(1)
            buffer.writeInteger(durationSec)
            buffer.writeInteger(durationNsec)
            buffer.writeInteger(priority)
            buffer.writeInteger(idleTimeout)
            buffer.writeInteger(hardTimeout)
            buffer.writeInteger(flags.rawValue)
            buffer.writeZeros(4)
            buffer.writeInteger(cookie)
            buffer.writeInteger(packetCount)
            buffer.writeInteger(byteCount)
            match.encode(into: &buffer)
            Instruction.encodeList(instructions, into: &buffer)
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> FlowStats {
        var body = try reader.element("flow stats length", minimum: 56)
        try body.skip(2, "flow stats length")
        let tableID: UInt8 = try body.integer("table_id")
        try body.skip(1, "flow stats padding")
        let durationSec: UInt32 = try body.integer("duration_sec")
        let durationNsec: UInt32 = try body.integer("duration_nsec")
        let priority: UInt16 = try body.integer("priority")
        let idleTimeout: UInt16 = try body.integer("idle_timeout")
        let hardTimeout: UInt16 = try body.integer("hard_timeout")
        let flags = FlowMod.Flags(rawValue: try body.integer("flags"))
        try body.skip(4, "flow stats padding")
        return FlowStats(tableID: tableID, durationSec: durationSec, durationNsec: durationNsec, priority: priority,
                         idleTimeout: idleTimeout, hardTimeout: hardTimeout, flags: flags, cookie: try body.integer("cookie"),
                         packetCount: try body.integer("packet_count"), byteCount: try body.integer("byte_count"),
                         match: try Match.decode(from: &body), instructions: try Instruction.decodeList(from: &body))
    }
}
