#if canImport(Glibc)
import NIOCore
import OpenFlow
import OpenFlowController

/// The same learning switch, with the same codecs, on one bare epoll loop
/// and nothing else: no handshake state machine, no flow tables, no
/// keepalive. Measured beside our controller, the difference is what the
/// controller runtime (SwiftNIO, the connection state machine) costs per
/// packet-in; what both share is the kernel's and the app's.
final class BareResponder {
    private final class Connection {
        let socket: StreamSocket
        let token: UInt32
        @exclusivity(unchecked) var decoder = OpenFlowMessageDecoder()
        var datapathID: DatapathID = 0
        init(_ socket: StreamSocket, token: UInt32) { self.socket = socket; self.token = token }
    }

    private static let listenerToken = UInt32.max
    private let listener: ListeningSocket
    private let poller: Poller
    // All on the one thread that runs the loop: no runtime exclusivity checks.
    @exclusivity(unchecked) private var connections: [Connection?] = []
    private var free: [Int] = []
    @exclusivity(unchecked) private var app = LearningSwitch()
    @exclusivity(unchecked) private var output = ByteBuffer()
    @exclusivity(unchecked) private var input = ByteBuffer()

    init(listening endpoint: ControllerListenAddress) throws(SocketError) {
        listener = try ListeningSocket(endpoint)
        poller = try Poller()
        try poller.add(listener.fd, token: Self.listenerToken)
        output.reserveCapacity(16 << 10)
        input.reserveCapacity(64 << 10)
    }

    /// Serves until the process ends.
    func run() throws(SocketError) -> Never {
        while true {
            try poller.wait(milliseconds: -1) { ready in
                if ready.token == Self.listenerToken { return acceptAll() }
                serve(Int(ready.token), ready)
            }
        }
    }

    private func acceptAll() {
        while let socket = listener.accept() {
            let index = free.popLast() ?? connections.count
            if index == connections.count { connections.append(nil) }
            let connection = Connection(socket, token: UInt32(index))
            connections[index] = connection
            guard (try? poller.add(socket.fd, token: connection.token)) != nil else { drop(connection); continue }
            // Our side of the handshake, all at once: HELLO, then ask who it is.
            write(.hello(Hello(versions: [OpenFlowEnvelope.version13])), xid: 1)
            write(.featuresRequest, xid: 2)
            send(connection)
        }
    }

    private func serve(_ index: Int, _ ready: Poller.Ready) {
        guard connections.indices.contains(index), let connection = connections[index] else { return }
        if ready.writable {
            guard connection.socket.flush() else { return drop(connection) }
            connection.socket.updateInterest(in: poller, token: connection.token)
        }
        guard ready.readable || ready.closed else { return }
        switch connection.socket.read(into: &input) {
        case .wouldBlock: return
        case .closed: return drop(connection)
        case .data: break
        }
        connection.decoder.append(input)
        input.clear()
        while true {
            let frame: ByteBuffer?
            do { frame = try connection.decoder.nextFrame() } catch { return drop(connection) }  // framing lost for good
            guard let frame else { break }
            guard let envelope = try? OpenFlowEnvelope.decode(frame) else { continue }
            switch envelope.message {
            case let .packetIn(packetIn):
                for message in app.answer(datapathID: connection.datapathID, packetIn) { write(message, xid: 0) }
            case let .featuresReply(features):
                connection.datapathID = features.datapathID
            case let .echoRequest(data):
                write(.echoReply(data), xid: envelope.xid)
            default:
                break
            }
        }
        send(connection)
    }

    private func write(_ message: OpenFlowMessage, xid: UInt32) {
        // The learning switch's messages are all far below the 64 KiB limit.
        try? OpenFlowEnvelope(xid: xid, message).encode(into: &output)
    }

    private func send(_ connection: Connection) {
        guard connection.socket.send(&output) else { return drop(connection) }
        connection.socket.updateInterest(in: poller, token: connection.token)
    }

    private func drop(_ connection: Connection) {
        output.clear()
        poller.remove(connection.socket.fd)
        connections[Int(connection.token)] = nil
        free.append(Int(connection.token))
    }
}
#endif
