import BGPSpeaker
import BMP
import Logging
import Metrics
import NetAddress
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A BMP monitored router's end (RFC 7854 §3.2): it dials the collector,
/// sends the greeting (Initiation, then what the owner says the collector
/// must know: Peer Ups and tables), then every message `send` is given, in
/// order. A lost collector is dialled again with backoff (1 s doubling to
/// `maximumBackoff`) and gets the greeting anew, so nothing is queued while
/// it is away. The queue is bounded in octets: past `maximumQueuedBytes`
/// (a collector that does not read) messages are dropped, counted and warned of.
public final class BMPClient: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var sysName: String
        public var sysDescr: String
        public var maximumQueuedBytes: Int
        public var maximumBackoff: TimeAmount
        /// How often Statistics Reports go out while connected; nil: never.
        public var statisticsInterval: TimeAmount?

        public init(host: String, port: Int, sysName: String, sysDescr: String, maximumQueuedBytes: Int = 16 << 20,
                    maximumBackoff: TimeAmount = .seconds(30), statisticsInterval: TimeAmount? = .seconds(60)) {
            self.host = host
            self.port = port
            self.sysName = sysName
            self.sysDescr = sysDescr
            self.maximumQueuedBytes = maximumQueuedBytes
            self.maximumBackoff = maximumBackoff
            self.statisticsInterval = statisticsInterval
        }

        public var collector: String { HostPort.text(host: host, port: port) }
    }

    private struct State {
        var connected = false
        var stopping = false
        var queue: [[UInt8]] = []
        /// Queued and being written.
        var bytes = 0
        var dropped = 0
        var droppedSinceWarning = 0
        var lastWarning: NIODeadline?
        var channel: (any Channel)?
    }

    public let configuration: Configuration
    private let logger: Logger
    private let group: any EventLoopGroup
    private let greeting: @Sendable () async -> [BMPMessage]
    private let statistics: (@Sendable () async -> [BMPMessage])?
    private let state = NIOLockedValueBox(State())
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let sent = Counter(label: "bmp_messages_sent_total")
    private let droppedCounter = Counter(label: "bmp_messages_dropped_total")

    /// `greeting`: what follows the Initiation on every new connection (taken when it is up);
    /// `statistics`: the Statistics Reports sent every `statisticsInterval` while connected.
    public init(_ configuration: Configuration, logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                greeting: @escaping @Sendable () async -> [BMPMessage], statistics: (@Sendable () async -> [BMPMessage])? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.group = group
        self.greeting = greeting
        self.statistics = statistics
        (doorbell, ring) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Messages dropped so far because the collector did not keep up.
    public var droppedMessages: Int { state.withLockedValue { $0.dropped } }
    /// A collector is connected and greeted.
    public var isConnected: Bool { state.withLockedValue { $0.connected } }

    /// Starts dialling the collector (and keeps doing so until `stop`).
    public func start() {
        task.withLockedValue { t in
            guard t == nil else { return }
            t = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.run() }
                    group.addTask { await self.reportStatistics() }
                }
            }
        }
    }

    /// Queues messages for the collector; nothing while none is connected
    /// (the next one's greeting carries the state). Never waits.
    public func send(_ messages: [BMPMessage]) {
        guard !messages.isEmpty else { return }
        var warn: (dropped: Int, total: Int)?
        let queued: Bool = state.withLockedValue { s in
            guard s.connected, !s.stopping else { return false }
            var any = false
            for m in messages {
                let bytes = m.encoded()
                if s.bytes + bytes.count > configuration.maximumQueuedBytes {
                    s.dropped += 1
                    s.droppedSinceWarning += 1
                    continue
                }
                s.bytes += bytes.count
                s.queue.append(bytes)
                any = true
            }
            if s.droppedSinceWarning > 0, s.lastWarning.map({ .now() - $0 > .seconds(10) }) ?? true {
                warn = (s.droppedSinceWarning, s.dropped)
                s.droppedSinceWarning = 0
                s.lastWarning = .now()
            }
            return any
        }
        if let warn {
            droppedCounter.increment(by: warn.dropped)
            logger.warning("BMP collector does not keep up: messages dropped (its view is incomplete until it reconnects)",
                           metadata: ["collector": "\(configuration.collector)", "dropped": "\(warn.dropped)", "dropped-total": "\(warn.total)",
                                      "queue-limit": "\(configuration.maximumQueuedBytes)"])
        }
        if queued { ring.yield() }
    }

    /// Sends Termination (RFC 7854 §4.5) and what is queued, for at most
    /// `timeout`, then closes and stops dialling.
    public func stop(timeout: TimeAmount = .seconds(2)) async {
        let termination = SpeakerBMPMapping.termination().encoded()
        let connected = state.withLockedValue { s in
            if s.connected {
                s.queue.append(termination)
                s.bytes += termination.count
            }
            s.stopping = true
            return s.connected
        }
        ring.yield()
        if connected {
            let deadline = NIODeadline.now() + timeout
            while state.withLockedValue({ $0.bytes > 0 && $0.connected }), NIODeadline.now() < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let channel = state.withLockedValue { s in
            s.connected = false
            defer { s.channel = nil }
            return s.channel
        }
        try? await channel?.close().get()
        task.withLockedValue { $0?.cancel() }
        ring.finish()
    }

    private var stopping: Bool { state.withLockedValue { $0.stopping } }

    /// Statistics Reports every interval while a collector is connected.
    private func reportStatistics() async {
        guard let statistics, let interval = configuration.statisticsInterval, interval > .zero else { return }
        while !Task.isCancelled, !stopping {
            try? await Task.sleep(for: .nanoseconds(interval.nanoseconds))
            if isConnected, !stopping { send(await statistics()) }
        }
    }

    private func run() async {
        var backoff = TimeAmount.seconds(1)
        var failures = 0
        // One iterator for the client's life: an AsyncStream has one consumer.
        var bell = doorbell.makeAsyncIterator()
        while !Task.isCancelled, !stopping {
            do {
                let channel = try await ClientBootstrap(group: group)
                    .connectTimeout(.seconds(5))
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    // The collector sends nothing (RFC 7854 §3.2); whatever comes is read and dropped.
                    .channelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
                    .connect(to: try SocketAddress(ipAddress: configuration.host, port: configuration.port)).get()
                backoff = .seconds(1)
                failures = 0
                await serve(channel, &bell)
            } catch {
                failures += 1
                logger.warning("BMP collector unreachable; retrying", metadata: ["collector": "\(configuration.collector)", "error": "\(error)",
                                                                                  "retry-in": "\(backoff.nanoseconds / 1_000_000_000)s",
                                                                                  "attempts": "\(failures)"])
            }
            guard !Task.isCancelled, !stopping else { break }
            try? await Task.sleep(for: .nanoseconds(backoff.nanoseconds))
            backoff = min(backoff * 2, configuration.maximumBackoff)
        }
    }

    /// One connection: the greeting, then the queue until it fails.
    private func serve(_ channel: any Channel, _ doorbell: inout AsyncStream<Void>.Iterator) async {
        // Live events queue from here; the greeting taken after goes before them.
        let stopping = state.withLockedValue { s in
            s.connected = !s.stopping
            s.channel = channel
            return s.stopping
        }
        guard !stopping else { try? await channel.close().get(); return }
        channel.closeFuture.whenComplete { [ring] _ in ring.yield() }
        let first = [SpeakerBMPMapping.initiation(sysName: configuration.sysName, sysDescr: configuration.sysDescr)] + (await greeting())
        let encoded = first.map { $0.encoded() }
        state.withLockedValue { s in
            s.queue = encoded + s.queue
            s.bytes += encoded.reduce(0) { $0 + $1.count }
        }
        logger.info("BMP collector connected", metadata: ["collector": "\(configuration.collector)", "greeting-messages": "\(encoded.count)"])
        while channel.isActive {
            let batch = state.withLockedValue { s in
                defer { s.queue = [] }
                return s.queue
            }
            if batch.isEmpty {
                guard await doorbell.next() != nil else { break }
                continue
            }
            let n = batch.reduce(0) { $0 + $1.count }
            var buffer = channel.allocator.buffer(capacity: n)
            for m in batch { buffer.writeBytes(m) }
            do {
                try await channel.writeAndFlush(buffer).get()
                sent.increment(by: batch.count)
            } catch {
                logger.warning("BMP collector lost", metadata: ["collector": "\(configuration.collector)", "error": "\(error)"])
                break
            }
            state.withLockedValue { $0.bytes -= n }
        }
        state.withLockedValue { s in
            s.connected = false
            s.channel = nil
            s.queue = []
            s.bytes = 0
        }
        try? await channel.close().get()
        if !self.stopping { logger.warning("BMP collector disconnected; dialling again", metadata: ["collector": "\(configuration.collector)"]) }
    }
}
