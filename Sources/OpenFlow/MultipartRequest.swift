import NIOCore

/// OFPT_MULTIPART_REQUEST.
public struct MultipartRequest: Sendable, Hashable {
    /// OFPMPF_REQ_MORE (1): more requests follow.
    public var flags: UInt16
    public var body: Body

    public enum Body: Sendable, Hashable {
        case desc
        case flow(FlowStatsRequest)
        case aggregate(FlowStatsRequest)
        case table
        case portStats(portNo: UInt32)
        case queue(portNo: UInt32, queueID: UInt32)
        case group(groupID: UInt32)
        case groupDesc
        case groupFeatures
        case meter(meterID: UInt32)
        case meterConfig(meterID: UInt32)
        case meterFeatures
        /// Empty to query, or the tables to set.
        case tableFeatures([TableFeatures])
        case portDesc
        case experimenter(ExperimenterMessage)
        /// A multipart type OpenFlow 1.3 does not define.
        case unknown(type: UInt16, body: ByteBuffer)
    }

    public init(flags: UInt16 = 0, _ body: Body) {
        self.flags = flags
        self.body = body
    }

    /// OFPMP_* numbers.
    public var type: UInt16 {
        switch body {
        case .desc: 0
        case .flow: 1
        case .aggregate: 2
        case .table: 3
        case .portStats: 4
        case .queue: 5
        case .group: 6
        case .groupDesc: 7
        case .groupFeatures: 8
        case .meter: 9
        case .meterConfig: 10
        case .meterFeatures: 11
        case .tableFeatures: 12
        case .portDesc: 13
        case .experimenter: 0xffff
        case let .unknown(type, _): type
        }
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeInteger(flags)
        buffer.writeZeros(4)
        switch body {
        case .desc, .table, .groupDesc, .groupFeatures, .meterFeatures, .portDesc:
            break
        case let .flow(request), let .aggregate(request):
            request.encode(into: &buffer)
        case let .portStats(port):
            buffer.writeInteger(port)
            buffer.writeZeros(4)
        case let .queue(port, queue):
            buffer.writeInteger(port)
            buffer.writeInteger(queue)
        case let .group(id), let .meter(id), let .meterConfig(id):
            buffer.writeInteger(id)
            buffer.writeZeros(4)
        case let .tableFeatures(tables):
            tables.encode(into: &buffer)
        case let .experimenter(message):
            message.encode(into: &buffer)
        case let .unknown(_, body):
            buffer.writeImmutableBuffer(body)
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> MultipartRequest {
        let type: UInt16 = try reader.read("multipart type")
        let flags: UInt16 = try reader.read("multipart flags")
        try reader.skip(4, "multipart padding")
        func idAndPad(_ what: StaticString) throws(OpenFlowDecodingError) -> UInt32 {
            let id: UInt32 = try reader.read(what)
            try reader.skip(4, "multipart request padding")
            return id
        }
        let body: Body
        switch type {
        case 0: body = .desc
        case 1: body = .flow(try FlowStatsRequest.decode(from: &reader))
        case 2: body = .aggregate(try FlowStatsRequest.decode(from: &reader))
        case 3: body = .table
        case 4: body = .portStats(portNo: try idAndPad("port_no"))
        case 5: body = .queue(portNo: try reader.read("port_no"), queueID: try reader.read("queue_id"))
        case 6: body = .group(groupID: try idAndPad("group_id"))
        case 7: body = .groupDesc
        case 8: body = .groupFeatures
        case 9: body = .meter(meterID: try idAndPad("meter_id"))
        case 10: body = .meterConfig(meterID: try idAndPad("meter_id"))
        case 11: body = .meterFeatures
        case 12: body = .tableFeatures(try TableFeatures.decodeAll(from: &reader))
        case 13: body = .portDesc
        case 0xffff: body = .experimenter(try ExperimenterMessage.decode(from: &reader))
        default: body = .unknown(type: type, body: reader.rest())
        }
        guard reader.isEmpty else { throw reader.error("multipart request trailing bytes", .badLength(reader.remaining)) }
        return MultipartRequest(flags: flags, body)
    }
}

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
        let tableID: UInt8 = try reader.read("table_id")
        try reader.skip(3, "flow stats request padding")
        let outPort: UInt32 = try reader.read("out_port")
        let outGroup: UInt32 = try reader.read("out_group")
        try reader.skip(4, "flow stats request padding")
        return FlowStatsRequest(tableID: tableID, outPort: outPort, outGroup: outGroup, cookie: try reader.read("cookie"),
                                cookieMask: try reader.read("cookie_mask"), match: try Match.decode(from: &reader))
    }
}

