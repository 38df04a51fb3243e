import NIOCore

/// Splits a TCP byte stream into BGP messages (RFC 4271 §4.1), sans I/O:
/// feed it what the socket gave, take whole messages out. It checks the
/// marker and the length bounds; the message itself is decoded by
/// `BGPMessage.decode`.
///
/// A read is not copied: messages are slices of it. Only a message that
/// straddles two reads is copied together, from the octets that complete it.
public struct MessageStreamDecoder: Sendable {
    /// The read being split (or the start of a message that straddles reads).
    private var buffer: ByteBuffer
    /// Reads that came while `buffer` still held part of a message, in order.
    private var queued: [ByteBuffer] = []
    /// Bytes taken out so far, so errors name their offset in the stream.
    public private(set) var consumed: Int = 0
    /// 4096, or 65535 once extended messages are agreed (RFC 8654).
    public var maximumMessageLength: Int

    public init(maximumMessageLength: Int = 4096) {
        self.buffer = ByteBuffer()
        self.maximumMessageLength = maximumMessageLength
    }

    public mutating func append(_ bytes: ByteBuffer) {
        guard bytes.readableBytes > 0 else { return }
        if buffer.readableBytes == 0, queued.isEmpty { buffer = bytes } else { queued.append(bytes) }
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        var b = ByteBuffer()
        b.writeBytes(bytes)
        append(b)
    }

    /// Bytes waiting for the rest of their message.
    public var pendingBytes: Int { queued.reduce(buffer.readableBytes) { $0 + $1.readableBytes } }

    /// The next whole message (header included), nil until one is there.
    /// After an error the stream is unusable: the session must close.
    public mutating func next() throws(BGPDecodingError) -> ByteBuffer? {
        while true {
            guard let header = BGPMessageHeader.peek(buffer) else {
                guard take(upTo: BGPMessageHeader.size) else { return nil }
                continue
            }
            guard header.markerIsAllOnes else {
                throw BGPDecodingError("marker not all ones", offset: consumed, notification: Notification(.messageHeader(.connectionNotSynchronized)))
            }
            let length = header.length
            guard length >= BGPMessageHeader.size, length <= maximumMessageLength else {
                throw BGPDecodingError("message length \(length) outside 19...\(maximumMessageLength)", offset: consumed + 16,
                                       notification: Notification(.messageHeader(.badMessageLength), data: [UInt8(length >> 8), UInt8(length & 0xff)]))
            }
            guard buffer.readableBytes >= length else {
                guard take(upTo: length) else { return nil }
                continue
            }
            guard let message = buffer.readSlice(length: length) else { return nil }
            consumed += length
            return message
        }
    }

    /// Moves queued bytes into `buffer` until it holds `count` octets:
    /// the next read as it is when `buffer` is empty, else only the octets
    /// that are missing, copied. Whether it got anything.
    private mutating func take(upTo count: Int) -> Bool {
        guard !queued.isEmpty else { return false }
        if buffer.readableBytes == 0 {
            buffer = queued.removeFirst()
            return true
        }
        // The part held moves to a buffer of its own first: written behind
        // in the read's storage, it would grow (copy) that whole storage.
        var joined = ByteBufferAllocator().buffer(capacity: max(count, min(maximumMessageLength, 4096)))
        joined.writeBuffer(&buffer)
        while joined.readableBytes < count, !queued.isEmpty {
            let missing = count - joined.readableBytes
            if var part = queued[0].readSlice(length: min(missing, queued[0].readableBytes)) { joined.writeBuffer(&part) }
            if queued[0].readableBytes == 0 { queued.removeFirst() }
        }
        buffer = joined
        return true
    }
}
