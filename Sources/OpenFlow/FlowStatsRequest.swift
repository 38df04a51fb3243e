import NIOCore

/// Body of a flow or aggregate stats request (ofp_flow_stats_request).
public struct FlowStatsRequest: Sendable, Hashable, WireCodable {
    public var tableID: UInt8
    public var outPort: UInt32
    public var outGroup: UInt32
    public var cookie: UInt64
    public var cookieMask: UInt64
    public var match: Match

    public init(tableID: UInt8 = FlowMod.allTables, outPort: UInt32 = OpenFlowPort.any, outGroup: UInt32 = FlowMod.anyGroup,
                cookie: UInt64 = 0, cookieMask: UInt64 = 0, match: Match = Match()) {
        self.tableID = tableID
        self.outPort = outPort
        self.outGroup = outGroup
        self.cookie = cookie
        self.cookieMask = cookieMask
        self.match = match
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(tableID)
        buffer.writeZeros(3)
        buffer.writeInteger(outPort)
        buffer.writeInteger(outGroup)
        buffer.writeZeros(4)
        buffer.writeInteger(cookie)
        buffer.writeInteger(cookieMask)
        match.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> FlowStatsRequest {
        let tableID: UInt8 = try reader.integer("table_id")
        try reader.skip(3, "flow stats request padding")
        let outPort: UInt32 = try reader.integer("out_port")
        let outGroup: UInt32 = try reader.integer("out_group")
        try reader.skip(4, "flow stats request padding")
        return FlowStatsRequest(tableID: tableID, outPort: outPort, outGroup: outGroup, cookie: try reader.integer("cookie"),
                                cookieMask: try reader.integer("cookie_mask"), match: try Match.decode(from: &reader))
    }
}
