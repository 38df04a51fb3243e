import BGP
import BGPSpeaker
import Logging
import NIOCore
import Testing
import TestSupport

/// RFC 4724 §4.2, receiving speaker, at the RIB: a restarting peer's routes
/// stay (stale, still best, still reflected), re-announced ones are
/// refreshed, End-of-RIB or the timer purges the rest.
struct GracefulRestartTests {
    static let a = PeerID(1), b = PeerID(2)
    static let r1 = Routes.macIP(1), r2 = Routes.macIP(2), r3 = Routes.macIP(3)

    enum Step: Sendable, CustomStringConvertible {
        case announce([NLRI])
        case withdraw([NLRI])
        /// Peer A's session ended without a NOTIFICATION; these families are kept.
        case restart(Set<AddressFamily>)
        /// Peer A's session ended in a way graceful restart does not cover.
        case down
        case reestablish
        /// Back with a capability keeping forwarding state for these families only.
        case reestablishPreserving(Set<AddressFamily>)
        case endOfRIB
        /// The restart (or stale) timer of peer A ran out.
        case timer
        var description: String {
            switch self {
            case .announce(let n): "announce \(n.count)"
            case .withdraw(let n): "withdraw \(n.count)"
            case .restart: "restart"
            case .down: "down"
            case .reestablish: "re-establish"
            case .reestablishPreserving(let f): "re-establish preserving \(f)"
            case .endOfRIB: "End-of-RIB"
            case .timer: "timer"
            }
        }
    }

    struct Row: NamedRow {
        var name: String
        var steps: [Step]
        /// Routes peer B holds from us at the end, and A's stale routes.
        var reflected: Set<NLRI>
        var stale: Int
    }

    static let rows: [Row] = [
        Row(name: "kept stale and still reflected", steps: [.announce([r1, r2]), .restart([.l2vpnEVPN])], reflected: [r1, r2], stale: 2),
        Row(name: "re-announced route refreshed", steps: [.announce([r1, r2]), .restart([.l2vpnEVPN]), .reestablish, .announce([r1])],
            reflected: [r1, r2], stale: 1),
        Row(name: "End-of-RIB purges the rest", steps: [.announce([r1, r2, r3]), .restart([.l2vpnEVPN]), .reestablish, .announce([r1]), .endOfRIB],
            reflected: [r1], stale: 0),
        Row(name: "new route after restart kept by End-of-RIB", steps: [.announce([r1]), .restart([.l2vpnEVPN]), .reestablish, .announce([r3]), .endOfRIB],
            reflected: [r3], stale: 0),
        Row(name: "timer while down purges all", steps: [.announce([r1, r2]), .restart([.l2vpnEVPN]), .timer], reflected: [], stale: 0),
        Row(name: "timer after return purges the unrefreshed", steps: [.announce([r1, r2]), .restart([.l2vpnEVPN]), .reestablish, .announce([r2]), .timer],
            reflected: [r2], stale: 0),
        Row(name: "withdrawn stale route goes at once", steps: [.announce([r1, r2]), .restart([.l2vpnEVPN]), .reestablish, .withdraw([r1])],
            reflected: [r2], stale: 1),
        Row(name: "family outside the capability not kept", steps: [.announce([r1, r2]), .restart([.ipv4Unicast])], reflected: [], stale: 0),
        Row(name: "plain down withdraws", steps: [.announce([r1, r2]), .down], reflected: [], stale: 0),
        Row(name: "End-of-RIB without a restart changes nothing", steps: [.announce([r1, r2]), .endOfRIB], reflected: [r1, r2], stale: 0),
        Row(name: "back without forwarding state: stale routes go at once",
            steps: [.announce([r1, r2]), .restart([.l2vpnEVPN]), .reestablishPreserving([])], reflected: [], stale: 0),
        Row(name: "back with forwarding state for another family only",
            steps: [.announce([r1, r2]), .restart([.l2vpnEVPN]), .reestablishPreserving([.ipv4Unicast])], reflected: [], stale: 0),
        Row(name: "back with forwarding state kept",
            steps: [.announce([r1, r2]), .restart([.l2vpnEVPN]), .reestablishPreserving([.l2vpnEVPN])], reflected: [r1, r2], stale: 2),
        Row(name: "restart twice keeps the routes", steps: [.announce([r1, r2]), .restart([.l2vpnEVPN]), .reestablish, .restart([.l2vpnEVPN])],
            reflected: [r1, r2], stale: 2),
    ]

