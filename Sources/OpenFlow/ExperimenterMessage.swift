import NIOCore

/// OFPT_EXPERIMENTER (and the body of an experimenter multipart).
public struct ExperimenterMessage: Sendable, Hashable, WireCodable {
    public var experimenter: UInt32
    public var expType: UInt32
    public var data: ByteBuffer

    public init(experimenter: UInt32, expType: UInt32, data: ByteBuffer = ByteBuffer()) {
        self.experimenter = experimenter
        self.expType = expType
        self.data = data
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(experimenter)
        buffer.writeInteger(expType)
        buffer.writeImmutableBuffer(data)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> ExperimenterMessage {
        ExperimenterMessage(experimenter: try reader.integer("experimenter id"), expType: try reader.integer("experimenter type"),
                            data: reader.rest())
    }
}
