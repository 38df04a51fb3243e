import NIOCore

/// OFPT_MULTIPART_REPLY.
public struct MultipartReply: Sendable, Hashable {
    /// OFPMPF_REPLY_MORE (1): more replies follow.
    public var flags: UInt16
    public var body: Body

    public enum Body: Sendable, Hashable {
        case desc(SwitchDescription)
        case flow([FlowStats])
        case aggregate(AggregateStats)
        case table([TableStats])
        case portStats([PortStats])
        case queue([QueueStats])
        case group([GroupStats])
        case groupDesc([GroupDescription])
        case groupFeatures(GroupFeatures)
        case meter([MeterStats])
        case meterConfig([MeterConfig])
        case meterFeatures(MeterFeatures)
        case tableFeatures([TableFeatures])
        case portDesc([PortDescription])
        case experimenter(ExperimenterMessage)
        case unknown(type: UInt16, body: ByteBuffer)
    }

    public init(flags: UInt16 = 0, _ body: Body) {
        self.flags = flags
        self.body = body
    }

    public static let replyMore: UInt16 = 1

    /// OFPMP_* number.
    public var type: UInt16 { body.type }

    func encode(into buffer: inout ByteBuffer) {
        MultipartType.encodeHeader(body.type, flags: flags, into: &buffer)
        body.typeAndValue.value.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> MultipartReply {
        let (type, flags) = try MultipartType.decodeHeader(from: &reader)
        let body: Body
        switch MultipartType(rawValue: type) {
        case .desc?: body = .desc(try SwitchDescription.decode(from: &reader))
        case .flow?: body = .flow(try FlowStats.decodeAll(from: &reader))
        case .aggregate?: body = .aggregate(try AggregateStats.decode(from: &reader))
        case .table?: body = .table(try TableStats.decodeAll(from: &reader))
        case .portStats?: body = .portStats(try PortStats.decodeAll(from: &reader))
        case .queue?: body = .queue(try QueueStats.decodeAll(from: &reader))
        case .group?: body = .group(try GroupStats.decodeAll(from: &reader))
        case .groupDesc?: body = .groupDesc(try GroupDescription.decodeAll(from: &reader))
        case .groupFeatures?: body = .groupFeatures(try GroupFeatures.decode(from: &reader))
        case .meter?: body = .meter(try MeterStats.decodeAll(from: &reader))
        case .meterConfig?: body = .meterConfig(try MeterConfig.decodeAll(from: &reader))
        case .meterFeatures?: body = .meterFeatures(try MeterFeatures.decode(from: &reader))
        case .tableFeatures?: body = .tableFeatures(try TableFeatures.decodeAll(from: &reader))
        case .portDesc?: body = .portDesc(try PortDescription.decodeAll(from: &reader))
        case .experimenter?: body = .experimenter(try ExperimenterMessage.decode(from: &reader))
        case nil: body = .unknown(type: type, body: reader.rest())
        }
        guard reader.isEmpty else { throw reader.error("multipart reply trailing bytes", .badLength(reader.remaining)) }
        return MultipartReply(flags: flags, body)
    }
}

extension MultipartReply.Body {
    /// Which OFPMP_* this body is (nil for `unknown`) and what follows the
    /// multipart header, one row a case (the case names follow the spec's table).
    var typeAndValue: (type: MultipartType?, value: any WireEncodable) {
        switch self {
        case let .desc(value): (.desc, value)
        case let .flow(value): (.flow, value)
        case let .aggregate(value): (.aggregate, value)
        case let .table(value): (.table, value)
        case let .portStats(value): (.portStats, value)
        case let .queue(value): (.queue, value)
        case let .group(value): (.group, value)
        case let .groupDesc(value): (.groupDesc, value)
        case let .groupFeatures(value): (.groupFeatures, value)
        case let .meter(value): (.meter, value)
        case let .meterConfig(value): (.meterConfig, value)
        case let .meterFeatures(value): (.meterFeatures, value)
        case let .tableFeatures(value): (.tableFeatures, value)
        case let .portDesc(value): (.portDesc, value)
        case let .experimenter(value): (.experimenter, value)
        case let .unknown(_, body): (nil, body)
        }
    }

    /// Which OFPMP_* this body is; nil for `unknown`.
    public var multipartType: MultipartType? { typeAndValue.type }

    /// The OFPMP_* number.
    public var type: UInt16 {
        if case let .unknown(type, _) = self { return type }
        return multipartType?.rawValue ?? 0  // every other case has a declared type
    }
}

/// ofp_desc: the switch's manufacturer, hardware, software, serial and datapath descriptions.
public struct SwitchDescription: Sendable, Hashable, WireCodable {
    public var manufacturer: FixedString
    public var hardware: FixedString
    public var software: FixedString
    public var serialNumber: FixedString
    public var datapath: FixedString

    public init(manufacturer: FixedString, hardware: FixedString, software: FixedString, serialNumber: FixedString, datapath: FixedString) {
        self.manufacturer = manufacturer
        self.hardware = hardware
        self.software = software
        self.serialNumber = serialNumber
        self.datapath = datapath
    }

