import Foundation
import BGP
import NIOCore
import NIOPosix
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A BGP peer made of a blocking socket and our codec, for tests that need
/// to send what no real speaker would (malformed UPDATEs) and read exactly
/// what comes back. Reads time out, so a test cannot hang.
// Used by one test at a time; its blocking reads run on NIO's thread pool so
// they never hold a thread of the concurrency pool the speaker's actor needs.
final class RawPeer: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    private var fd: Int32
    private var decoder = MessageStreamDecoder()
    let address: IPv4Address

    /// Connects from `address` (a 127.x.y.z of the test's own) to `host`:`port`.
    init(from address: IPv4Address, to host: IPv4Address = IPv4Address(127, 0, 0, 1), toPort port: Int, timeoutSeconds: Int = 15) throws {
        self.address = address
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure("socket: \(errno)") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = address.rawValue.bigEndian
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = UInt16(port).bigEndian
        remote.sin_addr.s_addr = host.rawValue.bigEndian
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { _ = closeDescriptor(fd); throw Failure("bind \(address): \(errno)") }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { _ = closeDescriptor(fd); throw Failure("connect: \(errno)") }
    }

    /// Dials until `daemon` listens (5 s); nil when it never did, or exited first.
    static func dial(from address: IPv4Address, toPort port: Int, while daemon: Daemon) async -> RawPeer? {
        var peer: RawPeer?
        _ = await daemon.ready(within: 5) {
            peer = try? RawPeer(from: address, toPort: port)
            return peer != nil
        }
        return peer
    }

    /// A connection accepted by `RawListener`.
    init(accepted fd: Int32, address: IPv4Address, timeoutSeconds: Int = 15) {
        self.fd = fd
        self.address = address
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    func close() {
        if fd >= 0 { _ = closeDescriptor(fd); fd = -1 }
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure("write: \(errno)") }
            sent += n
        }
    }

    func send(_ message: BGPMessage) throws {
        var b = message.encoded()
        try send(b.readBytes(length: b.readableBytes) ?? [])
    }

    /// The next message, or nil when the peer closed or nothing came in time.
    func blockingReceive() throws -> BGPMessage? {
        while true {
            if let m = try decoder.next() { return try BGPMessage.decode(m) }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return nil }
            decoder.append(chunk[..<n])
        }
    }

    /// Messages until one matches, skipping KEEPALIVEs and the like; nil on close or timeout.
    func receive(until match: @escaping @Sendable (BGPMessage) -> Bool) async throws -> BGPMessage? {
        try await onOwnThread {
            while let m = try self.blockingReceive() { if match(m) { return m } }
            return nil
        }
    }

    func receive() async throws -> BGPMessage? {
        try await onOwnThread { try self.blockingReceive() }
    }

    /// OPEN both ways and KEEPALIVE both ways: Established on both sides.
    func establish(as asn: UInt32 = 65000, routerID: IPv4Address? = nil,
                   capabilities: [Capability] = [.multiprotocol(.l2vpnEVPN), .routeRefresh]) async throws {
        guard case .open? = try await receive() else { throw Failure("no OPEN from the speaker") }
        try send(.open(Open(asn: asn, holdTime: 90, bgpIdentifier: routerID ?? address, capabilities: capabilities)))
        guard case .keepalive? = try await receive() else { throw Failure("no KEEPALIVE from the speaker") }
        try send(.keepalive)
    }
}

private func closeDescriptor(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(fd)
    #else
    Darwin.close(fd)
    #endif
}

/// A listening socket for a test that plays the peer a speaker dials.
final class RawListener: @unchecked Sendable {
    private var fd: Int32
    let address: IPv4Address
    let port: Int

    init(address: IPv4Address) throws {
        self.address = address
        #if canImport(Glibc)
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let s = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        fd = s
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = address.rawValue.bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &local) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(s, $0, length) == 0 && listen(s, 4) == 0 && getsockname(s, $0, &length) == 0
            }
        }
        guard s >= 0, ok else { throw RawPeer.Failure("listen on \(address): \(errno)") }
        port = Int(UInt16(bigEndian: local.sin_port))
        var tv = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { _ = closeDescriptor(fd) }

    /// The next connection (15 s at most), off the concurrency pool.
    func accept() async throws -> RawPeer {
        try await onOwnThread {
            #if canImport(Glibc)
            let c = Glibc.accept(self.fd, nil, nil)
            #else
            let c = Darwin.accept(self.fd, nil, nil)
            #endif
            guard c >= 0 else { throw RawPeer.Failure("accept: \(errno)") }
            return RawPeer(accepted: c, address: self.address)
        }
    }
}

/// Runs a blocking socket call on a thread of its own. NIO's shared thread
/// pool has one thread per core: with the suites running in parallel, raw
/// peers queued behind each other there and timed out waiting for a turn.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
