import Logging
import NIOCore
import OpenFlow

/// The NIO side of one switch connection: moves bytes between the socket and
/// its `SwitchConnection`, and completes the promises of pending requests.
/// Everything here runs on the channel's event loop.
///
/// Messages are encoded one after another into one outbound buffer, which is
/// written and flushed once per read burst (or per call from the
/// application): a switch sending packet-ins in bulk gets its answers in a
/// few large writes, not two writes and a syscall per packet-in.
final class SwitchChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    // The hot state is touched only on the channel's event loop and never
    // re-entrantly (the state machine calls nothing back), so the runtime
    // exclusivity check on each access is skipped: it showed in profiles.
    @exclusivity(unchecked) private var connection: SwitchConnection
    private var promises: [UInt32: EventLoopPromise<[OpenFlowMessage]>] = [:]
    private let hub: ControllerHub
    private var logger: Logger
    private var timer: RepeatedTask?
    private var context: ChannelHandlerContext?
    private var handle: SwitchHandle?
    private let connectionID: Int
    /// A flush is queued on the event loop behind posted messages.
    private var flushQueued = false
    private let packetInHandler: (@Sendable (PacketInEvent) -> [OpenFlowMessage])?
    /// Encoded messages not yet handed to the channel.
    @exclusivity(unchecked) private var outbound = ByteBuffer()
    /// FLOW_MODs encoded since the hub's counter was last updated (it is
    /// shared by all event loops: once per burst, not per message).
    @exclusivity(unchecked) private var flowModsUncounted = 0
    /// Written to the channel but not flushed.
    private var unflushed = false
    /// Reused for every read's outputs.
    @exclusivity(unchecked) private var outputs: [SwitchConnectionOutput] = []

    init(configuration: SwitchConnection.Configuration, hub: ControllerHub, logger: Logger, connectionID: Int,
         packetInHandler: (@Sendable (PacketInEvent) -> [OpenFlowMessage])? = nil) {
        self.packetInHandler = packetInHandler
        self.connection = SwitchConnection(configuration: configuration)
        self.hub = hub
        self.logger = logger
        self.connectionID = connectionID
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        logger[metadataKey: "peer"] = "\(Self.peer(context))"
    }

    /// The switch's address for logs and `/switches`: a unix socket's
    /// client has no name, so the socket file it came through stands in.
    static func peer(_ context: ChannelHandlerContext) -> String {
        switch context.remoteAddress {
        case .unixDomainSocket?: "unix:\(context.localAddress?.pathname ?? "?")"
        case let address?: "\(address)"
        case nil: "?"
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        logger.debug("switch connected")
        apply(connection.start(now: .now()))
        // Ticks drive the keepalive and handshake deadline; a fraction of the
        // echo interval keeps the detection delay small.
        let period = max(TimeAmount.milliseconds(100), .nanoseconds(connection.configuration.echoInterval.nanoseconds / 5))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            loopBound.value.apply(loopBound.value.connection.tick(now: .now()))
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The answers wait in `outbound` for the end of the read burst.
        outputs.removeAll(keepingCapacity: true)
        connection.receive(unwrapInboundIn(data), now: .now(), into: &outputs)
        apply(outputs, flush: false)
        outputs.removeAll(keepingCapacity: true)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        writeOutbound(flush: true)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        apply(connection.peerClosed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("socket error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: called through SwitchHandle, on the event loop

    func request(_ message: OpenFlowMessage, promise: EventLoopPromise<[OpenFlowMessage]>) {
        let (xid, outputs) = connection.request(message)
        promises[xid] = promise
        apply(outputs)
    }

    func batch(_ messages: [OpenFlowMessage], bundled: Bool, promise: EventLoopPromise<[OpenFlowMessage]>) {
        let (xid, outputs) = (bundled ? connection.bundledBatch(messages) : nil) ?? connection.batch(messages)
        promises[xid] = promise
        apply(outputs)
    }

    /// Fire-and-forget; refused when the socket's send buffer is over its
    /// high-water mark, so a slow switch cannot pile up packet-outs.
    func send(_ message: OpenFlowMessage) -> Bool {
        guard let context, context.channel.isWritable else { return false }
        apply(connection.send(message))
        return true
    }

    /// Fire-and-forget without a flush of its own: one flush, queued behind
    /// this task, covers every message posted until it runs.
    func post(_ messages: [OpenFlowMessage]) {
        guard let context, context.channel.isWritable else {
            hub.count { $0.packetOutsDropped &+= messages.count }
            return
        }
        var sends: [SwitchConnectionOutput] = []
        for message in messages { connection.send(message, into: &sends) }
        apply(sends, flush: false)
        guard !flushQueued else { return }
        flushQueued = true
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            loopBound.value.flushQueued = false
            loopBound.value.writeOutbound(flush: true)
        }
    }

    func stop() {
        apply(connection.close(.controllerStopped))
    }

    // MARK: outputs

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Encodes a message into `outbound`.
    @discardableResult
    private func enqueue(_ envelope: OpenFlowEnvelope) -> Bool {
        do {
            try envelope.encode(into: &outbound)
        } catch {
            logger.error("cannot encode message", metadata: ["error": "\(error)"])
            return false
        }
        switch envelope.message {
        case .flowMod: flowModsUncounted &+= 1
        // A message added to a bundle: the controller bundles only FLOW_MODs.
        case let .experimenter(message) where message.experimenter == ONFExperimenterType.experimenterID
            && message.expType == ONFExperimenterType.bundleAddMessage.rawValue:
            flowModsUncounted &+= 1
        default: break
        }
        return true
    }

    /// Hands the encoded messages to the channel; with `flush`, sends them.
    private func writeOutbound(flush: Bool) {
        if flowModsUncounted > 0 {
            let count = flowModsUncounted
            flowModsUncounted = 0
            hub.count { $0.flowModsSent &+= count }
        }
        guard let context else { return }
        if outbound.readableBytes > 0 {
            let size = outbound.readableBytes
            context.write(wrapOutboundOut(outbound), promise: nil)
            // A new buffer: the channel still holds the old one until it is
            // sent. Sized like the last burst, so the next one does not regrow.
            outbound = context.channel.allocator.buffer(capacity: min(max(4096, size), 1 << 20))
            unflushed = true
        }
        if flush, unflushed {
            unflushed = false
            context.flush()
        }
    }

    /// Carries out the state machine's outputs. Messages are encoded into
    /// `outbound`; without `flush` they wait for the caller's flush
    /// (the end of the read burst, or the flush `post` queues).
    private func apply(_ outputs: [SwitchConnectionOutput], flush: Bool = true) {
        var wrote = false
        for output in outputs {
            // Completions need no channel: a request racing the close still gets its answer.
            if case let .completed(xid, result) = output {
                promises.removeValue(forKey: xid)?.completeWith(result.mapError { $0 as any Error })
                continue
            }
            guard let context else { continue }
            switch output {
            case .completed:
                break
            case let .send(envelope):
                if enqueue(envelope) { wrote = true }
            case let .event(event):
                handle(event, context: context)
            case let .close(reason):
                writeOutbound(flush: true)
                wrote = false
                switch reason {
                case .peerClosed, .controllerStopped: logger.info("switch disconnected", metadata: ["reason": "\(reason)"])
                default: logger.warning("closing switch connection", metadata: ["reason": "\(reason)"])
                }
                if case .incompatibleVersion = reason { hub.count { $0.connectionsRejected &+= 1 } }
                timer?.cancel()
                for promise in promises.values { promise.fail(OpenFlowRequestError.disconnected(reason.description)) }
                promises.removeAll()
                if let handle { hub.switchDown(handle, reason: reason.description) }
                handle = nil
                context.close(promise: nil)
            }
        }
        if wrote, flush { writeOutbound(flush: true) }
    }

    private func handle(_ event: SwitchConnectionEvent, context: ChannelHandlerContext) {
        switch event {
        case let .ready(features, ports):
            logger[metadataKey: "dpid"] = "\(features.datapathID)"
            logger.info("switch ready", metadata: ["ports": "\(ports.count)", "tables": "\(features.nTables)"])
            let handle = SwitchHandle(datapathID: features.datapathID, connectionID: connectionID, channel: context.channel,
                                      handler: NIOLoopBound(self, eventLoop: context.eventLoop))
            self.handle = handle
            hub.switchUp(handle, SwitchInfo(datapathID: features.datapathID, features: features, ports: ports,
                                            peer: Self.peer(context)))
        case let .packetIn(packetIn):
            guard let dpid = connection.datapathID else { return }
            let event = PacketInEvent(datapathID: dpid, packetIn: packetIn)
            guard let packetInHandler else { return hub.packetIn(event) }
            let answers = packetInHandler(event)
            guard !answers.isEmpty else { return }
            guard context.channel.isWritable else { return hub.count { $0.packetOutsDropped &+= answers.count } }
            // Encoded now, sent at the end of the read burst.
            for message in answers {
                if let envelope = connection.outgoing(message) { enqueue(envelope) }
            }
        case let .portStatus(status):
            guard let dpid = connection.datapathID else { return }
            hub.emit(.portStatus(datapathID: dpid, status))
        case let .flowRemoved(removed):
            guard let dpid = connection.datapathID else { return }
            hub.emit(.flowRemoved(datapathID: dpid, removed))
        case let .unsolicitedError(error, xid):
            logger.warning("switch error", metadata: ["error": "\(error.name)", "type": "\(error.type)", "code": "\(error.code)", "xid": "\(xid)"])
        case let .rejected(why):
            hub.count { $0.malformedMessages &+= 1 }
            logger.warning("message rejected", metadata: ["reason": "\(why)"])
        }
    }
}
