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

    /// The declared type of this message; nil for `unknown`.
    public var messageType: MessageType? {
        switch self {
        case .hello: .hello
        case .error: .error
        case .echoRequest: .echoRequest
        case .echoReply: .echoReply
        case .experimenter: .experimenter
        case .featuresRequest: .featuresRequest
        case .featuresReply: .featuresReply
        case .getConfigRequest: .getConfigRequest
        case .getConfigReply: .getConfigReply
        case .setConfig: .setConfig
        case .packetIn: .packetIn
        case .flowRemoved: .flowRemoved
        case .portStatus: .portStatus
        case .packetOut: .packetOut
        case .flowMod: .flowMod
        case .groupMod: .groupMod
        case .portMod: .portMod
        case .tableMod: .tableMod
        case .multipartRequest: .multipartRequest
        case .multipartReply: .multipartReply
        case .barrierRequest: .barrierRequest
        case .barrierReply: .barrierReply
        case .queueGetConfigRequest: .queueGetConfigRequest
        case .queueGetConfigReply: .queueGetConfigReply
        case .roleRequest: .roleRequest
        case .roleReply: .roleReply
        case .getAsyncRequest: .getAsyncRequest
        case .getAsyncReply: .getAsyncReply
        case .setAsync: .setAsync
        case .meterMod: .meterMod
        case .unknown: nil
        }
    }

    /// The ofp_type number.
    public var type: UInt8 {
        if case let .unknown(type, _) = self { return type }
        return messageType?.rawValue ?? 0  // every other case has a declared type
    }

    /// The specification's name, e.g. "OFPT_FLOW_MOD".
    public var typeName: String { MessageType.name(type) }

    public static func typeName(_ type: UInt8) -> String { MessageType.name(type) }

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
        guard let known = MessageType(rawValue: type), version == OpenFlowEnvelope.version13 || known.isVersionIndependent else {
            return .unknown(type: type, body: reader.rest())
        }
        let message: OpenFlowMessage
        switch known {
        case .hello: message = .hello(try Hello.decode(from: &reader))
        case .error: message = .error(try ErrorMessage.decode(from: &reader))
        case .echoRequest: message = .echoRequest(reader.rest())
        case .echoReply: message = .echoReply(reader.rest())
        case .experimenter: message = .experimenter(try ExperimenterMessage.decode(from: &reader))
        case .featuresRequest: message = .featuresRequest
        case .featuresReply: message = .featuresReply(try SwitchFeatures.decode(from: &reader))
        case .getConfigRequest: message = .getConfigRequest
        case .getConfigReply: message = .getConfigReply(try SwitchConfig.decode(from: &reader))
        case .setConfig: message = .setConfig(try SwitchConfig.decode(from: &reader))
        case .packetIn: message = .packetIn(try PacketIn.decode(from: &reader))
        case .flowRemoved: message = .flowRemoved(try FlowRemoved.decode(from: &reader))
        case .portStatus: message = .portStatus(try PortStatus.decode(from: &reader))
        case .packetOut: message = .packetOut(try PacketOut.decode(from: &reader))
        case .flowMod: message = .flowMod(try FlowMod.decode(from: &reader))
        case .groupMod: message = .groupMod(try GroupMod.decode(from: &reader))
        case .portMod: message = .portMod(try PortMod.decode(from: &reader))
        case .tableMod: message = .tableMod(try TableMod.decode(from: &reader))
        case .multipartRequest: message = .multipartRequest(try MultipartRequest.decode(from: &reader))
        case .multipartReply: message = .multipartReply(try MultipartReply.decode(from: &reader))
        case .barrierRequest: message = .barrierRequest
        case .barrierReply: message = .barrierReply
        case .queueGetConfigRequest: message = .queueGetConfigRequest(try QueueGetConfigRequest.decode(from: &reader))
        case .queueGetConfigReply: message = .queueGetConfigReply(try QueueGetConfigReply.decode(from: &reader))
        case .roleRequest: message = .roleRequest(try RoleMessage.decode(from: &reader))
        case .roleReply: message = .roleReply(try RoleMessage.decode(from: &reader))
        case .getAsyncRequest: message = .getAsyncRequest
        case .getAsyncReply: message = .getAsyncReply(try AsyncConfig.decode(from: &reader))
        case .setAsync: message = .setAsync(try AsyncConfig.decode(from: &reader))
        case .meterMod: message = .meterMod(try MeterMod.decode(from: &reader))
        }
        guard reader.isEmpty else {
            throw reader.error("trailing bytes after message body", .badLength(reader.remaining))
        }
        return message
    }
}
