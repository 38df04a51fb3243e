/// OFPT_*: the message types of OpenFlow 1.3 (§A.1), each number declared
/// here once and used by the encoder, the decoder and the names.
public enum MessageType: UInt8, WireNumber {
    case hello = 0
    case error = 1
    case echoRequest = 2
    case echoReply = 3
    case experimenter = 4
    case featuresRequest = 5
    case featuresReply = 6
    case getConfigRequest = 7
    case getConfigReply = 8
    case setConfig = 9
    case packetIn = 10
    case flowRemoved = 11
    case portStatus = 12
    case packetOut = 13
    case flowMod = 14
    case groupMod = 15
    case portMod = 16
    case tableMod = 17
    case multipartRequest = 18
    case multipartReply = 19
    case barrierRequest = 20
    case barrierReply = 21
    case queueGetConfigRequest = 22
    case queueGetConfigReply = 23
    case roleRequest = 24
    case roleReply = 25
    case getAsyncRequest = 26
    case getAsyncReply = 27
    case setAsync = 28
    case meterMod = 29

    /// The specification's name, e.g. "OFPT_FLOW_MOD".
    public var name: String {
        switch self {
        case .hello: "OFPT_HELLO"
        case .error: "OFPT_ERROR"
        case .echoRequest: "OFPT_ECHO_REQUEST"
        case .echoReply: "OFPT_ECHO_REPLY"
        case .experimenter: "OFPT_EXPERIMENTER"
        case .featuresRequest: "OFPT_FEATURES_REQUEST"
        case .featuresReply: "OFPT_FEATURES_REPLY"
        case .getConfigRequest: "OFPT_GET_CONFIG_REQUEST"
        case .getConfigReply: "OFPT_GET_CONFIG_REPLY"
        case .setConfig: "OFPT_SET_CONFIG"
        case .packetIn: "OFPT_PACKET_IN"
        case .flowRemoved: "OFPT_FLOW_REMOVED"
        case .portStatus: "OFPT_PORT_STATUS"
        case .packetOut: "OFPT_PACKET_OUT"
        case .flowMod: "OFPT_FLOW_MOD"
        case .groupMod: "OFPT_GROUP_MOD"
        case .portMod: "OFPT_PORT_MOD"
        case .tableMod: "OFPT_TABLE_MOD"
        case .multipartRequest: "OFPT_MULTIPART_REQUEST"
        case .multipartReply: "OFPT_MULTIPART_REPLY"
        case .barrierRequest: "OFPT_BARRIER_REQUEST"
        case .barrierReply: "OFPT_BARRIER_REPLY"
        case .queueGetConfigRequest: "OFPT_QUEUE_GET_CONFIG_REQUEST"
        case .queueGetConfigReply: "OFPT_QUEUE_GET_CONFIG_REPLY"
        case .roleRequest: "OFPT_ROLE_REQUEST"
        case .roleReply: "OFPT_ROLE_REPLY"
        case .getAsyncRequest: "OFPT_GET_ASYNC_REQUEST"
        case .getAsyncReply: "OFPT_GET_ASYNC_REPLY"
        case .setAsync: "OFPT_SET_ASYNC"
        case .meterMod: "OFPT_METER_MOD"
        }
    }

    /// Not declared: "OFPT_UNKNOWN_N".
    public static let unknownPrefix = "OFPT_UNKNOWN_"

    /// HELLO, ERROR and ECHO keep their layout in every version (they are
    /// how two ends negotiate one); any other type is read only in 1.3.
    public var isVersionIndependent: Bool {
        switch self {
        case .hello, .error, .echoRequest, .echoReply: true
        default: false
        }
    }
}
