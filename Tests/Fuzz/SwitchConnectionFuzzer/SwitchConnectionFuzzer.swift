// libFuzzer entry point for the SwitchConnection state machine. Built by
// Tests/Tools/fuzz with -sanitize=fuzzer -DFUZZING; a plain build gives a
// program that says so.
import FuzzDriver
import NIOCore
import OpenFlow
import OpenFlowController

/// The input is a program for one session, a byte per step: bytes from the
/// switch (as they come, or shaped as the reply to our last request so the
/// fuzzer gets through the handshake), time passing, the application's
/// requests, the socket closing. Besides never trapping, the machine must
/// keep its promises: what it sends encodes and decodes to itself, every
/// request completes exactly once, after the close only new requests come
/// out, refused.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var program = Program(bytes: UnsafeBufferPointer(start: data, count: count))
    var session = Session()
    session.start()
    while let step = program.next() {
        switch step % 8 {
        case 0, 1, 2:
            session.receive(program.chunk())
        case 3:
            session.receive(session.shapedAsReply(program.chunk()))
        case 4:
            session.tick(milliseconds: UInt64(program.next() ?? 0) &* 100)
        case 5:
            session.application(program.next() ?? 0)
        case 6:
            // Several reads at once, as a burst.
            var burst = program.chunk()
            burst.writeImmutableBuffer(session.shapedAsReply(program.chunk()))
            session.receive(burst)
        default:
            session.peerClosed()
        }
    }
    session.peerClosed()
    return 0
}

/// The fuzzer's bytes, read from the front.
struct Program {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    /// A length byte, then up to that many bytes.
    mutating func chunk() -> ByteBuffer {
        let length = min(Int(next() ?? 0), bytes.count - index)
        defer { index += length }
        return ByteBuffer(bytes: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
    }
}

/// A SwitchConnection and what it has promised so far.
struct Session {
    var connection = SwitchConnection()
    var now: UInt64 = 1_000_000_000
    /// Requests and batches of the application that have not completed.
    var waiting: Set<UInt32> = []
    var closed = false
    var lastSent: OpenFlowEnvelope?

    mutating func start() { check(connection.start(now: .uptimeNanoseconds(now))) }
    mutating func receive(_ bytes: ByteBuffer) { check(connection.receive(bytes, now: .uptimeNanoseconds(now))) }
    mutating func peerClosed() { check(connection.peerClosed()) }

    mutating func tick(milliseconds: UInt64) {
        now &+= milliseconds &* 1_000_000
        check(connection.tick(now: .uptimeNanoseconds(now)))
    }

    mutating func application(_ choice: UInt8) {
        switch choice % 4 {
        case 0:
            let (xid, out) = connection.request(.echoRequest(ByteBuffer(bytes: [choice])))
            waiting.insert(xid)
            check(out)
        case 1:
            let (xid, out) = connection.request(.multipartRequest(MultipartRequest(.flow(FlowStatsRequest()))))
            waiting.insert(xid)
            check(out)
        case 2:
            let flow = FlowMod(priority: UInt16(choice), match: Match([OXMField(.inPort, UInt64(choice))]),
                               instructions: [.applyActions([.output(OpenFlowPort.controller)])])
            let (barrier, out) = connection.batch([.flowMod(flow), .flowMod(flow)])
            waiting.insert(barrier)
            check(out)
        default:
            check(connection.send(.packetOut(PacketOut(inPort: OpenFlowPort.controller, actions: [.output(1)],
                                                       data: ByteBuffer(bytes: [choice])))))
        }
    }

    /// `bytes` with the header of a reply to the last message we sent: its
    /// reply type, its xid, version 1.3 and the right length.
    func shapedAsReply(_ bytes: ByteBuffer) -> ByteBuffer {
        var bytes = bytes
        guard let lastSent, bytes.readableBytes >= 8, bytes.readableBytes <= 0xffff else { return bytes }
        let replyType: UInt8 = switch lastSent.message.type {
        case 2: 3     // ECHO_REQUEST -> ECHO_REPLY
        case 5: 6     // FEATURES_REQUEST -> FEATURES_REPLY
        case 18: 19   // MULTIPART_REQUEST -> MULTIPART_REPLY
        case 20: 21   // BARRIER_REQUEST -> BARRIER_REPLY
        case 24: 25   // ROLE_REQUEST -> ROLE_REPLY
        default: 1    // an ERROR for anything else
        }
        let at = bytes.readerIndex
        bytes.setInteger(OpenFlowEnvelope.version13, at: at)
        bytes.setInteger(replyType, at: at + 1)
        bytes.setInteger(UInt16(bytes.readableBytes), at: at + 2)
        bytes.setInteger(lastSent.xid, at: at + 4)
        return bytes
    }

    mutating func check(_ outputs: [SwitchConnectionOutput]) {
        for output in outputs {
            // After the close only the refusal of a new request may come out.
            if closed {
                guard case .completed(_, .failure(.notConnected)) = output else { fatalError("\(output) after the close") }
            }
            switch output {
            case let .send(envelope):
                lastSent = envelope
                let bytes: ByteBuffer
                do { bytes = try envelope.encoded() } catch { fatalError("cannot encode what we send: \(error)") }
                guard case let .stable(decoded) = OpenFlowEnvelope.roundTrip(bytes), decoded == envelope else {
                    fatalError("what we send does not decode to itself: \(envelope)")
                }
            case let .completed(xid, _):
                // Handshake and keepalive xids are internal; an application xid completes once.
                guard waiting.remove(xid) != nil else { fatalError("xid \(xid) completed but not waited for") }
            case .event:
                break
            case .close:
                closed = true
            }
        }
        if closed {
            guard connection.state == .closed else { fatalError("closed, but the state is \(connection.state)") }
            guard waiting.isEmpty else { fatalError("closed with requests never completed: \(waiting.sorted())") }
            guard connection.pendingRequests == 0 else { fatalError("closed with \(connection.pendingRequests) pending") }
        }
    }
}

@main
enum SwitchConnectionFuzzer: FuzzTarget {
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt { fuzz(data, count) }
}
