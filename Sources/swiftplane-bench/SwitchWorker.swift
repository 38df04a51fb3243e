#if canImport(Glibc)
import Foundation
import NIOCore
import OpenFlowController

/// Some of the emulated switches, driven from one thread on a bare epoll
/// loop: per ready socket one read, the switch's answers, one write. An
/// event-loop runtime here would cost as much per packet-in as the
/// controller being measured, and the figures would be the generator's.
///
/// Used by one thread at a time: each step (`handshake`, `run`, `idle`) is
/// handed to a thread of its own and is over before the next starts.
final class SwitchWorker: @unchecked Sendable {
    /// One switch and its socket (a class: its switch and its output are changed side by side).
    final class Link {
        @exclusivity(unchecked) var emulated: EmulatedSwitch
        let socket: StreamSocket
        /// What the switch has to say, written once per loop turn.
        @exclusivity(unchecked) var output = ByteBuffer()
        var open = true

        let token: UInt32

        init(_ emulated: EmulatedSwitch, _ socket: StreamSocket, token: UInt32) {
            self.emulated = emulated
            self.socket = socket
            self.token = token
            output.reserveCapacity(16 << 10)
        }
    }

    // One thread at a time (above): the runtime exclusivity check on every
    // access would be a tenth of this loop's time for nothing.
    private let links: [Link]
    private let poller: Poller
    @exclusivity(unchecked) private var input = ByteBuffer()
    /// The switches that read something this loop turn.
    @exclusivity(unchecked) private var answering: [Link] = []

    init(endpoint: ControllerListenAddress, switches: [EmulatedSwitch]) throws(SocketError) {
        poller = try Poller()
        input.reserveCapacity(64 << 10)
        var links: [Link] = []
        for emulated in switches {
            let link = Link(emulated, try StreamSocket.connect(to: endpoint), token: UInt32(links.count))
            try poller.add(link.socket.fd, token: link.token)
            links.append(link)
        }
        self.links = links
        for link in links {
            link.emulated.start(into: &link.output)
            send(link)
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
        for link in links where link.open {
            link.emulated.begin(window: window, now: now, into: &link.output)
            send(link)
        }
        let deadline = now &+ UInt64(seconds * 1e9)
        var nextTick = now &+ 100_000_000
        while now < deadline {
            try serve(milliseconds: 10)
            now = monotonicNanoseconds()
            if now >= nextTick {
                nextTick = now &+ 100_000_000
                for link in links where link.open {
                    link.emulated.tick(now: now, into: &link.output)
                    send(link)
                }
            }
        }
        return (Double(now &- started) / 1e9, links.map { $0.emulated.end() })
    }

    /// Waits for ready sockets: reads every one first, each stamped as it is
    /// read, then writes each one's answers and new packet-ins, stamped as
    /// they go. A switch's latency so leaves out the time this loop spends
    /// on the other switches' writes, which a real switch would not wait for.
    private func serve(milliseconds: Int32) throws(SocketError) {
        answering.removeAll(keepingCapacity: true)
        try poller.wait(milliseconds: milliseconds) { ready in
            guard Int(ready.token) < links.count else { return }
            let link = links[Int(ready.token)]
            guard link.open else { return }
            if ready.writable {
                guard link.socket.flush() else { return drop(link) }
                link.socket.updateInterest(in: poller, token: link.token)
            }
            guard ready.readable || ready.closed else { return }
            switch link.socket.read(into: &input) {
            case .data:
                link.emulated.receive(input, now: monotonicNanoseconds(), into: &link.output)
                input.clear()
                answering.append(link)
            case .wouldBlock: break
            case .closed: drop(link)
            }
        }
        for link in answering where link.open {
            link.emulated.refill(now: monotonicNanoseconds(), into: &link.output)
            send(link)
        }
    }

    private func send(_ link: Link) {
        guard link.socket.send(&link.output) else { return drop(link) }
        link.socket.updateInterest(in: poller, token: link.token)
    }

    /// The controller closed this switch: it stops, the others go on.
    private func drop(_ link: Link) {
        link.open = false
        poller.remove(link.socket.fd)
    }
}
#endif
