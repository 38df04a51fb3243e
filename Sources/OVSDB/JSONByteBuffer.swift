import NIOCore

// JSON texts in and out of SwiftNIO's buffers, for the JSON-RPC stream.
extension JSONParser {
    /// Parses exactly one JSON text, the buffer's readable bytes.
    public func parse(_ buffer: ByteBuffer) throws(JSONParseError) -> JSONValue {
        let result = buffer.withUnsafeReadableBytes { bytes in Result { () throws(JSONParseError) in try parse(bytes) } }
        return try result.get()
    }
}

extension JSONValue {
    /// The value as compact JSON text, appended to the buffer.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeBytes(jsonBytes)
    }
}
