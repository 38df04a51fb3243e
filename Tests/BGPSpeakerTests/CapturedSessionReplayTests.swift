import BGP
import BGPSpeaker
import NIOCore
import Packets
import Pcap
import Testing
import TestSupport

/// Each direction of the captured sessions (GoBGP, FRR;
/// Fixtures/bgp.manifest) replayed through our FSM, which plays the other
/// end: the listener when the capture's sender dialled, the dialler when it
/// listened. Every session must reach Established with l2vpn/evpn, hand on
/// every captured UPDATE in order, and never answer with a NOTIFICATION.
struct CapturedSessionReplayTests {
    struct Direction: Sendable, CustomTestStringConvertible {
        var sender: TCPEndpoint
        var receiver: TCPEndpoint
        var messages: [ByteBuffer]
        var testDescription: String { "\(sender) > \(receiver)" }
    }

    /// The BGP port the capture's listeners used (Fixtures/capture-bgp.sh).
    static let listenPorts: Set<UInt16> = [11790, 11791]

    static func directions() throws -> [Direction] {
        var reassembler = TCPReassembler()
        for frame in try PcapReader.frames(path: CapturedReflectionTests.pcap.path) { reassembler.add(frame: frame.data) }
        return try reassembler.streams.filter { $0.payload.readableBytes > 0 }.map { stream in
            var decoder = MessageStreamDecoder()
            decoder.append(stream.payload)
            var messages: [ByteBuffer] = []
            while let m = try decoder.next() { messages.append(m) }
            return Direction(sender: stream.key.source, receiver: stream.key.destination, messages: messages)
        }.sorted { $0.testDescription < $1.testDescription }
    }

    @Test func everyDirectionOfTheCaptureIsReplayed() throws {
        #expect(try Self.directions().count == 6)
    }

    @Test(arguments: try directions())
    func replayThroughTheFSM(_ direction: Direction) throws {
        guard case let .v4(us) = direction.receiver.address, case let .v4(them) = direction.sender.address else {
            Issue.record("not IPv4: \(direction)"); return
        }
        // They dialled us (our port is the listener's): we are passive.
        let passive = Self.listenPorts.contains(direction.receiver.port)
        var session = Session(SessionConfiguration(localAS: 65000, routerID: us, peerAS: 65000, passive: passive,
                                                   gracefulRestart: GracefulRestartConfiguration().capability(families: [.l2vpnEVPN])))
        var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var actions = session.handle(.start, now: now)
        actions += session.handle(.connectionUp, now: now)

        var updatesSent = 0
        for message in direction.messages {
            now = now + .milliseconds(1)
            let options = session.negotiated?.options ?? SessionOptions()
            let event: SessionEvent
            switch try BGPMessage.decode(message, options: options) {
            case .open(let o): event = .received(.open(o))
            case .update(let u): event = .received(.update(.update(u))); updatesSent += 1
            case .keepalive: event = .received(.keepalive)
            case .notification(let n): event = .received(.notification(n))
            case .routeRefresh(let r): event = .received(.routeRefresh(r))
            }
            actions += session.handle(event, now: now)
        }

        let established = actions.compactMap { if case let .established(n) = $0 { n } else { nil } }
        #expect(established.count == 1, "\(direction): \(actions)")
        #expect(established.first?.families.contains(.l2vpnEVPN) == true)
        #expect(established.first?.peerRouterID == them)
        // Every captured UPDATE, in order, handed on as an update (none treated as withdraw).
        let handedOn = actions.compactMap { if case let .update(u) = $0 { u } else { nil } }
        #expect(handedOn.count == updatesSent, "\(direction): \(updatesSent) UPDATEs captured, \(handedOn.count) handed on")
        #expect(!actions.contains { if case .withdraw = $0 { true } else { false } })
        // We sent our OPEN and KEEPALIVEs, never a NOTIFICATION.
        let sent = actions.compactMap { if case let .send(m) = $0 { m } else { nil } }
        #expect(sent.contains { if case .open = $0 { true } else { false } })
        #expect(!sent.contains { if case .notification = $0 { true } else { false } }, "\(direction): \(sent)")
        #expect(session.state == .established)
    }
}
