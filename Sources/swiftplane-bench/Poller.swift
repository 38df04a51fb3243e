#if canImport(Glibc)
import CEpoll
import Glibc

/// A bare epoll instance: what the bench's own loops (the emulated switches,
/// the bare responder) sit on. They skip an event-loop runtime on purpose,
/// so that the controller under test, not the load generator, is what a
/// figure measures.
final class Poller {
    struct Ready {
        let token: UInt32
        let readable: Bool
        let writable: Bool
        /// Hang-up or error: the next read says which.
        let closed: Bool
    }

    private let fd: Int32
    private var events: [epoll_event]

    init(capacity: Int = 256) throws(SocketError) {
        fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SocketError("epoll_create1", errno) }
        events = Array(repeating: epoll_event(), count: capacity)
    }

    deinit { close(fd) }

    func add(_ socket: Int32, token: UInt32, writable: Bool = false) throws(SocketError) {
        try control(EPOLL_CTL_ADD, socket, token: token, writable: writable)
    }

    /// Asks for writability only while a write is pending, so an idle socket never wakes the loop.
    func update(_ socket: Int32, token: UInt32, writable: Bool) throws(SocketError) {
        try control(EPOLL_CTL_MOD, socket, token: token, writable: writable)
    }

    func remove(_ socket: Int32) { _ = epoll_ctl(fd, EPOLL_CTL_DEL, socket, nil) }

    private func control(_ operation: Int32, _ socket: Int32, token: UInt32, writable: Bool) throws(SocketError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (writable ? EPOLLOUT.rawValue : 0)
        event.data.u32 = token
        guard epoll_ctl(fd, operation, socket, &event) == 0 else { throw SocketError("epoll_ctl", errno) }
    }

    /// Waits up to `milliseconds` (0: poll) and calls `body` for each ready socket.
    func wait(milliseconds: Int32, _ body: (Ready) -> Void) throws(SocketError) {
        let count = events.withUnsafeMutableBufferPointer { epoll_wait(fd, $0.baseAddress, Int32($0.count), milliseconds) }
        if count < 0 {
            if errno == EINTR { return }
            throw SocketError("epoll_wait", errno)
        }
        for index in 0..<Int(count) {
            let event = events[index]
            let bits = event.events
            body(Ready(token: event.data.u32, readable: bits & EPOLLIN.rawValue != 0, writable: bits & EPOLLOUT.rawValue != 0,
                       closed: bits & (EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue) != 0))
        }
    }
}
#endif
