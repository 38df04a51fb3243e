/// Why a JSON text was refused, and at which byte offset of the text.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The text ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue a value here.
        case unexpectedByte(UInt8)
        /// A number beyond what a Double holds (e.g. 1e999).
        case numberOutOfRange
        /// A backslash followed by something other than the eight JSON escapes.
        case invalidEscape
        /// A `\u` escape that is not four hex digits, or an unpaired surrogate.
        case invalidUnicodeEscape
        /// String bytes that are not UTF-8.
        case invalidUTF8
        /// A raw control character (below 0x20) inside a string.
        case controlCharacterInString
        /// Nesting beyond the parser's depth limit.
        case tooDeep(limit: Int)
        /// The text is longer than the parser's size limit.
        case tooLarge(limit: Int)
        /// An object with the same member name twice.
        case duplicateKey(String)
        /// Bytes after the end of the value.
        case trailingBytes
    }

    public let kind: Kind
    public let offset: Int

    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch kind {
        case .unexpectedEnd: what = "unexpected end of text"
        case .unexpectedByte(let b): what = "unexpected byte 0x\(String(b, radix: 16))"
        case .numberOutOfRange: what = "number out of range"
        case .invalidEscape: what = "invalid escape"
        case .invalidUnicodeEscape: what = "invalid \\u escape"
        case .invalidUTF8: what = "invalid UTF-8 in string"
        case .controlCharacterInString: what = "control character in string"
        case .tooDeep(let limit): what = "nesting deeper than \(limit)"
        case .tooLarge(let limit): what = "text larger than \(limit) bytes"
        case .duplicateKey(let key): what = "duplicate member \"\(key)\""
        case .trailingBytes: what = "bytes after the value"
        }
        return "JSON: \(what) at offset \(offset)"
    }
}
