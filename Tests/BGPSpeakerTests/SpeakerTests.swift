import BGP
import BGPSpeaker
import Foundation
import Logging
import NIOCore
import Testing
import TestSupport

/// The speaker over real TCP on loopback, with raw peers: RFC 7606 handling
/// isolated to the bad peer, ranges, limits and max-prefix.
@Suite(.serialized)
struct SpeakerTests {
    /// A /24 of 127/8 per test, so tests never share peer addresses.
    static func address(_ net: UInt8, _ host: UInt8) -> IPv4Address { IPv4Address(127, 77, net, host) }

    static func speaker(accept: String = "127.77.0.0/16", maxPeers: Int = 1000, maxPrefixes: Int? = nil) async throws -> (Speaker, Int) {
        var logger = Logger(label: "test.speaker")
        logger.logLevel = .critical
        let s = Speaker(SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), clusterID: IPv4Address(127, 0, 0, 1),
                                             listenHost: "127.0.0.1", listenPort: 0, accept: [NeighborRange(accept)].compactMap { $0 },
                                             maximumDynamicPeers: maxPeers, maximumPrefixes: maxPrefixes),
                        logger: logger)
        let bound = try await s.start()
        return (s, bound.port ?? 0)
    }

    static func state(_ s: Speaker, _ a: IPv4Address) async -> SessionState? {
        await s.neighbors().first { $0.address == "\(a)" }?.state
    }

    /// The states of two speakers' neighbours once all are Established, or as last seen after 5 s.
    static func neighborStates(_ x: Speaker, _ y: Speaker) async -> [SessionState] {
        var states: [SessionState] = []
        for _ in 0..<50 {
            states = await x.neighbors().map(\.state) + y.neighbors().map(\.state)
            if !states.isEmpty, states.allSatisfy({ $0 == .established }) { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return states
    }

    /// The session's state once it is `wanted`, or the last seen after 5 s:
    /// our last KEEPALIVE may still be on its way when the test asks.
    static func state(_ s: Speaker, _ a: IPv4Address, becomes wanted: SessionState) async -> SessionState? {
        for _ in 0..<50 {
            let now = await state(s, a)
            if now == wanted { return now }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await state(s, a)
    }

    /// UPDATE bytes written by hand (RFC 4271 §4.3, RFC 4760 §3): ORIGIN,
    /// AS_PATH, LOCAL_PREF, then MP_REACH_NLRI for l2vpn/evpn whose value is `mpValue`.
    static func update(origin: UInt8 = 0, mpValue: [UInt8]) -> [UInt8] {
        let attrs: [UInt8] = [0x40, 1, 1, origin, 0x40, 2, 0, 0x40, 5, 4, 0, 0, 0, 100,
                              0x90, 14, UInt8(mpValue.count >> 8), UInt8(mpValue.count & 0xff)] + mpValue
        let body: [UInt8] = [0, 0, UInt8(attrs.count >> 8), UInt8(attrs.count & 0xff)] + attrs
        let length = 19 + body.count
        return [UInt8](repeating: 0xff, count: 16) + [UInt8(length >> 8), UInt8(length & 0xff), 2] + body
    }

    static func mpReach(_ route: NLRI) -> [UInt8] {
        var b = BGPMessage.update(Update(attributes: PathAttributes([PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(IPv4Address(10, 1, 1, 1)), nlri: [route])))]))).encoded()
        // Header 19, withdrawn length 2, attribute length 2, then the attribute header (4: extended length or 3).
        let all = b.readBytes(length: b.readableBytes) ?? []
        let flags = all[23]
        return Array(all[(23 + (flags & 0x10 != 0 ? 4 : 3))...])
    }

    @Test func malformedUpdateHitsOnlyItsSession() async throws {
        let (speaker, port) = try await Self.speaker()
        let a = try RawPeer(from: Self.address(1, 1), toPort: port)
        let b = try RawPeer(from: Self.address(1, 2), toPort: port)
        defer { a.close(); b.close() }
        try await a.establish()
        try await b.establish()
        let isEndOfRIB: @Sendable (BGPMessage) -> Bool = { if case .update(let u) = $0 { u.endOfRIB != nil } else { false } }
        #expect(try await b.receive(until: isEndOfRIB) != nil)

        // A valid route from A reaches B.
        let r1 = Routes.macIP(1), r2 = Routes.macIP(2)
        try a.send(Self.update(mpValue: Self.mpReach(r1)))
        guard case .update(let got)? = try await b.receive(until: { if case .update = $0 { true } else { false } }) else {
            Issue.record("B got no UPDATE"); return
        }
        #expect(got.attributes.mpReachNLRI?.nlri == [r1])

        // ORIGIN 7 (RFC 7606 §7.1): treat-as-withdraw. B sees r1 withdrawn, A stays up.
        try a.send(Self.update(origin: 7, mpValue: Self.mpReach(r1)))
        guard case .update(let withdrawn)? = try await b.receive(until: { if case .update = $0 { true } else { false } }) else {
            Issue.record("B got no withdrawal"); return
        }
        #expect(withdrawn.attributes.mpUnreachNLRI?.nlri == [r1])
        #expect(await Self.state(speaker, a.address) == .established)

        // r2 announced, then an MP_REACH_NLRI whose EVPN route overruns it: session reset for A only.
        try a.send(Self.update(mpValue: Self.mpReach(r2)))
        #expect(try await b.receive(until: { if case .update = $0 { true } else { false } }) != nil)
        let broken: [UInt8] = [0x00, 0x19, 70, 4, 10, 1, 1, 1, 0, 2, 200, 1, 2, 3]
        try a.send(Self.update(mpValue: broken))
        guard case .notification(let n)? = try await a.receive(until: { if case .notification = $0 { true } else { false } }) else {
            Issue.record("A got no NOTIFICATION"); return
        }
        #expect(n.code == 3)
        #expect(try await a.receive() == nil)  // closed after the NOTIFICATION
        guard case .update(let gone)? = try await b.receive(until: { if case .update = $0 { true } else { false } }) else {
            Issue.record("B got no withdrawal of A's routes"); return
        }
        #expect(gone.attributes.mpUnreachNLRI?.nlri == [r2])
        // B is untouched: still Established, and it answers.
        #expect(await Self.state(speaker, b.address) == .established)
        try b.send(.keepalive)
        #expect(await Self.state(speaker, b.address) == .established)
        await speaker.shutdown()
        guard case .notification(let cease)? = try await b.receive(until: { if case .notification = $0 { true } else { false } }) else {
            Issue.record("B got no CEASE at shutdown"); return
        }
        #expect(cease.error == .cease(.administrativeShutdown))
    }

    @Test func peerOutsideEveryRangeIsRefused() async throws {
        let (speaker, port) = try await Self.speaker(accept: "127.77.2.0/24")
        let outside = try RawPeer(from: Self.address(3, 1), toPort: port)
        let inside = try RawPeer(from: Self.address(2, 1), toPort: port)
        defer { outside.close(); inside.close() }
        #expect(try await outside.receive() == nil)
        guard case .open? = try await inside.receive() else { Issue.record("no OPEN for a peer in range"); return }
        await speaker.shutdown()
    }

    @Test func dynamicPeerLimit() async throws {
        let (speaker, port) = try await Self.speaker(maxPeers: 1)
        let first = try RawPeer(from: Self.address(4, 1), toPort: port)
        defer { first.close() }
        try await first.establish()
        let second = try RawPeer(from: Self.address(4, 2), toPort: port)
        defer { second.close() }
        #expect(try await second.receive() == nil)
        #expect(await Self.state(speaker, first.address, becomes: .established) == .established)
        await speaker.shutdown()
    }

    @Test func maximumPrefixesCloseWithCease() async throws {
        let (speaker, port) = try await Self.speaker(maxPrefixes: 2)
        let a = try RawPeer(from: Self.address(5, 1), toPort: port)
        defer { a.close() }
        try await a.establish()
        for i in 0..<3 { try a.send(Self.update(mpValue: Self.mpReach(Routes.macIP(UInt32(i))))) }
        guard case .notification(let n)? = try await a.receive(until: { if case .notification = $0 { true } else { false } }) else {
            Issue.record("no NOTIFICATION"); return
        }
        #expect(n.error == .cease(.maximumNumberOfPrefixesReached))
        #expect(n.data == [0, 25, 70, 0, 0, 0, 2])
        await speaker.shutdown()
    }

    @Test func openFromAnotherASIsRefused() async throws {
        let (speaker, port) = try await Self.speaker()
        let a = try RawPeer(from: Self.address(6, 1), toPort: port)
        defer { a.close() }
        guard case .open? = try await a.receive() else { Issue.record("no OPEN"); return }
        try a.send(.open(Open(asn: 65001, holdTime: 90, bgpIdentifier: a.address, capabilities: [.multiprotocol(.l2vpnEVPN)])))
        guard case .notification(let n)? = try await a.receive() else { Issue.record("no NOTIFICATION"); return }
        #expect(n.error == .openMessage(.badPeerAS))
        await speaker.shutdown()
    }
}

