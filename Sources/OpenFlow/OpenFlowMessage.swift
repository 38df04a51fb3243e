import NIOCore

/// Every OpenFlow 1.3 message type (ofp_type), with its decoded body.
public enum OpenFlowMessage: Sendable, Hashable {
    case hello(Hello)
    case error(ErrorMessage)
    case echoRequest(ByteBuffer)
    case echoReply(ByteBuffer)
    case experimenter(ExperimenterMessage)
    case featuresRequest
    case featuresReply(SwitchFeatures)
    case getConfigRequest
    case getConfigReply(SwitchConfig)
    case setConfig(SwitchConfig)
    case packetIn(PacketIn)
    case flowRemoved(FlowRemoved)
    case portStatus(PortStatus)
    case packetOut(PacketOut)
    case flowMod(FlowMod)
    case groupMod(GroupMod)
    case portMod(PortMod)
    case tableMod(TableMod)
    case multipartRequest(MultipartRequest)
    case multipartReply(MultipartReply)
    case barrierRequest
    case barrierReply
    case queueGetConfigRequest(QueueGetConfigRequest)
    case queueGetConfigReply(QueueGetConfigReply)
    case roleRequest(RoleMessage)
    case roleReply(RoleMessage)
    case getAsyncRequest
    case getAsyncReply(AsyncConfig)
    case setAsync(AsyncConfig)
    case meterMod(MeterMod)
    /// A type this version does not define, or a non-1.3 message other than
    /// HELLO / ERROR / ECHO: the body bytes, kept as they came.
    case unknown(type: UInt8, body: ByteBuffer)

    /// The ofp_type number.
    public var type: UInt8 {
        switch self {
        case .hello: 0
        case .error: 1
        case .echoRequest: 2
        case .echoReply: 3
        case .experimenter: 4
        case .featuresRequest: 5
        case .featuresReply: 6
        case .getConfigRequest: 7
        case .getConfigReply: 8
        case .setConfig: 9
        case .packetIn: 10
        case .flowRemoved: 11
        case .portStatus: 12
        case .packetOut: 13
        case .flowMod: 14
        case .groupMod: 15
        case .portMod: 16
        case .tableMod: 17
        case .multipartRequest: 18
        case .multipartReply: 19
        case .barrierRequest: 20
        case .barrierReply: 21
        case .queueGetConfigRequest: 22
        case .queueGetConfigReply: 23
        case .roleRequest: 24
        case .roleReply: 25
        case .getAsyncRequest: 26
        case .getAsyncReply: 27
        case .setAsync: 28
        case .meterMod: 29
        case let .unknown(type, _): type
        }
    }

    /// The specification's name, e.g. "OFPT_FLOW_MOD".
    public var typeName: String { Self.typeName(type) }

    public static func typeName(_ type: UInt8) -> String {
        let names = ["HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER", "FEATURES_REQUEST",
                     "FEATURES_REPLY", "GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN",
                     "FLOW_REMOVED", "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD", "TABLE_MOD",
                     "MULTIPART_REQUEST", "MULTIPART_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY",
                     "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY", "ROLE_REQUEST", "ROLE_REPLY",
                     "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY", "SET_ASYNC", "METER_MOD"]
        return Int(type) < names.count ? "OFPT_" + names[Int(type)] : "OFPT_UNKNOWN_\(type)"
    }

