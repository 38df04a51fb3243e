import NIOCore

/// OFPMP_*: what a multipart request asks for and its reply carries (§A.3.5),
/// each number declared here once. Both directions share the numbers and
/// the header, so both codecs read them here; a number OpenFlow 1.3 does not
/// define decodes as the body's `unknown` case.
public enum MultipartType: UInt16, WireNumber {
    case desc = 0
    case flow = 1
    case aggregate = 2
    case table = 3
    case portStats = 4
    case queue = 5
    case group = 6
    case groupDesc = 7
    case groupFeatures = 8
    case meter = 9
    case meterConfig = 10
    case meterFeatures = 11
    case tableFeatures = 12
    case portDesc = 13
    case experimenter = 0xffff

    /// The specification's name, e.g. "OFPMP_PORT_DESC".
    public var name: String {
        switch self {
        case .desc: "OFPMP_DESC"
        case .flow: "OFPMP_FLOW"
        case .aggregate: "OFPMP_AGGREGATE"
        case .table: "OFPMP_TABLE"
        case .portStats: "OFPMP_PORT_STATS"
        case .queue: "OFPMP_QUEUE"
        case .group: "OFPMP_GROUP"
        case .groupDesc: "OFPMP_GROUP_DESC"
        case .groupFeatures: "OFPMP_GROUP_FEATURES"
        case .meter: "OFPMP_METER"
        case .meterConfig: "OFPMP_METER_CONFIG"
        case .meterFeatures: "OFPMP_METER_FEATURES"
        case .tableFeatures: "OFPMP_TABLE_FEATURES"
        case .portDesc: "OFPMP_PORT_DESC"
        case .experimenter: "OFPMP_EXPERIMENTER"
        }
    }

    /// Not declared: "OFPMP_UNKNOWN_N".
    public static let unknownPrefix = "OFPMP_UNKNOWN_"

    /// ofp_multipart_request / ofp_multipart_reply up to the body: type, flags, 4 bytes pad.
    static func encodeHeader(_ type: UInt16, flags: UInt16, into buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeInteger(flags)
        buffer.writeZeros(4)
    }

    static func decodeHeader(from reader: inout WireReader) throws(OpenFlowDecodingError) -> (type: UInt16, flags: UInt16) {
        let type: UInt16 = try reader.integer("multipart type")
        let flags: UInt16 = try reader.integer("multipart flags")
        try reader.skip(4, "multipart padding")
        return (type, flags)
    }
}
