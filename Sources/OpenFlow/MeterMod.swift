import NIOCore

/// ofp_meter_band_*: a rate above which the band applies.
public struct MeterBand: Sendable, Hashable, WireCodable {
    /// OFPMBT_*: the band types, each number declared here once.
    public enum BandType: UInt16, WireNumber {
        public static let unknownPrefix = "OFPMBT_UNKNOWN_"

        case drop = 1
        case dscpRemark = 2
        case experimenter = 0xffff

        public var name: String {
            switch self {
            case .drop: "OFPMBT_DROP"
            case .dscpRemark: "OFPMBT_DSCP_REMARK"
            case .experimenter: "OFPMBT_EXPERIMENTER"
            }
        }
    }

    public enum Kind: Sendable, Hashable {
        /// OFPMBT_DROP.
        case drop
        /// OFPMBT_DSCP_REMARK.
        case dscpRemark(precedenceLevel: UInt8)
        /// OFPMBT_EXPERIMENTER: the id and the bytes after it.
        case experimenter(id: UInt32, body: ByteBuffer)
        case unknown(type: UInt16, body: ByteBuffer)
    }

    public var kind: Kind
    public var rate: UInt32
    public var burstSize: UInt32

    public init(_ kind: Kind, rate: UInt32, burstSize: UInt32 = 0) {
        self.kind = kind
        self.rate = rate
        self.burstSize = burstSize
    }

    public var type: UInt16 {
        switch kind {
        case .drop: BandType.drop.rawValue
        case .dscpRemark: BandType.dscpRemark.rawValue
        case .experimenter: BandType.experimenter.rawValue
        case let .unknown(type, _): type
        }
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeTLV(type: type) { buffer, _ in
            buffer.writeInteger(rate)
            buffer.writeInteger(burstSize)
            switch kind {
            case .drop:
                buffer.writeZeros(4)
            case let .dscpRemark(level):
                buffer.writeInteger(level)
                buffer.writeZeros(3)
            case let .experimenter(id, body):
                buffer.writeInteger(id)
                buffer.writeImmutableBuffer(body)
            case let .unknown(_, body):
                buffer.writeImmutableBuffer(body)
            }
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> MeterBand {
        var body = try reader.element("meter band length", lengthAt: 2, minimum: 12)
        let length = body.remaining
        let type: UInt16 = try body.integer("meter band type")
        try body.skip(2, "meter band length")
        let rate: UInt32 = try body.integer("meter band rate")
        let burstSize: UInt32 = try body.integer("meter band burst_size")
        let kind: Kind
        switch BandType(rawValue: type) {
        case .drop? where length == 16:
            try body.skip(4, "drop band padding")
            kind = .drop
        case .dscpRemark? where length == 16:
            kind = .dscpRemark(precedenceLevel: try body.integer("prec_level"))
            try body.skip(3, "dscp_remark padding")
        case .experimenter?:
            kind = .experimenter(id: try body.integer("meter band experimenter"), body: body.rest())
        default:
            kind = .unknown(type: type, body: body.rest())
        }
        return MeterBand(kind, rate: rate, burstSize: burstSize)
    }
}

/// OFPT_METER_MOD.
public struct MeterMod: Sendable, Hashable, WireCodable {
    /// OFPMC_ADD (0), MODIFY (1), DELETE (2).
    public var command: UInt16
    /// OFPMF_* flags (KBPS 1, PKTPS 2, BURST 4, STATS 8).
    public var flags: UInt16
    public var meterID: UInt32
    public var bands: [MeterBand]

    public init(command: UInt16, flags: UInt16, meterID: UInt32, bands: [MeterBand]) {
        self.command = command
        self.flags = flags
        self.meterID = meterID
        self.bands = bands
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(command)
        MeterConfig(flags: flags, meterID: meterID, bands: bands).encodeMeter(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> MeterMod {
        let command: UInt16 = try reader.integer("meter command")
        let meter = try MeterConfig.decodeMeter(from: &reader)
        return MeterMod(command: command, flags: meter.flags, meterID: meter.meterID, bands: meter.bands)
    }
}
