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

    /// OFPMP_* number.
    public var type: UInt16 { body.type }

    func encode(into buffer: inout ByteBuffer) {
        MultipartType.encodeHeader(body.type, flags: flags, into: &buffer)
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
        let (type, flags) = try MultipartType.decodeHeader(from: &reader)
        func idAndPad(_ what: @autoclosure () -> String) throws(OpenFlowDecodingError) -> UInt32 {
            let id: UInt32 = try reader.integer(what())
            try reader.skip(4, "multipart request padding")
            return id
        }
        let body: Body
        switch MultipartType(rawValue: type) {
        case .desc?: body = .desc
        case .flow?: body = .flow(try FlowStatsRequest.decode(from: &reader))
        case .aggregate?: body = .aggregate(try FlowStatsRequest.decode(from: &reader))
        case .table?: body = .table
        case .portStats?: body = .portStats(portNo: try idAndPad("port_no"))
        case .queue?: body = .queue(portNo: try reader.integer("port_no"), queueID: try reader.integer("queue_id"))
        case .group?: body = .group(groupID: try idAndPad("group_id"))
        case .groupDesc?: body = .groupDesc
        case .groupFeatures?: body = .groupFeatures
        case .meter?: body = .meter(meterID: try idAndPad("meter_id"))
        case .meterConfig?: body = .meterConfig(meterID: try idAndPad("meter_id"))
        case .meterFeatures?: body = .meterFeatures
        case .tableFeatures?: body = .tableFeatures(try TableFeatures.decodeAll(from: &reader))
        case .portDesc?: body = .portDesc
        case .experimenter?: body = .experimenter(try ExperimenterMessage.decode(from: &reader))
        case nil: body = .unknown(type: type, body: reader.rest())
        }
        guard reader.isEmpty else { throw reader.error("multipart request trailing bytes", .badLength(reader.remaining)) }
        return MultipartRequest(flags: flags, body)
    }
}

extension MultipartRequest.Body {
    /// Which OFPMP_* this body is (the case names follow the spec's table); nil for `unknown`.
    public var multipartType: MultipartType? {
        switch self {
        case .desc: .desc
        case .flow: .flow
        case .aggregate: .aggregate
        case .table: .table
        case .portStats: .portStats
        case .queue: .queue
        case .group: .group
        case .groupDesc: .groupDesc
        case .groupFeatures: .groupFeatures
        case .meter: .meter
        case .meterConfig: .meterConfig
        case .meterFeatures: .meterFeatures
        case .tableFeatures: .tableFeatures
        case .portDesc: .portDesc
        case .experimenter: .experimenter
        case .unknown: nil
        }
    }

    /// The OFPMP_* number.
    public var type: UInt16 {
        if case let .unknown(type, _) = self { return type }
        return multipartType?.rawValue ?? 0  // every other case has a declared type
    }
}
