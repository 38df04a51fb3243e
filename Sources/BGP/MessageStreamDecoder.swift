import NIOCore

/// Splits a TCP byte stream into BGP messages (RFC 4271 §4.1), sans I/O:
/// feed it what the socket gave, take whole messages out. It checks the
/// marker and the length bounds; the message itself is decoded by
/// `BGPMessage.decode`.
public struct MessageStreamDecoder: Sendable {
    private var buffer: ByteBuffer
    /// Bytes taken out so far, so errors name their offset in the stream.
    public private(set) var consumed: Int = 0
    /// 4096, or 65535 once extended messages are agreed (RFC 8654).
    public var maximumMessageLength: Int

    public init(maximumMessageLength: Int = 4096) {
        self.buffer = ByteBufferAllocator().buffer(capacity: 4096)
        self.maximumMessageLength = maximumMessageLength
    }

    public mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.writeBytes(bytes) }

    /// Bytes waiting for the rest of their message.
    public var pendingBytes: Int { buffer.readableBytes }

    /// The next whole message (header included), nil until one is there.
    /// After an error the stream is unusable: the session must close.
    public mutating func next() throws(BGPDecodingError) -> ByteBuffer? {
        guard let header = BGPMessageHeader.peek(buffer) else { return nil }
        guard header.markerIsAllOnes else {
            throw BGPDecodingError("marker not all ones", offset: consumed, notification: Notification(.messageHeader(.connectionNotSynchronized)))
        }
        let length = header.length
        guard length >= BGPMessageHeader.size, length <= maximumMessageLength else {
            throw BGPDecodingError("message length \(length) outside 19...\(maximumMessageLength)", offset: consumed + 16,
                                   notification: Notification(.messageHeader(.badMessageLength), data: [UInt8(length >> 8), UInt8(length & 0xff)]))
        }
        guard buffer.readableBytes >= length, let message = buffer.readSlice(length: length) else { return nil }
        consumed += length
        if buffer.readableBytes == 0 { buffer.clear() } else if buffer.readerIndex > 65536 { buffer.discardReadBytes() }
        return message
    }
}
