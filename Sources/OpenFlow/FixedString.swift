import NIOCore

/// A fixed-size, NUL-padded text field (port and table names, switch
/// descriptions). The wire bytes are kept as they came, so a name that is not
/// valid UTF-8, or has bytes after its NUL, still re-encodes unchanged.
public struct FixedString: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public private(set) var bytes: [UInt8]

    public init(_ string: String) { bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The text up to the first NUL (invalid UTF-8 shows as U+FFFD).
    public var string: String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    public var description: String { string }

    /// Trailing NULs are padding: "eth0" equals "eth0" padded to 16 bytes.
    private var significant: ArraySlice<UInt8> {
        bytes[..<(bytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0)]
    }

    public static func == (lhs: FixedString, rhs: FixedString) -> Bool { lhs.significant == rhs.significant }
    public func hash(into hasher: inout Hasher) { hasher.combine(Array(significant)) }

    func encode(into buffer: inout ByteBuffer, size: Int) {
        let cut = bytes.prefix(size)
        buffer.writeBytes(cut)
        buffer.writeZeros(size - cut.count)
    }

    static func decode(from reader: inout WireReader, size: Int, _ what: @autoclosure () -> String) throws(OpenFlowDecodingError) -> FixedString {
        FixedString(bytes: try reader.bytes(size, what()))
    }
}
