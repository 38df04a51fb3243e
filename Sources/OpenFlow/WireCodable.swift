import NIOCore

/// A value that writes its own OpenFlow wire form.
protocol WireEncodable {
    func encode(into buffer: inout ByteBuffer)
}

/// A value with a fixed OpenFlow wire layout. `decode` reads from a reader that
/// holds the value's bytes (and, for a message body, nothing else).
protocol WireCodable: WireEncodable {
    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> Self
}

extension WireCodable {
    /// Decodes a list of fixed-size or self-delimited values that fills `reader`.
    static func decodeAll(from reader: inout WireReader) throws(OpenFlowDecodingError) -> [Self] {
        var out: [Self] = []
        while !reader.isEmpty { out.append(try decode(from: &reader)) }
        return out
    }
}

extension Array: WireEncodable where Element: WireCodable {
    func encode(into buffer: inout ByteBuffer) {
        for element in self { element.encode(into: &buffer) }
    }
}

/// Bytes kept as they came (a body this codec does not decode).
extension ByteBuffer: WireEncodable {
    func encode(into buffer: inout ByteBuffer) {
        buffer.writeImmutableBuffer(self)
    }
}