/// ofp_table_features: one table's capabilities. Properties keep their bytes
/// (after type and length) so every property type round-trips.
public struct TableFeatures: Sendable, Hashable, WireCodable {
    public struct Property: Sendable, Hashable {
        /// OFPTFPT_* numbers.
        public var type: UInt16
        public var body: ByteBuffer

        public init(type: UInt16, body: ByteBuffer) {
            self.type = type
            self.body = body
        }
    }

    public var tableID: UInt8
    public var name: FixedString
    public var metadataMatch: UInt64
    public var metadataWrite: UInt64
    public var config: UInt32
    public var maxEntries: UInt32
    public var properties: [Property]

    public init(tableID: UInt8, name: FixedString, metadataMatch: UInt64, metadataWrite: UInt64, config: UInt32,
                maxEntries: UInt32, properties: [Property]) {
        self.tableID = tableID
        self.name = name
        self.metadataMatch = metadataMatch
        self.metadataWrite = metadataWrite
        self.config = config
        self.maxEntries = maxEntries
        self.properties = properties
    }

    func encode(into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        let lengthAt = buffer.reserveLength()
        buffer.writeInteger(tableID)
        buffer.writeZeros(5)
        name.encode(into: &buffer, size: 32)
        buffer.writeInteger(metadataMatch)
        buffer.writeInteger(metadataWrite)
        buffer.writeInteger(config)
        buffer.writeInteger(maxEntries)
        for property in properties {
            let propertyStart = buffer.writerIndex
            buffer.writeInteger(property.type)
            let propertyLengthAt = buffer.reserveLength()
            buffer.writeImmutableBuffer(property.body)
            buffer.patchLength(at: propertyLengthAt, from: propertyStart)
            buffer.padTo8(from: propertyStart)
        }
        buffer.patchLength(at: lengthAt, from: start)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> TableFeatures {
        let length = Int(try reader.peek("table features length", as: UInt16.self))
        guard length >= 64 else { throw reader.error("table features length", .badLength(length)) }
        var body = try reader.sub(length, "table features")
        try body.skip(2, "table features length")
        let tableID: UInt8 = try body.read("table_id")
        try body.skip(5, "table features padding")
        let name = try FixedString.decode(from: &body, size: 32, "table name")
        let metadataMatch: UInt64 = try body.read("metadata_match")
        let metadataWrite: UInt64 = try body.read("metadata_write")
        let config: UInt32 = try body.read("config")
        let maxEntries: UInt32 = try body.read("max_entries")
        var properties: [Property] = []
        while !body.isEmpty {
            let at = body.offset
            let type: UInt16 = try body.read("table feature property type")
            let propertyLength = Int(try body.read("table feature property length", as: UInt16.self))
            guard propertyLength >= 4 else { throw body.error("table feature property length", .badLength(propertyLength), at: at &+ 2) }
            let value = try body.slice(propertyLength &- 4, "table feature property")
            // Padding to 8 is not counted in the property length.
            try body.skip(min((8 &- propertyLength % 8) % 8, body.remaining), "table feature property padding")
            properties.append(Property(type: type, body: value))
        }
        return TableFeatures(tableID: tableID, name: name, metadataMatch: metadataMatch, metadataWrite: metadataWrite,
                             config: config, maxEntries: maxEntries, properties: properties)
    }
}