    func encodeBody(into buffer: inout ByteBuffer) {
        switch self {
        case .featuresRequest, .getConfigRequest, .barrierRequest, .barrierReply, .getAsyncRequest:
            break
        case let .hello(value): value.encode(into: &buffer)
        case let .error(value): value.encode(into: &buffer)
        case let .echoRequest(data), let .echoReply(data), let .unknown(_, data): buffer.writeImmutableBuffer(data)
        case let .experimenter(value): value.encode(into: &buffer)
        case let .featuresReply(value): value.encode(into: &buffer)
        case let .getConfigReply(value), let .setConfig(value): value.encode(into: &buffer)
        case let .packetIn(value): value.encode(into: &buffer)
        case let .flowRemoved(value): value.encode(into: &buffer)
        case let .portStatus(value): value.encode(into: &buffer)
        case let .packetOut(value): value.encode(into: &buffer)
        case let .flowMod(value): value.encode(into: &buffer)
        case let .groupMod(value): value.encode(into: &buffer)
        case let .portMod(value): value.encode(into: &buffer)
        case let .tableMod(value): value.encode(into: &buffer)
        case let .multipartRequest(value): value.encode(into: &buffer)
        case let .multipartReply(value): value.encode(into: &buffer)
        case let .queueGetConfigRequest(value): value.encode(into: &buffer)
        case let .queueGetConfigReply(value): value.encode(into: &buffer)
        case let .roleRequest(value), let .roleReply(value): value.encode(into: &buffer)
        case let .getAsyncReply(value), let .setAsync(value): value.encode(into: &buffer)
        case let .meterMod(value): value.encode(into: &buffer)
        }
    }

    /// Decodes a body of `type`; `reader` holds exactly the body.
    static func decodeBody(type: UInt8, version: UInt8, from reader: inout WireReader) throws(OpenFlowDecodingError) -> OpenFlowMessage {
        // HELLO, ERROR and ECHO keep their layout across versions (needed to
        // negotiate); anything else from another version stays opaque.
        guard version == OpenFlowEnvelope.version13 || type <= 3 else {
            return .unknown(type: type, body: reader.rest())
        }
        let message: OpenFlowMessage
        switch type {
        case 0: message = .hello(try Hello.decode(from: &reader))
        case 1: message = .error(try ErrorMessage.decode(from: &reader))
        case 2: message = .echoRequest(reader.rest())
        case 3: message = .echoReply(reader.rest())
        case 4: message = .experimenter(try ExperimenterMessage.decode(from: &reader))
        case 5: message = .featuresRequest
        case 6: message = .featuresReply(try SwitchFeatures.decode(from: &reader))
        case 7: message = .getConfigRequest
        case 8: message = .getConfigReply(try SwitchConfig.decode(from: &reader))
        case 9: message = .setConfig(try SwitchConfig.decode(from: &reader))
        case 10: message = .packetIn(try PacketIn.decode(from: &reader))
        case 11: message = .flowRemoved(try FlowRemoved.decode(from: &reader))
        case 12: message = .portStatus(try PortStatus.decode(from: &reader))
        case 13: message = .packetOut(try PacketOut.decode(from: &reader))
        case 14: message = .flowMod(try FlowMod.decode(from: &reader))
        case 15: message = .groupMod(try GroupMod.decode(from: &reader))
        case 16: message = .portMod(try PortMod.decode(from: &reader))
        case 17: message = .tableMod(try TableMod.decode(from: &reader))
        case 18: message = .multipartRequest(try MultipartRequest.decode(from: &reader))
        case 19: message = .multipartReply(try MultipartReply.decode(from: &reader))
        case 20: message = .barrierRequest
        case 21: message = .barrierReply
        case 22: message = .queueGetConfigRequest(try QueueGetConfigRequest.decode(from: &reader))
        case 23: message = .queueGetConfigReply(try QueueGetConfigReply.decode(from: &reader))
        case 24: message = .roleRequest(try RoleMessage.decode(from: &reader))
        case 25: message = .roleReply(try RoleMessage.decode(from: &reader))
        case 26: message = .getAsyncRequest
        case 27: message = .getAsyncReply(try AsyncConfig.decode(from: &reader))
        case 28: message = .setAsync(try AsyncConfig.decode(from: &reader))
        case 29: message = .meterMod(try MeterMod.decode(from: &reader))
        default: message = .unknown(type: type, body: reader.rest())
        }
        guard reader.isEmpty else {
            throw reader.error("trailing bytes after message body", .badLength(reader.remaining))
        }
        return message
    }
}
