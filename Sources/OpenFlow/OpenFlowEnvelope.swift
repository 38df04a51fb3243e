import NIOCore

/// The fixed 8-byte ofp_header.
public struct OpenFlowHeader: Sendable, Hashable {
    public var version: UInt8
    public var type: UInt8
    public var length: UInt16
    public var xid: UInt32

    public static let size = 8

    /// Reads a header at the buffer's reader index without consuming it; nil if fewer than 8 bytes.
    public static func peek(_ buffer: ByteBuffer) -> OpenFlowHeader? {
        let at = buffer.readerIndex
        guard buffer.readableBytes >= size,
              let version = buffer.getInteger(at: at, as: UInt8.self),
              let type = buffer.getInteger(at: at &+ 1, as: UInt8.self),
              let length = buffer.getInteger(at: at &+ 2, as: UInt16.self),
              let xid = buffer.getInteger(at: at &+ 4, as: UInt32.self) else { return nil }
        return OpenFlowHeader(version: version, type: type, length: length, xid: xid)
    }
}

/// One OpenFlow message on the wire: version, transaction id and body.
public struct OpenFlowEnvelope: Sendable, Hashable {
    public var version: UInt8
    public var xid: UInt32
    public var message: OpenFlowMessage

    /// The wire version of OpenFlow 1.3.
    public static let version13: UInt8 = 4

    public init(version: UInt8 = OpenFlowEnvelope.version13, xid: UInt32, _ message: OpenFlowMessage) {
        self.version = version
        self.xid = xid
        self.message = message
    }

    /// Appends the message to `buffer`. Throws (and leaves `buffer` as it was)
    /// when it would not fit the 16-bit length.
    public func encode(into buffer: inout ByteBuffer) throws(OpenFlowEncodingError) {
        let start = buffer.writerIndex
        buffer.writeFixed(8) { w in w.put(version); w.put(message.type); w.put(UInt16(0)); w.put(xid) }
        message.encodeBody(into: &buffer)
        let length = buffer.writerIndex &- start
        guard length <= Int(UInt16.max) else {
            buffer.moveWriterIndex(to: start)
            throw OpenFlowEncodingError(what: message.typeName, length: length)
        }
        buffer.patchLength(at: start &+ 2, from: start)
    }

    /// The message as a new buffer.
    public func encoded() throws(OpenFlowEncodingError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try encode(into: &buffer)
        return buffer
    }

    /// Decodes exactly one message: `buffer`'s readable bytes must be the whole
    /// message, as its header's length says. Offsets in errors count from its first byte.
    public static func decode(_ buffer: ByteBuffer) throws(OpenFlowDecodingError) -> OpenFlowEnvelope {
        try WireReader.with(buffer) { (reader: inout WireReader) throws(OpenFlowDecodingError) in
            try decode(buffer, from: &reader)
        }
    }

    private static func decode(_ buffer: ByteBuffer, from reader: inout WireReader) throws(OpenFlowDecodingError) -> OpenFlowEnvelope {
        let (version, type, rawLength, xid) = try reader.fixed(8, "header") { r in
            (r.get(UInt8.self), r.get(UInt8.self), r.get(UInt16.self), r.get(UInt32.self))
        }
        let length = Int(rawLength)
        guard length >= OpenFlowHeader.size else { throw reader.error("header length", .badLength(length), at: 2) }
        guard length == buffer.readableBytes else {
            if length > buffer.readableBytes {
                throw reader.error("message body", .truncated(needed: length &- 8, available: reader.remaining))
            }
            throw reader.error("header length (bytes after the message)", .badLength(length), at: 2)
        }
        let message = try OpenFlowMessage.decodeBody(type: type, version: version, from: &reader)
        return OpenFlowEnvelope(version: version, xid: xid, message)
    }
}