    @Test(arguments: rows)
    func receivingSpeaker(_ row: Row) {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        rib.addPeer(Self.a, Routes.peer(2))
        rib.addPeer(Self.b, Routes.peer(3))
        for step in row.steps {
            switch step {
            case .announce(let n): rib.apply(Routes.announce(n, Routes.attributes()), from: Self.a)
            case .withdraw(let n): rib.apply(Routes.withdraw(n), from: Self.a)
            case .restart(let f): rib.peerRestarting(Self.a, families: f)
            case .down: rib.removePeer(Self.a)
            case .reestablish: rib.addPeer(Self.a, Routes.peer(2))
            case .reestablishPreserving(let f): rib.addPeer(Self.a, Routes.peer(2), preserved: f)
            case .endOfRIB: rib.apply(Update.endOfRIB(.l2vpnEVPN), from: Self.a)
            case .timer: rib.purgeStale(Self.a)
            }
            // B takes what it is owed after every step, as the speaker flushes.
            _ = rib.pendingUpdates(for: Self.b)
        }
        #expect(Set(rib.advertised(to: Self.b).keys) == row.reflected)
        #expect(rib.staleCount(Self.a) == row.stale)
        for r in row.reflected { #expect(rib.best(r)?.peer == Self.a) }
        for r in Set([Self.r1, Self.r2, Self.r3]).subtracting(row.reflected) { #expect(rib.best(r) == nil) }
    }

    /// While down it is sent nothing; on return it gets the whole table and End-of-RIB.
    @Test func restartingPeerGetsTheTableOnReturn() {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        rib.addPeer(Self.a, Routes.peer(2))
        rib.addPeer(Self.b, Routes.peer(3))
        _ = rib.pendingUpdates(for: Self.a)
        rib.peerRestarting(Self.a, families: [.l2vpnEVPN])
        rib.apply(Routes.announce([Self.r3], Routes.attributes()), from: Self.b)
        #expect(rib.pendingUpdates(for: Self.a).isEmpty)
        #expect(rib.isRestarting(Self.a))
        rib.addPeer(Self.a, Routes.peer(2))
        let updates = rib.pendingUpdates(for: Self.a)
        #expect(updates.flatMap { $0.reach?.nlri ?? [] } == [Self.r3])
        #expect(updates.last?.endOfRIB == .l2vpnEVPN)
    }

    /// The OPEN we send: R bit clear, F bit set per family, the configured time.
    @Test(arguments: [(UInt16(120), UInt16(120)), (0, 0), (4095, 4095), (5000, 4095)])
    func capabilityOffered(_ configured: UInt16, _ sent: UInt16) throws {
        let c = SpeakerConfiguration(localAS: 65000, routerID: Routes.rr, gracefulRestart: GracefulRestartConfiguration(restartTime: configured))
        let open = SessionConfiguration(localAS: 65000, routerID: Routes.rr, peerAS: 65000,
                                        gracefulRestart: c.gracefulRestart?.capability(families: c.families)).open
        var bytes = ByteBuffer()
        BGPMessage.open(open).encode(into: &bytes)
        guard case .open(let decoded) = try BGPMessage.decode(bytes) else { Issue.record("not an OPEN"); return }
        let gr = try #require(decoded.capabilities.compactMap { if case .gracefulRestart(let g) = $0 { g } else { nil } }.first)
        #expect(gr.restartTime == sent)
        #expect(!gr.restartState)
        #expect(gr.families.map(\.family) == [.l2vpnEVPN])
        #expect(gr.families.allSatisfy { $0.forwardingStatePreserved })
    }
}

/// RFC 4724 §4.2 / RFC 8538: which endings of an Established session keep the peer's routes.
struct GracefulRestartSessionTests {
    struct Row: NamedRow {
        var name: String
        var weOffer: Bool
        var peerOffers: Bool
        var ending: SessionEvent
        /// The peer's restart time when its routes are kept; nil when they go.
        var kept: UInt16?
    }

    static let rows: [Row] = [
        Row(name: "TCP reset, both offered", weOffer: true, peerOffers: true, ending: .connectionDown, kept: 90),
        // We send a NOTIFICATION and do not offer RFC 8538's N bit.
        Row(name: "hold timer, both offered", weOffer: true, peerOffers: true, ending: .timePassed, kept: nil),
        Row(name: "NOTIFICATION received", weOffer: true, peerOffers: true,
            ending: .received(.notification(Notification(.cease(.administrativeShutdown)))), kept: nil),
        Row(name: "we close it", weOffer: true, peerOffers: true, ending: .stop(.administrativeShutdown), kept: nil),
        Row(name: "TCP reset, peer did not offer", weOffer: true, peerOffers: false, ending: .connectionDown, kept: nil),
        Row(name: "TCP reset, we did not offer", weOffer: false, peerOffers: true, ending: .connectionDown, kept: nil),
    ]

    @Test(arguments: rows)
    func ending(_ row: Row) {
        let gr = GracefulRestartConfiguration().capability(families: [.l2vpnEVPN])
        var session = Session(SessionConfiguration(localAS: 65000, routerID: IPv4Address(10, 0, 0, 1), peerAS: 65000, holdTime: 9,
                                                   gracefulRestart: row.weOffer ? gr : nil))
        var caps: [Capability] = [.multiprotocol(.l2vpnEVPN)]
        if row.peerOffers { caps.append(.gracefulRestart(GracefulRestart(restartTime: 90, families: [.init(.l2vpnEVPN)]))) }
        let t0 = NIODeadline.now()
        _ = session.handle(.start, now: t0)
        _ = session.handle(.connectionUp, now: t0)
        _ = session.handle(.received(.open(Open(asn: 65000, holdTime: 9, bgpIdentifier: IPv4Address(10, 0, 0, 2), capabilities: caps))), now: t0)
        _ = session.handle(.received(.keepalive), now: t0)
        #expect(session.state == .established)
        // Past the 9 s hold time (the timer row needs it; the others ignore the time).
        let actions = session.handle(row.ending, now: t0 + .seconds(10))
        let kept = actions.compactMap { if case .restarting(_, let t, let f) = $0, f == [.l2vpnEVPN] { t } else { nil } }.first
        let down = actions.contains { if case .down = $0 { true } else { false } }
        #expect(kept == row.kept)
        #expect(down == (row.kept == nil))
    }
}

/// The speaker as receiving speaker over TCP: a dynamic peer that offered
/// graceful restart drops its connection; its routes stay reflected, and on
/// its return End-of-RIB withdraws only what it did not re-announce.
struct GracefulRestartSpeakerTests {
    /// A speaker with graceful restart on, accepting peers from `accept`.
    static func speaker(accept: String) async throws -> (Speaker, Int) {
        var logger = Logger(label: "test.gr")
        logger.logLevel = .critical
        let speaker = Speaker(SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), listenHost: "127.0.0.1", listenPort: 0,
                                                   accept: [NeighborRange(accept)].compactMap { $0 },
                                                   gracefulRestart: GracefulRestartConfiguration(restartTime: 60)), logger: logger)
        return (speaker, try await speaker.start().port ?? 0)
    }

