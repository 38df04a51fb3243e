import NIOCore

/// Splits a TCP byte stream into OpenFlow messages (sans-I/O): feed it what
/// the socket gives, take messages out until it returns nil.
///
/// A header whose length is below 8 makes the stream unusable (there is no
/// way to find the next message), so every later call throws the same error.
/// A message whose body does not decode is consumed before its error is
/// thrown, so the caller may log it and carry on with the next one.
public struct OpenFlowMessageDecoder: Sendable {
    private var buffer: ByteBuffer
    private var failure: OpenFlowDecodingError?
    /// Bytes taken out of the stream so far: error offsets count from the stream's start.
    public private(set) var consumed: Int = 0

    public init() { buffer = ByteBuffer() }

    /// Bytes received but not yet part of a whole message.
    public var pendingBytes: Int { buffer.readableBytes }

    public mutating func append(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            // Nothing pending: keep the caller's buffer, no copy.
            buffer = bytes
        } else {
            var bytes = bytes
            buffer.writeBuffer(&bytes)
        }
    }

    /// Up to `count` of the bytes not yet part of a whole message, from the
    /// first: after a framing error, the header that caused it.
    public func pendingPrefix(_ count: Int) -> ByteBuffer {
        buffer.getSlice(at: buffer.readerIndex, length: min(buffer.readableBytes, count)) ?? ByteBuffer()
    }

    /// The next whole message's bytes (header included), or nil until more arrive.
    public mutating func nextFrame() throws(OpenFlowDecodingError) -> ByteBuffer? {
        if let failure { throw failure }
        guard let header = OpenFlowHeader.peek(buffer) else { return nil }
        let length = Int(header.length)
        guard length >= OpenFlowHeader.size else {
            let error = OpenFlowDecodingError(what: "header length", offset: consumed &+ 2, reason: .badLength(length))
            failure = error
            throw error
        }
        guard let frame = buffer.readSlice(length: length) else { return nil }
        consumed &+= length
        // All consumed: drop the read buffer (ByteBuffer() allocates nothing;
        // clear() would copy a buffer still shared with the caller).
        if buffer.readableBytes == 0 { buffer = ByteBuffer() } else if buffer.readerIndex > 65_536 { buffer.discardReadBytes() }
        return frame
    }

    /// The next decoded message, or nil until more bytes arrive.
    public mutating func nextMessage() throws(OpenFlowDecodingError) -> OpenFlowEnvelope? {
        let start = consumed
        guard let frame = try nextFrame() else { return nil }
        do {
            return try OpenFlowEnvelope.decode(frame)
        } catch {
            throw error.shifted(by: start)
        }
    }
}
