import NIOCore

/// Splits a JSON-RPC byte stream into complete JSON texts. RFC 7047 sends
/// texts back to back with no length prefix, so a read may hold part of one,
/// or several; the framer tracks string/escape state and bracket depth, and
/// resumes where the last scan stopped (linear in the bytes received).
///
/// A text that grows beyond `maximumTextBytes` before it closes is an error:
/// a peer cannot make us buffer without bound. After an error the stream is
/// out of step and the connection should be dropped.
public struct JSONStreamFramer: Sendable {
    public enum Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        /// A byte other than whitespace, `{` or `[` where a text must start
        /// (offset counted from the start of the stream).
        case unexpectedByte(UInt8, offset: Int)
        /// A text still open after this many bytes.
        case textTooLarge(limit: Int, offset: Int)

        public var description: String {
            switch self {
            case .unexpectedByte(let b, let offset):
                return "JSON stream: byte 0x\(String(b, radix: 16)) cannot start a text, at offset \(offset)"
            case .textTooLarge(let limit, let offset):
                return "JSON stream: text starting at offset \(offset) exceeds \(limit) bytes"
            }
        }
    }

    public let maximumTextBytes: Int
    private var buffer = ByteBuffer()
    /// Stream offset of `buffer.readerIndex`.
    private var consumed = 0
    /// Bytes of the current text scanned so far (from readerIndex).
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var failure: Error?

    public init(maximumTextBytes: Int = 4 << 20) {
        self.maximumTextBytes = maximumTextBytes
    }

    /// Bytes received but not yet returned as a text.
    public var bufferedBytes: Int { buffer.readableBytes }

    public mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        buffer.writeBytes(bytes)
    }

    /// The next complete text, or nil until more bytes arrive.
    public mutating func next() throws(Error) -> ByteBuffer? {
        if let failure { throw failure }
        if scanned == 0 {
            // Between texts: skip whitespace, then only an object or array may start.
            while let b = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) {
                if b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d {
                    buffer.moveReaderIndex(forwardBy: 1)
                    consumed &+= 1
                    continue
                }
                guard b == UInt8(ascii: "{") || b == UInt8(ascii: "[") else {
                    failure = .unexpectedByte(b, offset: consumed)
                    throw failure!
                }
                break
            }
            compact()
        }
        // Scan with local copies of the state: the closure cannot touch self
        // while self.buffer is being read.
        var (scanned, depth, inString, escaped) = (self.scanned, self.depth, self.inString, self.escaped)
        let end: Int? = buffer.withUnsafeReadableBytes { bytes in
            var i = scanned
            defer { scanned = i }
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if inString {
                    if escaped {
                        escaped = false
                    } else if b == UInt8(ascii: "\\") {
                        escaped = true
                    } else if b == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i }
                default: break
                }
            }
            return nil
        }
        (self.scanned, self.depth, self.inString, self.escaped) = (scanned, depth, inString, escaped)
        guard let end else {
            if scanned > maximumTextBytes {
                failure = .textTooLarge(limit: maximumTextBytes, offset: consumed)
                throw failure!
            }
            return nil
        }
        guard end <= maximumTextBytes else {
            failure = .textTooLarge(limit: maximumTextBytes, offset: consumed)
            throw failure!
        }
        // readSlice cannot fail: end is within the readable bytes just scanned.
        let text = buffer.readSlice(length: end) ?? ByteBuffer()
        consumed &+= end
        self.scanned = 0
        self.depth = 0
        return text
    }

    /// Drops consumed bytes once they are a good share of the storage, so a
    /// long-lived connection does not grow its buffer forever.
    private mutating func compact() {
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > 64 * 1024 && buffer.readerIndex > buffer.readableBytes {
            buffer.discardReadBytes()
        }
    }
}