/// An active neighbour: one speaker connects to another that accepts it.
struct ActiveNeighborTests {
    @Test func configuredActiveNeighborComesUp() async throws {
        var logger = Logger(label: "test.active")
        logger.logLevel = .critical
        let passive = Speaker(SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), listenHost: "127.0.0.1", listenPort: 0,
                                                   accept: [NeighborRange("127.0.0.1/32")].compactMap { $0 }), logger: logger)
        let port = try await passive.start().port ?? 0
        let active = Speaker(SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 0, 0, 2), listenHost: "127.0.0.1", listenPort: 0,
                                                  neighbors: [NeighborConfiguration(address: IPv4Address(127, 0, 0, 1), port: port, peerAS: 65000)]),
                             logger: logger)
        try await active.start()
        let states = await SpeakerTests.neighborStates(active, passive)
        #expect(states == [.established, .established])
        await active.shutdown()
        await passive.shutdown()
    }
}

/// RFC 4271 §6.8: two speakers that dial each other at once end with one session.
struct CollisionTests {
    /// A speaker listening on `me`:`port` whose one neighbour is `peer`,
    /// dialled on `peerPort`: two of them dial each other.
    static func speaker(_ me: IPv4Address, port: Int, peer: IPv4Address, peerPort: Int, logger: Logger) -> Speaker {
        Speaker(SpeakerConfiguration(localAS: 65000, routerID: me, listenHost: "\(me)", listenPort: port,
                                     neighbors: [NeighborConfiguration(address: peer, port: peerPort, peerAS: 65000)]), logger: logger)
    }

