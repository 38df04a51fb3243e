import Logging
import NIOCore
import NIOPosix
import OVSDB

/// What the client reports while it follows the database.
public enum OVSDBEvent: Sendable {
    /// (Re)connected and monitored: the replica holds the database's current
    /// contents, rebuilt from scratch, so nothing changed while disconnected is lost.
    case synchronized(OVSDBReplica)
    /// An `update` notification, applied; the replica after it.
    case changed(OVSDBReplica, OVSDBTableUpdates)
    /// The connection failed or closed; a reconnect follows after a backoff.
    case disconnected(reason: String)
}

/// A thin SwiftNIO client around the sans-I/O pieces: connects, sends the
/// `monitor` request, answers `echo`, and turns the initial reply and each
/// `update` into events. Reconnects with exponential backoff when
/// ovsdb-server goes away, and monitors again.
public struct OVSDBClient: Sendable {
    public var endpoint: OVSDBEndpoint
    public var request: OVSDBMonitorRequest
    public var minimumBackoff: Duration
    public var maximumBackoff: Duration
    public var maximumMessageBytes: Int
    /// Events kept for a consumer that has fallen behind. Each carries the
    /// whole replica, so the newest supersede the older ones, which are
    /// dropped (logged once per connection): memory stays bounded whatever
    /// rate ovsdb-server sends updates at.
    public var maximumPendingEvents: Int
    public var eventLoopGroup: any EventLoopGroup
    public var logger: Logger

    public init(
        endpoint: OVSDBEndpoint,
        request: OVSDBMonitorRequest = .localPorts,
        minimumBackoff: Duration = .milliseconds(100),
        maximumBackoff: Duration = .seconds(8),
        maximumMessageBytes: Int = 16 << 20,
        maximumPendingEvents: Int = 16,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "swiftplane.ovsdb")
    ) {
        self.endpoint = endpoint
        self.request = request
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumPendingEvents = max(1, maximumPendingEvents)
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Follows the database until the consumer stops iterating (which
    /// cancels the connection).
    public func events() -> AsyncStream<OVSDBEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: OVSDBEvent.self, bufferingPolicy: .bufferingNewest(maximumPendingEvents))
        let task = Task { [self] in
            await run(continuation)
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func run(_ continuation: AsyncStream<OVSDBEvent>.Continuation) async {
        var delay = minimumBackoff
        while !Task.isCancelled {
            var synchronized = false
            let reason: String
            do {
                try await session(continuation, synchronized: &synchronized)
                reason = "connection closed by \(endpoint)"
            } catch {
                reason = "\(endpoint): \(error)"
            }
            if Task.isCancelled { return }
            logger.info("ovsdb disconnected", metadata: ["reason": "\(reason)"])
            continuation.yield(.disconnected(reason: reason))
            // A session that got as far as the initial reply was healthy: start over.
            if synchronized { delay = minimumBackoff }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, maximumBackoff)
        }
    }

    private static let monitorRequestID: JSONValue = "swiftplane-monitor"

    private func session(
        _ continuation: AsyncStream<OVSDBEvent>.Continuation, synchronized: inout Bool
    ) async throws {
        let channel = try await connect()
        try await channel.executeThenClose { inbound, outbound in
            var framer = JSONStreamFramer(maximumTextBytes: maximumMessageBytes)
            let parser = JSONParser(maximumBytes: maximumMessageBytes)
            var replica = OVSDBReplica()
            var coalesced = false
            func deliver(_ event: OVSDBEvent) {
                guard case .dropped = continuation.yield(event), !coalesced else { return }
                coalesced = true
                logger.warning("OVSDB updates coalesced: the consumer fell behind; it goes on from the newest state",
                               metadata: ["endpoint": "\(endpoint)", "pending": "\(maximumPendingEvents)"])
            }
            try await outbound.write(Self.encode(request.message(id: Self.monitorRequestID)))
            for try await chunk in inbound {
                framer.append(chunk)
                while let text = try framer.next() {
                    let message = try JSONRPCMessage(json: try parser.parse(text))
                    if let reply = message.automaticReply {
                        try await outbound.write(Self.encode(reply))
                        continue
                    }
                    switch message {
                    case .response(let result, let error, Self.monitorRequestID):
                        guard error.isNull else { throw OVSDBError("monitor", "refused: \(error.jsonText)") }
                        var fresh = OVSDBReplica()
                        try fresh.apply(try OVSDBTableUpdates(json: result))
                        replica = fresh
                        synchronized = true
                        deliver(.synchronized(replica))
                    case .notification:
                        guard let update = try OVSDBUpdateNotification(message), update.monitorID == request.monitorID,
                              synchronized
                        else { continue }
                        try replica.apply(update.updates)
                        deliver(.changed(replica, update.updates))
                    default:
                        logger.debug("ovsdb message ignored", metadata: ["json": "\(message.json.jsonText.prefix(200))"])
                    }
                }
            }
        }
    }

    private static func encode(_ message: JSONRPCMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        message.json.write(to: &buffer)
        return buffer
    }

    private func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let bootstrap = ClientBootstrap(group: eventLoopGroup).connectTimeout(.seconds(3))
        let wrap: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        switch endpoint {
        case .unix(let path):
            return try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: wrap)
        case .tcp(let host, let port):
            return try await bootstrap.connect(host: host, port: port, channelInitializer: wrap)
        }
    }
}
