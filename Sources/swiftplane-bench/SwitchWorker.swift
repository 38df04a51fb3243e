#if canImport(Glibc)
import Foundation
import NIOCore

/// Some of the emulated switches, driven from one thread on a bare epoll
/// loop: per ready socket one read, the switch's answers, one write. An
/// event-loop runtime here would cost as much per packet-in as the
/// controller being measured, and the figures would be the generator's.
///
/// Used by one thread at a time: each step (`handshake`, `run`, `idle`) is
/// handed to a thread of its own and is over before the next starts.
final class SwitchWorker: @unchecked Sendable {
    struct Link {
        var emulated: EmulatedSwitch
        let socket: StreamSocket
        var open = true
        /// Whether epoll reports writability: only while bytes wait.
        var watchingWrites = false
    }

    // One thread at a time (above): the runtime exclusivity check on every
    // access would be a tenth of this loop's time for nothing.
    @exclusivity(unchecked) private var links: [Link] = []
    private let poller: Poller
    @exclusivity(unchecked) private var input = ByteBuffer()
    @exclusivity(unchecked) private var output = ByteBuffer()

    init(endpoint: BenchEndpoint, switches: [EmulatedSwitch]) throws(SocketError) {
        poller = try Poller()
        input.reserveCapacity(64 << 10)
        output.reserveCapacity(16 << 10)
        for emulated in switches {
            let socket = try StreamSocket.connect(to: endpoint)
            try poller.add(socket.fd, token: UInt32(links.count))
            links.append(Link(emulated: emulated, socket: socket))
            links[links.count - 1].emulated.start(into: &output)
            send(links.count - 1)
        }
    }

    var readyCount: Int { links.filter(\.emulated.isReady).count }

    /// Serves the controller until every switch was asked for its features or `seconds` passed.
    func handshake(seconds: Double) throws(SocketError) -> Bool {
        let deadline = monotonicNanoseconds() &+ UInt64(seconds * 1e9)
        while readyCount < links.count, monotonicNanoseconds() < deadline {
            try serve(milliseconds: 10)
        }
        return readyCount == links.count
    }

    /// Answers the controller for `seconds` without sending packet-ins: the
    /// rest of its handshake (a switch is not up before its port and flow
    /// replies, and its packet-ins would be dropped) or a phase's late answers.
    func idle(seconds: Double) throws(SocketError) {
        let deadline = monotonicNanoseconds() &+ UInt64(seconds * 1e9)
        while monotonicNanoseconds() < deadline { try serve(milliseconds: 10) }
    }

    /// One measured phase: `window` packet-ins outstanding per switch for
    /// `seconds`; returns how long it really ran and each switch's figures.
    func run(window: Int, seconds: Double) throws(SocketError) -> (seconds: Double, [EmulatedSwitch.Statistics]) {
        let started = monotonicNanoseconds()
        var now = started
        for index in links.indices where links[index].open {
            links[index].emulated.begin(window: window, now: now, into: &output)
            send(index)
        }
        let deadline = now &+ UInt64(seconds * 1e9)
        var nextTick = now &+ 100_000_000
        while now < deadline {
            try serve(milliseconds: 10)
            now = monotonicNanoseconds()
            if now >= nextTick {
                nextTick = now &+ 100_000_000
                for index in links.indices where links[index].open {
                    links[index].emulated.tick(now: now, into: &output)
                    send(index)
                }
            }
        }
        return (Double(now &- started) / 1e9, links.indices.map { links[$0].emulated.end() })
    }

    /// Waits for ready sockets and answers each at once.
    private func serve(milliseconds: Int32) throws(SocketError) {
        try poller.wait(milliseconds: milliseconds) { ready in
            let index = Int(ready.token)
            guard links.indices.contains(index), links[index].open else { return }
            if ready.writable {
                guard links[index].socket.flush() else { return drop(index) }
                watchWrites(index)
            }
            if ready.readable || ready.closed {
                switch links[index].socket.read(into: &input) {
                case .data:
                    // Stamped after the read: the time a real switch would see the answer.
                    links[index].emulated.receive(input, now: monotonicNanoseconds(), into: &output)
                    input.clear()
                    send(index)
                case .wouldBlock: break
                case .closed: return drop(index)
                }
            }
        }
    }

    private func send(_ index: Int) {
        guard links[index].socket.send(&output) else { return drop(index) }
        watchWrites(index)
    }

    /// One epoll_ctl when a socket starts or stops having bytes waiting, none otherwise.
    private func watchWrites(_ index: Int) {
        let pending = links[index].socket.hasPending
        guard pending != links[index].watchingWrites else { return }
        links[index].watchingWrites = pending
        try? poller.update(links[index].socket.fd, token: UInt32(index), writable: pending)
    }

    /// The controller closed this switch: it stops, the others go on.
    private func drop(_ index: Int) {
        links[index].open = false
        poller.remove(links[index].socket.fd)
    }
}

#endif
