import NIOCore

/// OFPT_ERROR. For OFPET_EXPERIMENTER (0xffff) `code` is the exp_type and
/// `experimenter` the experimenter id.
public struct ErrorMessage: Sendable, Hashable, WireCodable {
    public var type: UInt16
    public var code: UInt16
    public var experimenter: UInt32?
    /// Usually at least the first 64 bytes of the failed request.
    public var data: ByteBuffer

    public static let experimenterType = ErrorType.experimenter.rawValue

    public init(_ error: OpenFlowErrorCode, data: ByteBuffer = ByteBuffer()) {
        self.init(type: error.type, code: error.code, data: data)
    }

    public init(type: UInt16, code: UInt16, data: ByteBuffer = ByteBuffer()) {
        self.type = type
        self.code = code
        self.experimenter = nil
        self.data = data
    }

    public init(experimenter: UInt32, expType: UInt16, data: ByteBuffer = ByteBuffer()) {
        self.type = Self.experimenterType
        self.code = expType
        self.experimenter = experimenter
        self.data = data
    }

    /// The type and code by name; nil for an experimenter error (whose code is its exp_type).
    public var errorCode: OpenFlowErrorCode? {
        experimenter == nil ? OpenFlowErrorCode(type: type, code: code) : nil
    }

    /// For logs: "OFPET_FLOW_MOD_FAILED/OFPFMFC_TABLE_FULL", or the experimenter's id and type.
    public var name: String {
        if let experimenter { return "OFPET_EXPERIMENTER/\(experimenter)/\(code)" }
        return OpenFlowErrorCode(type: type, code: code).description
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeInteger(code)
        if type == Self.experimenterType { buffer.writeInteger(experimenter ?? 0) }
        buffer.writeImmutableBuffer(data)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> ErrorMessage {
        let type: UInt16 = try reader.integer("error type")
        let code: UInt16 = try reader.integer("error code")
        if type == experimenterType {
            return ErrorMessage(experimenter: try reader.integer("error experimenter id"), expType: code, data: reader.rest())
        }
        return ErrorMessage(type: type, code: code, data: reader.rest())
    }
}