    @Test func staleRoutesKeptThenPurgedAtEndOfRIB() async throws {
        let net = UInt8.random(in: 10...250)
        let (speaker, port) = try await Self.speaker(accept: "127.80.\(net).0/24")
        let grCaps: [Capability] = [.multiprotocol(.l2vpnEVPN), .routeRefresh,
                                    .gracefulRestart(GracefulRestart(restartTime: 60, families: [.init(.l2vpnEVPN, flags: 0x80)]))]
        let aAddress = IPv4Address(127, 80, net, 1)
        let a = try RawPeer(from: aAddress, toPort: port)
        let b = try RawPeer(from: IPv4Address(127, 80, net, 2), toPort: port)
        defer { a.close(); b.close() }
        try await a.establish(capabilities: grCaps)
        try await b.establish()
        let isEndOfRIB: @Sendable (BGPMessage) -> Bool = { if case .update(let u) = $0 { u.endOfRIB != nil } else { false } }
        #expect(try await b.receive(until: isEndOfRIB) != nil)

        let r1 = Routes.macIP(1), r2 = Routes.macIP(2)
        try a.send(.update(Routes.announce([r1, r2], Routes.attributes())))
        let announced: @Sendable (BGPMessage) -> Bool = { if case .update(let u) = $0 { u.reach != nil } else { false } }
        guard case .update(let first)? = try await b.receive(until: announced) else { Issue.record("B got no route"); return }
        #expect(Set(first.reach?.nlri ?? []) == [r1, r2])

        // A goes away without a NOTIFICATION: its routes are kept stale.
        a.close()
        var stale = 0
        for _ in 0..<50 where stale != 2 {
            if let id = await speaker.neighbors().first(where: { $0.address == "\(aAddress)" })?.peer { stale = await speaker.staleRoutes(id) }
            if stale != 2 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(stale == 2)
        #expect(await speaker.routeCount == 2)

        // A is back, re-announces r1 only, then End-of-RIB: r2 is withdrawn from B, r1 never was.
        let again = try RawPeer(from: aAddress, toPort: port)
        defer { again.close() }
        try await again.establish(capabilities: grCaps)
        try again.send(.update(Routes.announce([r1], Routes.attributes())))
        try again.send(.update(Update.endOfRIB(.l2vpnEVPN)))
        let withdrawal: @Sendable (BGPMessage) -> Bool = { if case .update(let u) = $0 { !u.unreach.isEmpty } else { false } }
        guard case .update(let w)? = try await b.receive(until: withdrawal) else { Issue.record("B got no withdrawal"); return }
        #expect(w.unreach == [r2])
        #expect(await speaker.routeCount == 1)
        await speaker.shutdown()
    }

    /// RFC 4724 §4.2: a peer back without the capability,
    /// without the Forwarding State bit, or without the family in it, loses
    /// its stale routes as soon as the session is up, not at End-of-RIB.
    @Test(arguments: [
        [Capability.multiprotocol(.l2vpnEVPN)],
        [.multiprotocol(.l2vpnEVPN), .gracefulRestart(GracefulRestart(restartTime: 60, families: [.init(.l2vpnEVPN, flags: 0)]))],
        [.multiprotocol(.l2vpnEVPN), .gracefulRestart(GracefulRestart(restartTime: 60, families: []))],
    ])
    func staleRoutesGoWhenThePeerReturnsWithoutForwardingState(_ returning: [Capability]) async throws {
        let net = UInt8.random(in: 10...250)
        let (speaker, port) = try await Self.speaker(accept: "127.82.\(net).0/24")
        let grCaps: [Capability] = [.multiprotocol(.l2vpnEVPN), .gracefulRestart(GracefulRestart(restartTime: 60, families: [.init(.l2vpnEVPN, flags: 0x80)]))]
        let aAddress = IPv4Address(127, 82, net, 1)
        let a = try RawPeer(from: aAddress, toPort: port)
        let b = try RawPeer(from: IPv4Address(127, 82, net, 2), toPort: port)
        defer { a.close(); b.close() }
        try await a.establish(capabilities: grCaps)
        try await b.establish()
        let r1 = Routes.macIP(1), r2 = Routes.macIP(2)
        try a.send(.update(Routes.announce([r1, r2], Routes.attributes())))
        let announced: @Sendable (BGPMessage) -> Bool = { if case .update(let u) = $0 { u.reach != nil } else { false } }
        #expect(try await b.receive(until: announced) != nil)
        a.close()
        let kept = await eventually(5, every: .milliseconds(100)) {
            guard let id = await speaker.neighbors().first(where: { $0.address == "\(aAddress)" })?.peer else { return false }
            return await speaker.staleRoutes(id) == 2
        }
        #expect(kept)
        // Back, and silent: no End-of-RIB, no re-announcement. The routes go all the same.
        let again = try RawPeer(from: aAddress, toPort: port)
        defer { again.close() }
        try await again.establish(capabilities: returning)
        let withdrawal: @Sendable (BGPMessage) -> Bool = { if case .update(let u) = $0 { !u.unreach.isEmpty } else { false } }
        guard case .update(let w)? = try await b.receive(until: withdrawal) else { Issue.record("B got no withdrawal"); return }
        #expect(Set(w.unreach) == [r1, r2])
        #expect(await speaker.routeCount == 0)
        await speaker.shutdown()
    }

    /// A peer that does not come back within the restart time it announced loses its routes.
    @Test func restartTimerExpiryWithdraws() async throws {
        let net = UInt8.random(in: 10...250)
        let (speaker, port) = try await Self.speaker(accept: "127.81.\(net).0/24")
        let a = try RawPeer(from: IPv4Address(127, 81, net, 1), toPort: port)
        let b = try RawPeer(from: IPv4Address(127, 81, net, 2), toPort: port)
        defer { a.close(); b.close() }
        try await a.establish(capabilities: [.multiprotocol(.l2vpnEVPN),
                                             .gracefulRestart(GracefulRestart(restartTime: 1, families: [.init(.l2vpnEVPN)]))])
        try await b.establish()
        let r1 = Routes.macIP(1)
        try a.send(.update(Routes.announce([r1], Routes.attributes())))
        let announced: @Sendable (BGPMessage) -> Bool = { if case .update(let u) = $0 { u.reach != nil } else { false } }
        #expect(try await b.receive(until: announced) != nil)
        a.close()
        let withdrawal: @Sendable (BGPMessage) -> Bool = { if case .update(let u) = $0 { !u.unreach.isEmpty } else { false } }
        guard case .update(let w)? = try await b.receive(until: withdrawal) else { Issue.record("B got no withdrawal"); return }
        #expect(w.unreach == [r1])
        #expect(await speaker.routeCount == 0)
        // The dynamic peer is forgotten once its routes are gone.
        #expect(await speaker.neighbors().count == 1)
        await speaker.shutdown()
    }
}
