import NIOCore

/// OFPT_PACKET_OUT. Open vSwitch never buffers: send the frame in `data`.
public struct PacketOut: Sendable, Hashable, WireCodable {
    public var bufferID: UInt32
    public var inPort: UInt32
    public var actions: [Action]
    public var data: ByteBuffer

    public init(bufferID: UInt32 = PacketIn.noBuffer, inPort: UInt32 = OpenFlowPort.controller, actions: [Action], data: ByteBuffer) {
        self.bufferID = bufferID
        self.inPort = inPort
        self.actions = actions
        self.data = data
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(bufferID)
        buffer.writeInteger(inPort)
        let lengthAt = buffer.reserveLength()
        buffer.writeZeros(6)
        let actionsStart = buffer.writerIndex
        Action.encodeList(actions, into: &buffer)
        buffer.setInteger(UInt16(truncatingIfNeeded: buffer.writerIndex &- actionsStart), at: lengthAt)
        buffer.writeImmutableBuffer(data)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PacketOut {
        let bufferID: UInt32 = try reader.integer("buffer_id")
        let inPort: UInt32 = try reader.integer("in_port")
        let actionsLength = Int(try reader.integer("actions_len", as: UInt16.self))
        try reader.skip(6, "packet_out padding")
        var actionsReader = try reader.sub(actionsLength, "packet_out actions")
        let actions = try Action.decodeList(from: &actionsReader)
        return PacketOut(bufferID: bufferID, inPort: inPort, actions: actions, data: reader.rest())
    }
}
