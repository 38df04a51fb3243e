import NIOCore

/// Hands a connection's bytes, in order, to the task that owns its session:
/// the only NIO handler in the pipeline. Bounded: once `limit` octets wait
/// unconsumed in the stream, no more is read from the socket (TCP then
/// slows the peer) until the owner reports them `consumed`.
final class InboundBridge: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    static let limit = 256 << 10
    let continuation: AsyncStream<ByteBuffer>.Continuation
    // Touched on the channel's event loop only (hence @unchecked Sendable).
    private var buffered = 0
    private var readHeld = false
    private var context: ChannelHandlerContext?

    init(_ continuation: AsyncStream<ByteBuffer>.Continuation) { self.continuation = continuation }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        buffered += bytes.readableBytes
        continuation.yield(bytes)
    }

    func read(context: ChannelHandlerContext) {
        if buffered < Self.limit { context.read() } else { readHeld = true }
    }

    /// The owner processed `n` octets it took from the stream (any thread).
    func consumed(_ n: Int, on loop: any EventLoop) {
        loop.execute {
            self.buffered -= n
            if self.readHeld, self.buffered < Self.limit, let context = self.context {
                self.readHeld = false
                context.read()
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset connection: the session sees the close.
        context.close(promise: nil)
    }
}

/// A connection's bytes as its owner reads them, with the bridge the owner
/// tells what it consumed.
struct Inbound: Sendable {
    let stream: AsyncStream<ByteBuffer>
    let bridge: InboundBridge

    init() {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        self.stream = stream
        bridge = InboundBridge(continuation)
    }
}
