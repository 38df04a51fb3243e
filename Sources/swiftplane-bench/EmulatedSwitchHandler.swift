import NIOCore

/// Drives one `EmulatedSwitch` from its socket. Answers are gathered during
/// a read burst and flushed once at its end, as a real switch's would be.
final class EmulatedSwitchHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    // Touched only on the channel's event loop and never re-entrantly, so
    // the runtime exclusivity check on every access (an access-set insert,
    // ~10% of this loop's time in a profile) buys nothing.
    @exclusivity(unchecked) private var emulated: EmulatedSwitch
    @exclusivity(unchecked) private var out = ByteBuffer()
    private var context: ChannelHandlerContext?
    private var timer: RepeatedTask?
    let ready: EventLoopPromise<Void>
    private var readyCompleted = false

    init(_ emulated: EmulatedSwitch, eventLoop: any EventLoop) {
        self.emulated = emulated
        ready = eventLoop.makePromise()
    }

    private static var now: UInt64 { NIODeadline.now().uptimeNanoseconds }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        out = context.channel.allocator.buffer(capacity: 4096)
        emulated.start(into: &out)
        flush()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            let handler = loopBound.value
            handler.emulated.tick(now: Self.now, into: &handler.out)
            handler.flush()
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        emulated.receive(unwrapInboundIn(data), now: Self.now, into: &out)
        if emulated.isReady, !readyCompleted { readyCompleted = true; ready.succeed() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        if !readyCompleted { readyCompleted = true; ready.fail(ChannelError.ioOnClosedChannel) }
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func begin(window: Int) {
        emulated.begin(window: window, now: Self.now, into: &out)
        flush()
    }

    func end() -> EmulatedSwitch.Statistics { emulated.end() }

    private func flush() {
        guard let context, out.readableBytes > 0 else { return }
        let size = out.readableBytes
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        // Sized like the last burst, so a window of packet-ins does not regrow it.
        out = context.channel.allocator.buffer(capacity: min(max(4096, size), 1 << 20))
    }
}
