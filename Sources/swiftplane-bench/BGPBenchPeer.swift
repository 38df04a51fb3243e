import BGP
import Foundation
import NIOCore
import NIOPosix

/// Why a load peer stopped before its goal.
struct BGPBenchPeerError: Error, CustomStringConvertible {
    var description: String
}

/// What a receiver keeps of the UPDATEs it is sent, to tell when it holds
/// exactly the routes it should (`isExact`) and when none (`isEmpty`).
protocol BGPBenchTally: Sendable {
    /// One whole message, header included; non-UPDATEs are ignored.
    mutating func count(message: ByteBuffer) throws
    var isExact: Bool { get }
    var isEmpty: Bool { get }
    /// What it holds against its goal, for the progress line.
    var heldCount: Int { get }
    var goal: Int { get }
    var unwantedHeld: Int { get }
    var announcedNLRI: Int { get }
    var withdrawnNLRI: Int { get }
    var updates: Int { get }
}

extension BGPBenchRouteCounter: BGPBenchTally {}

/// A raw, minimal BGP speaker for load: OPEN, KEEPALIVE, and for a receiver
/// the route count. It is not a `BGPSpeaker` session on purpose: it does no
/// RIB work, so the route reflector under test is what gets measured.
final class BGPBenchPeerHandler<Tally: BGPBenchTally>: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Goals {
        var established: EventLoopPromise<Void>
        /// When the receiver held every route, and when it held none again.
        var allAnnounced: EventLoopPromise<BGPBenchMark>?
        var allWithdrawn: EventLoopPromise<BGPBenchMark>?
    }

    private let routerID: IPv4Address
    private let goals: Goals
    private let deadline: NIODeadline
    private var decoder = MessageStreamDecoder()
    private(set) var counter: Tally
    private var isEstablished = false
    private var announcedDone = false
    private var withdrawnDone = false
    private var keepaliveTask: RepeatedTask?
    private var progressTask: RepeatedTask?
    private var timeoutTask: Scheduled<Void>?

    /// With route target constraint (tenants > 0), the tenants this receiver imports.
    private let imported: [Int]?
    /// Whether it prints its progress once a second (one receiver of many does).
    private let reportsProgress: Bool

    /// `imported`: the tenants whose route targets it announces membership of (RFC 4684); nil: none, it gets every route.
    init(routerID: IPv4Address, counter: Tally, imported: [Int]?, reportsProgress: Bool = true, goals: Goals, deadline: NIODeadline) {
        self.routerID = routerID
        self.goals = goals
        self.deadline = deadline
        self.reportsProgress = reportsProgress
        self.counter = counter
        self.imported = imported
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(BGPBenchLoad.open(routerID: routerID, holdTime: 180, routeTargetConstraint: imported != nil)),
                              promise: nil)
        let loop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: loop)
        // Well inside the 180 s hold time, so a slow reference RR keeps the session.
        keepaliveTask = loop.scheduleRepeatedTask(initialDelay: .seconds(30), delay: .seconds(30)) { _ in
            bound.value.writeAndFlush(NIOAny(BGPBenchLoad.keepalive), promise: nil)
        }
        let handler = NIOLoopBound(self, eventLoop: loop)
        // A long run (a million routes takes seconds) shows each receiver's count once a second, on stderr.
        if goals.allAnnounced != nil, reportsProgress {
            progressTask = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                guard handler.value.isEstablished, !handler.value.withdrawnDone else { return }
                FileHandle.standardError.write(Data("swiftplane-bench: \(handler.value.progress)\n".utf8))
            }
        }
        timeoutTask = loop.scheduleTask(deadline: deadline) {
            handler.value.fail(BGPBenchPeerError(description: "timed out \(handler.value.progress)"))
        }
    }

    var progress: String {
        "\(routerID): holds \(counter.heldCount) of its \(counter.goal) routes, \(counter.unwantedHeld) unwanted (\(counter.announcedNLRI) announced, \(counter.withdrawnNLRI) withdrawn NLRI, \(counter.updates) UPDATEs)"
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepaliveTask?.cancel()
        progressTask?.cancel()
        timeoutTask?.cancel()
        fail(BGPBenchPeerError(description: "connection closed; \(progress)"))
    }

    /// Also when the connection never became active (the RR not listening yet).
    func handlerRemoved(context: ChannelHandlerContext) {
        keepaliveTask?.cancel()
        progressTask?.cancel()
        timeoutTask?.cancel()
        fail(BGPBenchPeerError(description: "removed; \(progress)"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        decoder.append(unwrapInboundIn(data))
        do {
            while let message = try decoder.next() {
                try handle(message, context: context)
            }
        } catch {
            fail(BGPBenchPeerError(description: "\(routerID): \(error)"))
            context.close(promise: nil)
        }
    }

    private func handle(_ message: ByteBuffer, context: ChannelHandlerContext) throws {
        switch message.getInteger(at: message.readerIndex + 18, as: UInt8.self) {
        case BGPMessage.MessageType.open.rawValue:
            context.writeAndFlush(wrapOutboundOut(BGPBenchLoad.keepalive), promise: nil)
            // Its membership right behind: the reflector holds EVPN routes for it until the End-of-RIB that follows.
            if let imported { context.writeAndFlush(wrapOutboundOut(BGPBenchLoad.membership(tenants: imported, routerID: routerID)), promise: nil) }
        case BGPMessage.MessageType.keepalive.rawValue:
            if !isEstablished { isEstablished = true; goals.established.succeed() }
        case BGPMessage.MessageType.update.rawValue:
            try counter.count(message: message)
            let now = NIODeadline.now()
            if !announcedDone, counter.isExact {
                announcedDone = true
                goals.allAnnounced?.succeed(mark(now))
            }
            if announcedDone, !withdrawnDone, counter.isEmpty {
                withdrawnDone = true
                goals.allWithdrawn?.succeed(mark(now))
            }
        case BGPMessage.MessageType.notification.rawValue:
            let data = message.getBytes(at: message.readerIndex + 19, length: min(2, message.readableBytes - 19)) ?? []
            throw BGPBenchPeerError(description: "NOTIFICATION \(data) from the route reflector")
        default:
            break
        }
    }

    private func mark(_ at: NIODeadline) -> BGPBenchMark {
        BGPBenchMark(at: at, announcedNLRI: counter.announcedNLRI, withdrawnNLRI: counter.withdrawnNLRI)
    }

    /// Fails every goal not yet reached (each promise is completed once).
    private func fail(_ error: BGPBenchPeerError) {
        if !isEstablished { isEstablished = true; goals.established.fail(error) }
        if !announcedDone { announcedDone = true; goals.allAnnounced?.fail(error) }
        if !withdrawnDone { withdrawnDone = true; goals.allWithdrawn?.fail(error) }
    }
}

/// When a receiver reached a goal, and what it had seen by then.
struct BGPBenchMark: Sendable {
    var at: NIODeadline
    var announcedNLRI: Int
    var withdrawnNLRI: Int
}

/// One load peer's connection and goals.
struct BGPBenchPeer {
    var channel: any Channel
    var established: EventLoopFuture<Void>
    var allAnnounced: EventLoopFuture<BGPBenchMark>?
    var allWithdrawn: EventLoopFuture<BGPBenchMark>?

    /// Connects from `local` (a 127.x address, so the RR sees distinct peers) to `remote`.
    static func connect(group: any EventLoopGroup, local: IPv4Address, to port: Int, remote: String = "127.0.0.1", routes: Int, receiver: Bool,
                        tenants: Int = 0, tenant: Int = 0, imports: Int = 1, reportsProgress: Bool = true,
                        deadline: NIODeadline) async throws -> BGPBenchPeer {
        let counter = BGPBenchRouteCounter(routes: receiver ? routes : 0, tenants: tenants, tenant: tenant, imports: imports)
        let imported = tenants > 0 && receiver ? (0..<counter.imports).map { (tenant + $0) % tenants } : nil
        return try await connect(group: group, local: local, to: port, remote: remote, counter: counter, receiver: receiver, imported: imported,
                                 reportsProgress: reportsProgress, deadline: deadline)
    }

    /// The same with the receiver's tally given.
    static func connect<Tally: BGPBenchTally>(group: any EventLoopGroup, local: IPv4Address, to port: Int, remote: String = "127.0.0.1",
                                              counter: Tally, receiver: Bool, imported: [Int]? = nil, reportsProgress: Bool = true,
                                              deadline: NIODeadline) async throws -> BGPBenchPeer {
        let loop = group.next()
        let goals = BGPBenchPeerHandler<Tally>.Goals(
            established: loop.makePromise(),
            allAnnounced: receiver ? loop.makePromise() : nil,
            allWithdrawn: receiver ? loop.makePromise() : nil)
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(to: try SocketAddress(ipAddress: "\(local)", port: 0))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        BGPBenchPeerHandler(routerID: local, counter: counter, imported: imported, reportsProgress: reportsProgress,
                                            goals: goals, deadline: deadline))
                }
            }
            .connect(host: remote, port: port).get()
        return BGPBenchPeer(channel: channel, established: goals.established.futureResult,
                            allAnnounced: goals.allAnnounced?.futureResult, allWithdrawn: goals.allWithdrawn?.futureResult)
    }

    /// The receiver's tally now, read on its event loop.
    func tally<Tally: BGPBenchTally>(_: Tally.Type) async throws -> Tally {
        try await channel.eventLoop.submit { [channel] in
            try channel.pipeline.syncOperations.handler(type: BGPBenchPeerHandler<Tally>.self).counter
        }.get()
    }

    /// Writes pre-encoded messages as fast as the socket takes them; NIO
    /// queues what the kernel cannot take yet.
    func inject(_ buffers: [ByteBuffer]) async throws {
        var last: EventLoopFuture<Void>?
        for b in buffers { last = channel.write(b) }
        channel.flush()
        try await last?.get()
    }
}