    func encode(into buffer: inout ByteBuffer) {
        manufacturer.encode(into: &buffer, size: 256)
        hardware.encode(into: &buffer, size: 256)
        software.encode(into: &buffer, size: 256)
        serialNumber.encode(into: &buffer, size: 32)
        datapath.encode(into: &buffer, size: 256)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> SwitchDescription {
        SwitchDescription(manufacturer: try FixedString.decode(from: &reader, size: 256, "mfr_desc"), hardware: try FixedString.decode(from: &reader, size: 256, "hw_desc"),
                          software: try FixedString.decode(from: &reader, size: 256, "sw_desc"), serialNumber: try FixedString.decode(from: &reader, size: 32, "serial_num"),
                          datapath: try FixedString.decode(from: &reader, size: 256, "dp_desc"))
    }
}

/// ofp_aggregate_stats_reply.
public struct AggregateStats: Sendable, Hashable, WireCodable {
    public var counters: CounterPair
    public var flowCount: UInt32

    public init(counters: CounterPair, flowCount: UInt32) {
        self.counters = counters
        self.flowCount = flowCount
    }

    func encode(into buffer: inout ByteBuffer) {
        counters.encode(into: &buffer)
        buffer.writeInteger(flowCount)
        buffer.writeZeros(4)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> AggregateStats {
        let stats = AggregateStats(counters: try CounterPair.decode(from: &reader), flowCount: try reader.integer("flow_count"))
        try reader.skip(4, "aggregate padding")
        return stats
    }
}

/// ofp_table_stats.
public struct TableStats: Sendable, Hashable, WireCodable {
    public var tableID: UInt8
    public var activeCount: UInt32
    public var lookupCount: UInt64
    public var matchedCount: UInt64

    public init(tableID: UInt8, activeCount: UInt32, lookupCount: UInt64, matchedCount: UInt64) {
        self.tableID = tableID
        self.activeCount = activeCount
        self.lookupCount = lookupCount
        self.matchedCount = matchedCount
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(tableID)
        buffer.writeZeros(3)
        buffer.writeInteger(activeCount)
        buffer.writeInteger(lookupCount)
        buffer.writeInteger(matchedCount)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> TableStats {
        let tableID: UInt8 = try reader.integer("table_id")
        try reader.skip(3, "table stats padding")
        return TableStats(tableID: tableID, activeCount: try reader.integer("active_count"),
                          lookupCount: try reader.integer("lookup_count"), matchedCount: try reader.integer("matched_count"))
    }
}

/// ofp_port_stats.
public struct PortStats: Sendable, Hashable, WireCodable {
    public var portNo: UInt32
    /// rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped,
    /// rx_errors, tx_errors, rx_frame_err, rx_over_err, rx_crc_err, collisions.
    public var counters: [UInt64]
    public var duration: StatsDuration

    public init(portNo: UInt32, counters: [UInt64], duration: StatsDuration = StatsDuration()) {
        self.portNo = portNo
        self.counters = counters
        self.duration = duration
    }

    public var rxPackets: UInt64 { counters.first ?? 0 }
    public var txPackets: UInt64 { counters.count > 1 ? counters[1] : 0 }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(portNo)
        buffer.writeZeros(4)
        for i in 0..<12 { buffer.writeInteger(i < counters.count ? counters[i] : 0) }
        duration.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PortStats {
        let portNo: UInt32 = try reader.integer("port_no")
        try reader.skip(4, "port stats padding")
        var counters: [UInt64] = []
        counters.reserveCapacity(12)
        for _ in 0..<12 { counters.append(try reader.integer("port counter")) }
        return PortStats(portNo: portNo, counters: counters, duration: try StatsDuration.decode(from: &reader))
    }
}

/// ofp_queue_stats.
public struct QueueStats: Sendable, Hashable, WireCodable {
    public var portNo: UInt32
    public var queueID: UInt32
    public var txBytes: UInt64
    public var txPackets: UInt64
    public var txErrors: UInt64
    public var duration: StatsDuration

    public init(portNo: UInt32, queueID: UInt32, txBytes: UInt64, txPackets: UInt64, txErrors: UInt64,
                duration: StatsDuration = StatsDuration()) {
        self.portNo = portNo
        self.queueID = queueID
        self.txBytes = txBytes
        self.txPackets = txPackets
        self.txErrors = txErrors
        self.duration = duration
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(portNo)
        buffer.writeInteger(queueID)
        buffer.writeInteger(txBytes)
        buffer.writeInteger(txPackets)
        buffer.writeInteger(txErrors)
        duration.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> QueueStats {
        QueueStats(portNo: try reader.integer("port_no"), queueID: try reader.integer("queue_id"),
                   txBytes: try reader.integer("tx_bytes"), txPackets: try reader.integer("tx_packets"),
                   txErrors: try reader.integer("tx_errors"), duration: try StatsDuration.decode(from: &reader))
    }
}
