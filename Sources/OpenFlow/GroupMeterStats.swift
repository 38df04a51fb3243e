import NIOCore

/// ofp_group_stats.
public struct GroupStats: Sendable, Hashable, WireCodable {
    public var groupID: UInt32
    public var refCount: UInt32
    public var counters: CounterPair
    public var duration: StatsDuration
    public var bucketStats: [CounterPair]

    public init(groupID: UInt32, refCount: UInt32, counters: CounterPair, duration: StatsDuration = StatsDuration(),
                bucketStats: [CounterPair]) {
        self.groupID = groupID
        self.refCount = refCount
        self.counters = counters
        self.duration = duration
        self.bucketStats = bucketStats
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength { buffer, _ in
            buffer.writeZeros(2)
            buffer.writeInteger(groupID)
            buffer.writeInteger(refCount)
            buffer.writeZeros(4)
            counters.encode(into: &buffer)
            duration.encode(into: &buffer)
            bucketStats.encode(into: &buffer)
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> GroupStats {
        // 40 bytes, then 16 per bucket.
        var body = try reader.element("group stats length", minimum: 40, multipleOf: 16)
        try body.skip(4, "group stats length and padding")
        let groupID: UInt32 = try body.integer("group_id")
        let refCount: UInt32 = try body.integer("ref_count")
        try body.skip(4, "group stats padding")
        return GroupStats(groupID: groupID, refCount: refCount, counters: try CounterPair.decode(from: &body),
                          duration: try StatsDuration.decode(from: &body), bucketStats: try CounterPair.decodeAll(from: &body))
    }
}

/// ofp_group_desc: a group as the switch holds it.
public struct GroupDescription: Sendable, Hashable, WireCodable {
    public var type: UInt8
    public var groupID: UInt32
    public var buckets: [Bucket]

    public init(type: UInt8, groupID: UInt32, buckets: [Bucket]) {
        self.type = type
        self.groupID = groupID
        self.buckets = buckets
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength { buffer, _ in encodeGroup(into: &buffer) }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> GroupDescription {
        var body = try reader.element("group desc length", minimum: 8)
        try body.skip(2, "group desc length")
        return try decodeGroup(from: &body)
    }

    /// type, a pad byte, group_id, then the buckets: the group as ofp_group_desc
    /// carries it after its length and OFPT_GROUP_MOD after its command.
    func encodeGroup(into buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeZeros(1)
        buffer.writeInteger(groupID)
        buckets.encode(into: &buffer)
    }

    static func decodeGroup(from reader: inout WireReader) throws(OpenFlowDecodingError) -> GroupDescription {
        let type: UInt8 = try reader.integer("group type")
        try reader.skip(1, "group padding")
        return GroupDescription(type: type, groupID: try reader.integer("group_id"), buckets: try Bucket.decodeAll(from: &reader))
    }
}

/// ofp_group_features.
public struct GroupFeatures: Sendable, Hashable, WireCodable {
    public var types: UInt32
    public var capabilities: UInt32
    /// Per group type (all, select, indirect, fast failover).
    public var maxGroups: [UInt32]
    public var actions: [UInt32]

    public init(types: UInt32, capabilities: UInt32, maxGroups: [UInt32], actions: [UInt32]) {
        self.types = types
        self.capabilities = capabilities
        self.maxGroups = maxGroups
        self.actions = actions
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(types)
        buffer.writeInteger(capabilities)
        for list in [maxGroups, actions] {
            for i in 0..<4 { buffer.writeInteger(i < list.count ? list[i] : 0) }
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> GroupFeatures {
        let types: UInt32 = try reader.integer("types")
        let capabilities: UInt32 = try reader.integer("capabilities")
        var maxGroups: [UInt32] = [], actions: [UInt32] = []
        for _ in 0..<4 { maxGroups.append(try reader.integer("max_groups")) }
        for _ in 0..<4 { actions.append(try reader.integer("actions")) }
        return GroupFeatures(types: types, capabilities: capabilities, maxGroups: maxGroups, actions: actions)
    }
}

/// ofp_meter_stats.
public struct MeterStats: Sendable, Hashable, WireCodable {
    public var meterID: UInt32
    public var flowCount: UInt32
    /// packet_in_count and byte_in_count: what reached the meter.
    public var inputCounters: CounterPair
    public var duration: StatsDuration
    public var bandStats: [CounterPair]

    public init(meterID: UInt32, flowCount: UInt32, inputCounters: CounterPair, duration: StatsDuration = StatsDuration(),
                bandStats: [CounterPair]) {
        self.meterID = meterID
        self.flowCount = flowCount
        self.inputCounters = inputCounters
        self.duration = duration
        self.bandStats = bandStats
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength(after: { $0.writeInteger(meterID) }) { buffer, _ in
            buffer.writeZeros(6)
            buffer.writeInteger(flowCount)
            inputCounters.encode(into: &buffer)
            duration.encode(into: &buffer)
            bandStats.encode(into: &buffer)
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> MeterStats {
        // 40 bytes, then 16 per band.
        var body = try reader.element("meter stats length", lengthAt: 4, minimum: 40, multipleOf: 16)
        let meterID: UInt32 = try body.integer("meter_id")
        try body.skip(8, "meter stats length and padding")
        return MeterStats(meterID: meterID, flowCount: try body.integer("flow_count"), inputCounters: try CounterPair.decode(from: &body),
                          duration: try StatsDuration.decode(from: &body), bandStats: try CounterPair.decodeAll(from: &body))
    }
}

/// ofp_meter_config: a meter as the switch holds it.
public struct MeterConfig: Sendable, Hashable, WireCodable {
    public var flags: UInt16
    public var meterID: UInt32
    public var bands: [MeterBand]

    public init(flags: UInt16, meterID: UInt32, bands: [MeterBand]) {
        self.flags = flags
        self.meterID = meterID
        self.bands = bands
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength { buffer, _ in encodeMeter(into: &buffer) }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> MeterConfig {
        var body = try reader.element("meter config length", minimum: 8)
        try body.skip(2, "meter config length")
        return try decodeMeter(from: &body)
    }

    /// flags, meter_id, then the bands: the meter as ofp_meter_config carries
    /// it after its length and OFPT_METER_MOD after its command.
    func encodeMeter(into buffer: inout ByteBuffer) {
        buffer.writeInteger(flags)
        buffer.writeInteger(meterID)
        bands.encode(into: &buffer)
    }

    static func decodeMeter(from reader: inout WireReader) throws(OpenFlowDecodingError) -> MeterConfig {
        MeterConfig(flags: try reader.integer("meter flags"), meterID: try reader.integer("meter_id"), bands: try MeterBand.decodeAll(from: &reader))
    }
}

/// ofp_meter_features.
public struct MeterFeatures: Sendable, Hashable, WireCodable {
    public var maxMeter: UInt32
    public var bandTypes: UInt32
    public var capabilities: UInt32
    public var maxBands: UInt8
    public var maxColor: UInt8

    public init(maxMeter: UInt32, bandTypes: UInt32, capabilities: UInt32, maxBands: UInt8, maxColor: UInt8) {
        self.maxMeter = maxMeter
        self.bandTypes = bandTypes
        self.capabilities = capabilities
        self.maxBands = maxBands
        self.maxColor = maxColor
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(maxMeter)
        buffer.writeInteger(bandTypes)
        buffer.writeInteger(capabilities)
        buffer.writeInteger(maxBands)
        buffer.writeInteger(maxColor)
        buffer.writeZeros(2)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> MeterFeatures {
        let features = MeterFeatures(maxMeter: try reader.integer("max_meter"), bandTypes: try reader.integer("band_types"),
                                     capabilities: try reader.integer("capabilities"), maxBands: try reader.integer("max_bands"),
                                     maxColor: try reader.integer("max_color"))
        try reader.skip(2, "meter features padding")
        return features
    }
}
