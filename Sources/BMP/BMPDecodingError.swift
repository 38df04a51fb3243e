import FieldReader

/// Why some bytes are not a BMP message: the field (RFC 7854's name), its
/// value, what is wrong, the offset in the message.
public typealias BMPDecodingError = FieldDecodingError

extension FieldReader {
    init(bmp bytes: ArraySlice<UInt8>) { self.init(bytes, format: "BMP") }
}