    @Test func crossingConnectionsResolveToOneSession() async throws {
        let a = IPv4Address(127, 55, 0, 1), b = IPv4Address(127, 55, 0, 2)
        let portA = freeLoopbackPort(), portB = freeLoopbackPort()
        let logs = (a: LogCapture(), b: LogCapture())
        let sa = Self.speaker(a, port: portA, peer: b, peerPort: portB, logger: logs.a.logger)
        let sb = Self.speaker(b, port: portB, peer: a, peerPort: portA, logger: logs.b.logger)
        // Both listen first, then both dial: the connections cross.
        async let startA: SocketAddress = sa.start()
        async let startB: SocketAddress = sb.start()
        _ = try await (startA, startB)
        let states = await SpeakerTests.neighborStates(sa, sb)
        // Well before the 30 s connect-retry: the collision was resolved, not retried.
        func log(_ capture: LogCapture) -> String {
            capture.all.map { "\($0.message) \($0.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))" }
                .joined(separator: "\n")
        }
        #expect(states == [.established, .established], "a:\n\(log(logs.a))\nb:\n\(log(logs.b))")
        await sa.shutdown()
        await sb.shutdown()
    }
}

extension CollisionTests {
    /// A session that went Idle after a failure waits for connect-retry
    /// (30 s) to dial again, but the peer dialling meanwhile restarts it:
    /// refusing that connection left both sides idle until their timers.
    @Test func idleSessionTakesThePeersNewConnection() async throws {
        let a = IPv4Address(127, 55, 1, 1), b = IPv4Address(127, 55, 1, 2)
        let portA = freeLoopbackPort(), portB = freeLoopbackPort()
        let logs = LogCapture()
        let sa = Self.speaker(a, port: portA, peer: b, peerPort: portB, logger: logs.logger)
        func peer() -> Speaker {
            Self.speaker(b, port: portB, peer: a, peerPort: portA, logger: Logger(label: "test.peer", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        _ = try await sa.start()
        let first = peer()
        _ = try await first.start()
        #expect(await SpeakerTests.neighborStates(sa, first) == [.established, .established])
        // The peer leaves (CEASE): our session is Idle, its next dial 22-30 s away.
        await first.shutdown()
        #expect(await eventually(5) { await sa.neighbors().first?.state == .idle })
        let second = peer()
        _ = try await second.start()
        let states = await SpeakerTests.neighborStates(sa, second)
        #expect(states == [.established, .established],
                "\(logs.all.map { "\($0.message) \($0.metadata.sorted { $0.key < $1.key })" }.joined(separator: "\n"))")
        await second.shutdown()
        await sa.shutdown()
    }

    struct Crossing: Sendable, CustomStringConvertible {
        var remoteID: IPv4Address
        var keepsOurs: Bool
        var description: String { "remote id \(remoteID)" }
    }

    /// Our router id is 127.56.0.5: a higher remote id wins the crossing.
    static let crossings = [Crossing(remoteID: IPv4Address(127, 56, 0, 9), keepsOurs: false),
                            Crossing(remoteID: IPv4Address(127, 56, 0, 1), keepsOurs: true)]

    /// A speaker on 127.`block`.x.1 (router id 127.`block`.0.5) whose
    /// configured neighbour .2 is a raw listener: our connection to it is in
    /// OpenSent, its OPEN read. Nil (with the issue recorded) when no OPEN came.
    static func openSent(block: UInt8) async throws
        -> (speaker: Speaker, port: Int, listener: RawListener, outbound: RawPeer, peerAddress: IPv4Address, ourAddress: IPv4Address)? {
        var logger = Logger(label: "test.collision")
        logger.logLevel = .critical
        let net = UInt8.random(in: 1...250)
        let peerAddress = IPv4Address(127, block, net, 2), ourAddress = IPv4Address(127, block, net, 1)
        let listener = try RawListener(address: peerAddress)
        let speaker = Speaker(SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, block, 0, 5), listenHost: "\(ourAddress)", listenPort: 0,
                                                   neighbors: [NeighborConfiguration(address: peerAddress, port: listener.port, peerAS: 65000)]),
                              logger: logger)
        let port = try await speaker.start().port ?? 0
        // Our outbound connection reaches OpenSent: its OPEN arrives.
        let outbound = try await listener.accept()
        guard case .open? = try await outbound.receive() else {
            Issue.record("no OPEN on our connection")
            outbound.close()
            await speaker.shutdown()
            return nil
        }
        return (speaker, port, listener, outbound, peerAddress, ourAddress)
    }

