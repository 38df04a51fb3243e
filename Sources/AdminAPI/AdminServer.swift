import NIOCore
import NIOHTTP1
import NIOPosix
import SocketFile

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The admin API's HTTP/1.1 server. On a unix socket, the socket file gets
/// `mode` right after bind (0600: root only; 0660: also the group), a stale
/// file left by a killed daemon is replaced, a live one refused, and the
/// file is removed on `stop()`.
public actor AdminServer {
    public let address: AdminAddress
    public let router: AdminRouter
    public let mode: mode_t
    /// A connection with nothing to read for this long is closed.
    public let idleTimeout: TimeAmount
    /// What listens, for errors: "admin API", "metrics listener".
    public let role: String
    private let group: any EventLoopGroup
    private var channel: (any Channel)?
    /// The socket file's inode once bound: only our own file is removed.
    private var boundInode: ino_t?

    public init(address: AdminAddress, router: AdminRouter, mode: mode_t = 0o600, idleTimeout: TimeAmount = .seconds(30),
                role: String = "admin API", group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.role = role
        self.address = address
        self.router = router
        self.mode = mode
        self.idleTimeout = idleTimeout
        self.group = group
    }

    /// Binds and listens; returns the bound address (the port chosen for port 0).
    @discardableResult
    public func start() async throws -> AdminAddress {
        let router = router
        let idleTimeout = idleTimeout
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // A client that stops sending (or never reads) is cut off rather than held for ever.
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
                    try channel.pipeline.syncOperations.addHandler(AdminHTTPHandler(router: router))
                }
            }
        switch address {
        case let .unix(path):
            try Self.prepareSocketPath(path, role: role)
            let channel: any Channel
            do { channel = try await bootstrap.bind(unixDomainSocketPath: path).get() } catch {
                throw AdminServerError(address: address, reason: "\(error)", role: role)
            }
            self.channel = channel
            do throws(UnixSocketFileError) {
                boundInode = try UnixSocketFile(path: path).setMode(mode)
            } catch {
                try? await channel.close()
                throw AdminServerError(address: address, reason: error.reason, role: role)
            }
            return address
        case let .tcp(host, port):
            // The error names what was starting and where ("address already in use" alone names neither).
            let channel: any Channel
            do { channel = try await bootstrap.bind(to: try SocketAddress(ipAddress: host, port: port)).get() } catch {
                throw AdminServerError(address: address, reason: "\(error)", role: role)
            }
            self.channel = channel
            return .tcp(host: host, port: channel.localAddress?.port ?? port)
        }
    }

    /// Stops listening and removes our socket file.
    public func stop() async {
        try? await channel?.close()
        channel = nil
        if case let .unix(path) = address, let inode = boundInode, let file = try? UnixSocketFile(path: path) {
            file.remove(inode: inode)
            boundInode = nil
        }
    }

    /// Makes the folder, and clears the path when it holds a socket nobody
    /// answers on (a daemon killed with -9 leaves one behind).
    static func prepareSocketPath(_ path: String, role: String = "admin API") throws {
        do throws(UnixSocketFileError) {
            try UnixSocketFile(path: path).prepare()
        } catch {
            throw AdminServerError(address: .unix(path: path), reason: error.reason, role: role)
        }
    }
}

/// Why the admin API could not listen.
public struct AdminServerError: Error, Hashable, Sendable, CustomStringConvertible {
    public var address: AdminAddress
    public var reason: String
    public var role = "admin API"
    public init(address: AdminAddress, reason: String, role: String = "admin API") {
        self.address = address
        self.reason = reason
        self.role = role
    }
    public var description: String { "\(role) on \(address): \(reason)" }
}
