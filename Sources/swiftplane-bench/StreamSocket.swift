#if canImport(Glibc)
import Glibc
import NIOCore
import OpenFlowController

/// A failed system call, named with its errno text.
struct SocketError: Error, CustomStringConvertible {
    let call: String
    let code: Int32
    init(_ call: String, _ code: Int32) { self.call = call; self.code = code }
    var description: String { "\(call): \(String(cString: strerror(code)))" }
}

extension ControllerListenAddress {
    /// Calls `body` with each socket address the endpoint stands for (a name may resolve to several).
    fileprivate func withAddresses<T>(_ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> T?) throws(SocketError) -> T? {
        switch self {
        case let .unix(path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                let bytes = Array(path.utf8.prefix(raw.count - 1))
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(AF_UNIX, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        case let .tcp(host, port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &list)
            guard status == 0, let list else { throw SocketError("getaddrinfo \(host)", status == EAI_SYSTEM ? errno : EINVAL) }
            defer { freeaddrinfo(list) }
            var next: UnsafeMutablePointer<addrinfo>? = list
            while let info = next {
                if let address = info.pointee.ai_addr, let result = body(info.pointee.ai_family, address, info.pointee.ai_addrlen) {
                    return result
                }
                next = info.pointee.ai_next
            }
            return nil
        }
    }
}

/// A non-blocking stream socket with the bytes a write could not take yet.
final class StreamSocket {
    enum ReadResult { case data, wouldBlock, closed }

    let fd: Int32
    /// Written when the socket is writable again, before anything newer.
    private var pending: ByteBuffer?
    var hasPending: Bool { pending != nil }
    /// Whether the poller reports writability for it: only while bytes wait.
    private var watchingWrites = false

    init(adopting fd: Int32) {
        self.fd = fd
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        // Fails, harmlessly, on a unix socket: Nagle is a TCP matter.
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Connects (blocking, then switches to non-blocking).
    static func connect(to endpoint: ControllerListenAddress) throws(SocketError) -> StreamSocket {
        var lastError: Int32 = ECONNREFUSED
        let socket: Int32? = try endpoint.withAddresses { family, address, length in
            let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { lastError = errno; return nil }
            guard Glibc.connect(fd, address, length) == 0 else { lastError = errno; close(fd); return nil }
            return fd
        }
        guard let socket else { throw SocketError("connect \(endpoint)", lastError) }
        return StreamSocket(adopting: socket)
    }

    /// Appends what one read(2) returns to `buffer`.
    func read(into buffer: inout ByteBuffer) -> ReadResult {
        var result = ReadResult.closed
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 64 << 10) { raw in
            let count = Glibc.read(fd, raw.baseAddress, raw.count)
            if count > 0 { result = .data; return count }
            if count < 0, errno == EAGAIN || errno == EINTR { result = .wouldBlock }
            return 0  // the buffer must not move back on -1
        }
        return result
    }

    /// Writes `out` (emptied); what the socket cannot take now waits for `flush()`.
    /// False: the peer is gone.
    func send(_ out: inout ByteBuffer) -> Bool {
        guard out.readableBytes > 0 else { return true }
        if pending != nil {
            pending!.writeBuffer(&out)
            out.clear()
            return true
        }
        guard write(&out) else { out.clear(); return false }
        if out.readableBytes > 0 {
            pending = out
            out = ByteBuffer()
        } else {
            out.clear()  // unshared: resets the indices, keeps the memory
        }
        return true
    }

    /// Writes what was pending. False: the peer is gone.
    func flush() -> Bool {
        guard var rest = pending else { return true }
        pending = nil
        guard write(&rest) else { return false }
        if rest.readableBytes > 0 { pending = rest }
        return true
    }

    /// Has `poller` watch for writability exactly while bytes wait: one
    /// epoll_ctl when that changes, none otherwise.
    func updateInterest(in poller: Poller, token: UInt32) {
        guard hasPending != watchingWrites else { return }
        watchingWrites = hasPending
        try? poller.update(fd, token: token, writable: watchingWrites)
    }

    private func write(_ buffer: inout ByteBuffer) -> Bool {
        while buffer.readableBytes > 0 {
            // MSG_NOSIGNAL: a peer gone mid-write is an error to handle, not a SIGPIPE that ends the process.
            let written = buffer.withUnsafeReadableBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 { buffer.moveReaderIndex(forwardBy: written); continue }
            if written < 0, errno == EAGAIN { return true }
            if written < 0, errno == EINTR { continue }
            return false
        }
        return true
    }
}

/// A listening socket whose connections are accepted non-blocking.
final class ListeningSocket {
    let fd: Int32
    let endpoint: ControllerListenAddress

    init(_ endpoint: ControllerListenAddress) throws(SocketError) {
        var lastError: Int32 = EADDRNOTAVAIL
        if case let .unix(path) = endpoint { unlink(path) }  // a stale file from a killed run
        let socket: Int32? = try endpoint.withAddresses { family, address, length in
            let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { lastError = errno; return nil }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            guard bind(fd, address, length) == 0, listen(fd, 1024) == 0 else { lastError = errno; close(fd); return nil }
            return fd
        }
        guard let socket else { throw SocketError("listen \(endpoint)", lastError) }
        fd = socket
        self.endpoint = endpoint
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(fd)
        if case let .unix(path) = endpoint { unlink(path) }
    }

    func accept() -> StreamSocket? {
        let fd = Glibc.accept(self.fd, nil, nil)
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return StreamSocket(adopting: fd)
    }
}

/// Monotonic nanoseconds, the clock every latency is measured on.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}
#endif
