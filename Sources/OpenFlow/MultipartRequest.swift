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
