import NIOCore

/// ofp_packet_queue with its properties (OFPQT_MIN_RATE 1, MAX_RATE 2,
/// EXPERIMENTER 0xffff); a property keeps its bytes after the 8-byte header.
public struct PacketQueue: Sendable, Hashable, WireCodable {
    public typealias Property = PropertyBytes

    public var queueID: UInt32
    public var port: UInt32
    public var properties: [Property]

    public init(queueID: UInt32, port: UInt32, properties: [Property]) {
        self.queueID = queueID
        self.port = port
        self.properties = properties
    }

    /// The rate in 1/10 of a percent of a MIN_RATE (1) or MAX_RATE (2) property.
    public static func rate(of property: Property) -> UInt16? {
        property.type == 1 || property.type == 2 ? property.body.getInteger(at: property.body.readerIndex, as: UInt16.self) : nil
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength(after: { $0.writeInteger(queueID); $0.writeInteger(port) }) { buffer, _ in
            buffer.writeZeros(6)
            for property in properties {
                buffer.writeTLV(type: property.type) { buffer, _ in
                    buffer.writeZeros(4)
                    buffer.writeImmutableBuffer(property.body)
                }
            }
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PacketQueue {
        var body = try reader.element("queue length", lengthAt: 8, minimum: 16)
        let queueID: UInt32 = try body.integer("queue_id")
        let port: UInt32 = try body.integer("queue port")
        try body.skip(8, "queue length and padding")
        let properties = try body.elements("queue property", minimum: 8) { (one: inout WireReader) throws(OpenFlowDecodingError) in
            let type: UInt16 = try one.integer("queue property type")
            try one.skip(6, "queue property header")
            return Property(type: type, body: one.rest())
        }
        return PacketQueue(queueID: queueID, port: port, properties: properties)
    }
}

/// OFPT_QUEUE_GET_CONFIG_REQUEST body.
public struct QueueGetConfigRequest: Sendable, Hashable, WireCodable {
    public var port: UInt32

    public init(port: UInt32) { self.port = port }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(port)
        buffer.writeZeros(4)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> QueueGetConfigRequest {
        let port: UInt32 = try reader.integer("port")
        try reader.skip(4, "queue_get_config padding")
        return QueueGetConfigRequest(port: port)
    }
}

/// OFPT_QUEUE_GET_CONFIG_REPLY body.
public struct QueueGetConfigReply: Sendable, Hashable, WireCodable {
    public var port: UInt32
    public var queues: [PacketQueue]

    public init(port: UInt32, queues: [PacketQueue]) {
        self.port = port
        self.queues = queues
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(port)
        buffer.writeZeros(4)
        queues.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> QueueGetConfigReply {
        let port: UInt32 = try reader.integer("port")
        try reader.skip(4, "queue_get_config padding")
        return QueueGetConfigReply(port: port, queues: try PacketQueue.decodeAll(from: &reader))
    }
}
