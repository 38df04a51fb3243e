import NIOCore
import NIOEmbedded
import Testing
@testable import BGPSpeaker

/// Issue 16 item 7: a BGP connection's inbound bytes are bounded. Once
/// `InboundBridge.limit` octets wait unprocessed, the bridge stops asking
/// the socket for more (TCP then slows the peer), and asks again once the
/// session has processed enough.
struct InboundBoundTests {
    /// Counts the reads that reach the socket (the head of the pipeline).
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    @Test("no read from the socket while 256 KiB wait unprocessed; reading resumes once they are processed")
    func readsStopAtTheLimitAndResume() throws {
        let inbound = Inbound()
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(inbound.bridge)
        defer { _ = try? channel.finish() }

        channel.read()
        #expect(counter.reads == 1)
        // A peer that sends faster than the session processes: 64 KiB at a time.
        let chunk = ByteBuffer(repeating: 0xff, count: 64 << 10)
        var sent = 0
        while sent < InboundBridge.limit + (64 << 10) {
            try channel.writeInbound(chunk)
            sent += chunk.readableBytes
            channel.read()
        }
        // Reads went on until the limit was reached, then stopped.
        #expect(counter.reads == InboundBridge.limit / (64 << 10), "reads: \(counter.reads) for \(sent) octets")
        let held = counter.reads
        channel.read()
        channel.read()
        #expect(counter.reads == held, "a read went to the socket with \(sent) octets unprocessed")

        // The session processes some but not enough: still held.
        inbound.bridge.consumed(64 << 10, on: channel.eventLoop)
        channel.embeddedEventLoop.run()
        #expect(counter.reads == held)
        // Below the limit: the held read is issued.
        inbound.bridge.consumed(128 << 10, on: channel.eventLoop)
        channel.embeddedEventLoop.run()
        #expect(counter.reads == held + 1)
    }
}
