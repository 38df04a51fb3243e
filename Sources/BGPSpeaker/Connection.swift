import NIOCore

/// A BGP connection in the project's one NIO style: the channel wrapped in
/// `NIOAsyncChannel`. The task that owns the session reads its bytes as an
/// async sequence and writes through its outbound writer; NIO's only
/// handler moves bytes.
///
/// Inbound is bounded. A socket read takes at most `readSize` octets and a
/// wakeup at most `readsPerWakeup` reads; once one wakeup's reads wait
/// untaken, no more is read from the socket (TCP then slows the peer) until
/// the session has taken them all. At most `inboundLimit` octets thus wait,
/// besides the read being processed.
enum Connection {
    typealias Channel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static let readSize = 64 << 10
    static let readsPerWakeup = 4
    static let inboundLimit = readSize * readsPerWakeup

    /// Reads wait in the inbound sequence while it holds any (one wakeup's worth).
    static let configuration = Channel.Configuration(backPressureStrategy: .init(lowWatermark: 1, highWatermark: 1))

    /// Wraps a new channel: on its event loop, before it reads (its initializer).
    static func wrap(_ channel: any NIOCore.Channel) throws -> Channel {
        try channel.syncOptions?.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: readSize))
        try channel.syncOptions?.setOption(.maxMessagesPerRead, value: UInt(readsPerWakeup))
        return try Channel(wrappingChannelSynchronously: channel, configuration: configuration)
    }

    /// Closes a connection no session takes (its writer finished, as NIO requires).
    static func refuse(_ connection: Channel) async {
        try? await connection.executeThenClose { _, _ in }
    }

    /// Writes what the session queues, in order, a batch at a time (the
    /// writer waits while the channel is not writable), telling `written`
    /// the octets of each batch the channel took. Once `outbox` ends, closes
    /// after the channel has written everything (a NOTIFICATION must arrive).
    static func drain(_ outbox: AsyncStream<[ByteBuffer]>, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                      of channel: any NIOCore.Channel, written: @Sendable (Int) async -> Void) async {
        for await batch in outbox {
            do { try await outbound.write(contentsOf: batch) } catch { break }
            await written(batch.reduce(0) { $0 + $1.readableBytes })
        }
        // Completes once NIO's pending writes are on the socket.
        try? await channel.close(mode: .output).get()
        try? await channel.close().get()
    }
}
