import NIOCore
import NIOEmbedded
import Testing
@testable import BGPSpeaker

/// A BGP connection's inbound bytes are bounded. Once a
/// wakeup's reads (`Connection.readsPerWakeup` of at most
/// `Connection.readSize` octets) wait untaken in the connection's
/// `NIOAsyncChannel` inbound sequence, no more is asked of the socket (TCP
/// then slows the peer) until the session has taken them all.
struct InboundBoundTests {
    /// Counts the reads that reach the socket (the head of the pipeline).
    /// Touched on the channel's loop; read by the test after the loop ran.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    @Test("no read from the socket while a wakeup's 256 KiB wait untaken; reading resumes once the session took them")
    func readsStopAtTheLimitAndResume() async throws {
        let channel = NIOAsyncTestingChannel()
        let counter = ReadCounter()
        try await channel.pipeline.addHandler(counter)
        let connection = try await channel.testingEventLoop.executeInContext { try Connection.wrap(channel) }
        // The socket's share of the bound: what one wakeup reads at most.
        #expect(Connection.inboundLimit == 256 << 10)
        let options = try await channel.testingEventLoop.executeInContext {
            ((try channel.syncOptions!.getOption(.recvAllocator) as? AdaptiveRecvByteBufferAllocator)?.maximum, try channel.syncOptions!.getOption(.maxMessagesPerRead))
        }
        #expect(options.0 == Connection.readSize && options.1 == UInt(Connection.readsPerWakeup))

        try await connection.executeThenClose { inbound, _ in
            var reader = inbound.makeAsyncIterator()
            channel.read()
            await channel.testingEventLoop.run()
            #expect(counter.reads == 1)
            // A peer that sends faster than the session processes: one wakeup's reads, full.
            try await channel.testingEventLoop.executeInContext {
                for _ in 0..<Connection.readsPerWakeup {
                    channel.pipeline.fireChannelRead(ByteBuffer(repeating: 0xff, count: Connection.readSize))
                }
                channel.pipeline.fireChannelReadComplete()
            }
            channel.read()
            channel.read()
            await channel.testingEventLoop.run()
            #expect(counter.reads == 1, "a read went to the socket with \(Connection.inboundLimit) octets untaken")

            // The session takes some but not all: still held.
            var taken = 0
            for _ in 1..<Connection.readsPerWakeup { taken += try await reader.next()?.readableBytes ?? 0 }
            await channel.testingEventLoop.run()
            #expect(counter.reads == 1)
            // It took the last: the held read is issued.
            taken += try await reader.next()?.readableBytes ?? 0
            await channel.testingEventLoop.run()
            #expect(taken == Connection.inboundLimit)
            #expect(counter.reads == 2)
        }
    }
}
