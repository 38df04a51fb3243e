import NIOCore
import OpenFlow

/// A ready switch, usable from any task: every call hops onto the switch's
/// event loop, where its connection state lives.
public struct SwitchHandle: Sendable {
    public let datapathID: DatapathID
    /// Tells apart two connections of the same datapath (a reconnect).
    let connectionID: Int
    let channel: any Channel
    let handler: NIOLoopBound<SwitchChannelHandler>

    /// Sends `message` and waits for its reply (all parts of a multipart reply).
    public func request(_ message: OpenFlowMessage) async throws -> [OpenFlowMessage] {
        let handler = handler
        let promise = channel.eventLoop.makePromise(of: [OpenFlowMessage].self)
        channel.eventLoop.execute { handler.value.request(message, promise: promise) }
        return try await promise.futureResult.get()
    }

    /// Sends `messages` then a barrier; returns when the switch has applied
    /// them all, or throws `OpenFlowRequestError.batchRejected` with their ERRORs.
    /// `bundled`: as one bundle, applied all at once or not at all (a
    /// rejected bundle changed nothing; its errors' indexes are the bundle's).
    public func batch(_ messages: [OpenFlowMessage], bundled: Bool = false) async throws {
        _ = try await submitBatch(messages, bundled: bundled).get()
    }

    /// `batch`, handed to the switch's event loop before it returns, so
    /// batches submitted one after the other go out in that order (two
    /// calls of the async `batch` from one actor each hop off it first, and
    /// may overtake each other). The future fails as `batch` throws.
    func submitBatch(_ messages: [OpenFlowMessage], bundled: Bool = false) -> EventLoopFuture<[OpenFlowMessage]> {
        let handler = handler
        let promise = channel.eventLoop.makePromise(of: [OpenFlowMessage].self)
        channel.eventLoop.execute { handler.value.batch(messages, bundled: bundled, promise: promise) }
        return promise.futureResult
    }

    /// Sends a message with no reply; false when the switch's queue is full.
    public func send(_ message: OpenFlowMessage) async -> Bool {
        let handler = handler
        return (try? await channel.eventLoop.submit { handler.value.send(message) }.get()) ?? false
    }

    /// Queues messages for the switch without waiting: one hop onto its
    /// event loop for the lot, and one flush for everything posted before
    /// that loop turns (a busy application sends fewer, larger writes). The
    /// messages are dropped and counted, not queued, when the switch's
    /// queue is over its high-water mark or it has gone.
    public func post(_ messages: [OpenFlowMessage]) {
        let handler = handler
        channel.eventLoop.execute { handler.value.post(messages) }
    }

    func stop() {
        let handler = handler
        channel.eventLoop.execute { handler.value.stop() }
    }
}