    @Test(arguments: crossings)
    func higherIdentifierKeepsItsConnection(_ c: Crossing) async throws {
        guard let (speaker, port, listener, outbound, peerAddress, ourAddress) = try await Self.openSent(block: 56) else { return }
        defer { withExtendedLifetime(listener) { outbound.close() } }
        // The peer dials us too and sends its OPEN there.
        let inbound = try RawPeer(from: peerAddress, to: ourAddress, toPort: port)
        defer { inbound.close() }
        try inbound.send(.open(Open(asn: 65000, holdTime: 90, bgpIdentifier: c.remoteID, capabilities: [.multiprotocol(.l2vpnEVPN)])))
        let collision = Notification(.cease(.connectionCollisionResolution))
        let loser = c.keepsOurs ? inbound : outbound
        let winner = c.keepsOurs ? outbound : inbound
        guard case .notification(let n)? = try await loser.receive(until: { if case .notification = $0 { true } else { false } }) else {
            Issue.record("the losing connection got no NOTIFICATION"); return
        }
        #expect(n == collision)
        // The winner goes on to Established.
        if c.keepsOurs {
            try winner.send(.open(Open(asn: 65000, holdTime: 90, bgpIdentifier: c.remoteID, capabilities: [.multiprotocol(.l2vpnEVPN)])))
        } else {
            guard case .open? = try await winner.receive() else { Issue.record("no OPEN on the peer's connection"); return }
        }
        guard case .keepalive? = try await winner.receive() else { Issue.record("no KEEPALIVE on the kept connection"); return }
        try winner.send(.keepalive)
        #expect(await SpeakerTests.state(speaker, peerAddress, becomes: .established) == .established)
        await speaker.shutdown()
    }

    /// A second connection whose first bytes are no BGP
    /// header is closed at once; before, its reader waited for an OPEN that
    /// could never be decoded, keeping every byte the peer sent.
    @Test func collidingConnectionWithABadMarkerIsClosed() async throws {
        guard let (speaker, port, listener, outbound, peerAddress, ourAddress) = try await Self.openSent(block: 57) else { return }
        defer { withExtendedLifetime(listener) { outbound.close() } }
        let inbound = try RawPeer(from: peerAddress, to: ourAddress, toPort: port, timeoutSeconds: 5)
        defer { inbound.close() }
        let start = Date()
        try inbound.send([UInt8](repeating: 0, count: 19) + [UInt8](repeating: 0xab, count: 4000))
        #expect(try await inbound.receive() == nil)
        #expect(Date().timeIntervalSince(start) < 3, "the connection stayed open \(Date().timeIntervalSince(start)) s")
        // Our own connection is untouched: it still reaches Established.
        try outbound.send(.open(Open(asn: 65000, holdTime: 90, bgpIdentifier: IPv4Address(127, 57, 0, 9), capabilities: [.multiprotocol(.l2vpnEVPN)])))
        guard case .keepalive? = try await outbound.receive() else { Issue.record("no KEEPALIVE on our connection"); return }
        try outbound.send(.keepalive)
        #expect(await SpeakerTests.state(speaker, peerAddress, becomes: .established) == .established)
        await speaker.shutdown()
    }
}
