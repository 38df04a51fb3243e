import Agent
import NIOCore
import Overlay
import Packets
import Testing
import TestSupport

@Suite("Duplicate MAC detection (RFC 7432 section 15.1), fed with time")
struct DuplicateMACTests {
    /// One sighting of a MAC's mobility sequence, `at` seconds after the start.
    struct Sighting: Sendable {
        var at: Int
        var sequence: UInt32
    }

    struct Case: NamedRow {
        var name: String
        var maximumMoves = 5
        var window = 180
        var sightings: [Sighting]
        /// Index of the sighting that freezes the MAC; nil: never frozen.
        var freezesAt: Int?
    }

    /// (seconds, sequence) pairs.
    static func seen(_ pairs: [(Int, UInt32)]) -> [Sighting] { pairs.map { Sighting(at: $0.0, sequence: $0.1) } }

    static let cases: [Case] = [
        Case(name: "5 moves in 50 s: tolerated (more than N freezes)",
             sightings: seen([(0, 0), (10, 1), (20, 2), (30, 3), (40, 4), (50, 5)]), freezesAt: nil),
        Case(name: "6 moves in 60 s: frozen at the 6th",
             sightings: seen([(0, 0), (10, 1), (20, 2), (30, 3), (40, 4), (50, 5), (60, 6), (70, 7)]), freezesAt: 6),
        Case(name: "7 moves spread over 7 minutes: never more than 3 in 180 s",
             sightings: seen([(0, 0), (70, 1), (140, 2), (210, 3), (280, 4), (350, 5), (420, 6), (490, 7)]), freezesAt: nil),
        Case(name: "the same sequence again (a refresh) is no move",
             sightings: seen([(0, 3), (1, 3), (2, 3), (3, 3), (4, 3), (5, 3), (6, 3), (7, 3)]), freezesAt: nil),
        Case(name: "a lower sequence (a stale route) is no move",
             sightings: seen([(0, 9), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8)]), freezesAt: nil),
        Case(name: "the first sighting at a high sequence is where the MAC is, not a move",
             maximumMoves: 1, sightings: seen([(0, 40), (5, 41)]), freezesAt: nil),
        Case(name: "N=1, M=10: the second move within 10 s freezes",
             maximumMoves: 1, window: 10, sightings: seen([(0, 0), (1, 1), (9, 2)]), freezesAt: 2),
        Case(name: "N=1, M=10: moves 10 s apart do not",
             maximumMoves: 1, window: 10, sightings: seen([(0, 0), (1, 1), (11, 2), (21, 3), (31, 4)]), freezesAt: nil),
        Case(name: "old moves leave the window: 5 early, pause, 5 late",
             sightings: seen([(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (200, 6), (201, 7), (202, 8), (203, 9), (204, 10)]),
             freezesAt: nil),
    ]

    @Test(arguments: cases)
    func detector(_ test: Case) {
        var detector = DuplicateMACDetector(settings: .init(maximumMoves: test.maximumMoves, window: .seconds(test.window)))
        let key = EndpointKey(vni: vni, mac: macA)
        let start = ContinuousClock.now
        var froze: [Int] = []
        for (index, sighting) in test.sightings.enumerated() {
            if let freeze = detector.observe(key, sequence: sighting.sequence, at: start + .seconds(sighting.at)) {
                froze.append(index)
                #expect(freeze.key == key && freeze.sequence == sighting.sequence)
                #expect(freeze.moves == test.maximumMoves + 1)
            }
        }
        // Reported once, however many moves follow.
        #expect(froze == (test.freezesAt.map { [$0] } ?? []))
        #expect(detector.isFrozen(key) == (test.freezesAt != nil))
        // Another MAC is not affected.
        #expect(!detector.isFrozen(EndpointKey(vni: vni, mac: macB)))
    }

    /// A MAC that bounces between here (gleaned) and a remote VTEP, each
    /// side outbidding the other; with N=4 our claim at the 5th move freezes
    /// it: from then on the agent advertises it unchanged (sequence 5) and
    /// stops raising the sequence, whatever the remote does.
    @Test func agentFreezesABouncingMAC() throws {
        let (bounced, remote, frame, tick) = try bouncedMAC()
        var agent = bounced
        let key = EndpointKey(vni: vni, mac: macA)
        #expect(agent.takeNewlyFrozen().map(\.key) == [key])
        #expect(agent.takeNewlyFrozen().isEmpty, "reported once")
        #expect(agent.frozenMACs.map(\.key) == [key])
        let pinned = agent.advertisements
        #expect(pinned.map(mobility) == [5])
        // The remote claims again, and the MAC shows up here again: no new
        // claim from us, and what we advertise does not change.
        agent.setReceivedRoutes(remoteRoutes(remote, sequence: 6), at: tick())
        _ = agent.handlePacketIn(packetIn(frame, port: 1), bridge: "br0", at: tick())
        #expect(agent.mobilitySequence(key) == 5)
        #expect(agent.advertisements == pinned)
        #expect(agent.takeNewlyFrozen().isEmpty)
        // A reload (the operator's corrective action) thaws it.
        agent.reconfigure(agent.settings)
        #expect(agent.frozenMACs.isEmpty)
    }

    /// An agent with N=4 whose macA has bounced until frozen (`bounce`), the
    /// remote side of the bounce, the frame it was gleaned from and the clock.
    func bouncedMAC() throws -> (AgentCore, Endpoint, ByteBuffer, () -> ContinuousClock.Instant) {
        var agent = core(duplicates: .init(maximumMoves: 4, window: .seconds(180)))
        let frame = try #require(try fixture("icmp-echo.pcap").first)
        let remote = Endpoint(vni: vni, mac: macA, location: .remote(vtep: remoteVTEP))
        let tick = SecondClock().tick
        bounce(&agent, remote: remote, frame: frame, tick: tick)
        return (agent, remote, frame, tick)
    }

    /// Moves: here (1), there (2), here (3), there (4), here (5: frozen with N=4).
    func bounce(_ agent: inout AgentCore, remote: Endpoint, frame: ByteBuffer, tick: () -> ContinuousClock.Instant) {
        let key = EndpointKey(vni: remote.vni, mac: remote.mac)
        agent.setReceivedRoutes(remoteRoutes(remote, sequence: 0), at: tick())
        for there: UInt32 in [2, 4] {
            _ = agent.handlePacketIn(packetIn(frame, port: 1), bridge: "br0", at: tick())
            #expect(agent.mobilitySequence(key) == there - 1)
            agent.setReceivedRoutes(remoteRoutes(remote, sequence: there), at: tick())
            #expect(agent.frozenMACs.isEmpty)
        }
        _ = agent.handlePacketIn(packetIn(frame, port: 1), bridge: "br0", at: tick())
    }

    /// `swiftplanectl clear dup-mac`: thawing the frozen MAC (and only a
    /// frozen one) lets it claim again: the next remote move is outbid.
    @Test func clearingAFrozenMACLetsItMoveAgain() throws {
        let (bounced, remote, frame, tick) = try bouncedMAC()
        var agent = bounced
        let key = EndpointKey(vni: vni, mac: macA)
        #expect(agent.frozenMACs.map(\.key) == [key])
        let other = EndpointKey(vni: vni, mac: EthernetAddress(0x02, 0, 0, 0, 0, 0x77))
        #expect(agent.thaw([other]).isEmpty, "not frozen: nothing to thaw")
        #expect(agent.thaw([key]) == [key])
        #expect(agent.frozenMACs.isEmpty)
        #expect(agent.thaw([key]).isEmpty, "thawed once")
        agent.setReceivedRoutes(remoteRoutes(remote, sequence: 6), at: tick())
        _ = agent.handlePacketIn(packetIn(frame, port: 1), bridge: "br0", at: tick())
        #expect(agent.mobilitySequence(key) == 7, "it claims again over the remote's 6")
    }
}

@Suite("Expiry of gleaned endpoints, fed with time")
struct GleanedExpiryTests {
    enum Event: Sendable {
        /// A packet-in from the endpoint (its first one gleans it).
        case packetIn(at: Int)
        /// Its source flow counted packets since the last reading.
        case traffic(at: Int)
        /// The expiry check; whether the endpoint is still there after it.
        case check(at: Int, present: Bool)
    }

    struct Case: NamedRow {
        var name: String
        var expiry: Int?
        var events: [Event]
    }

    static let cases: [Case] = [
        Case(name: "silent for 300 s: gone at 300, not at 299", expiry: 300,
             events: [.packetIn(at: 0), .check(at: 299, present: true), .check(at: 300, present: false)]),
        Case(name: "a packet-in refreshes it", expiry: 300,
             events: [.packetIn(at: 0), .packetIn(at: 200), .check(at: 400, present: true), .check(at: 500, present: false)]),
        Case(name: "traffic through its flow refreshes it", expiry: 300,
             events: [.packetIn(at: 0), .traffic(at: 250), .check(at: 300, present: true), .check(at: 549, present: true),
                      .check(at: 550, present: false)]),
        Case(name: "no expiry configured: stays", expiry: nil,
             events: [.packetIn(at: 0), .check(at: 1_000_000, present: true)]),
        Case(name: "gone, then seen again: gleaned anew", expiry: 10,
             events: [.packetIn(at: 0), .check(at: 10, present: false), .packetIn(at: 11), .check(at: 20, present: true)]),
    ]

    @Test(arguments: cases)
    func expiry(_ test: Case) throws {
        var agent = core(gleanedExpiry: test.expiry.map { .seconds($0) })
        let frame = try #require(try fixture("icmp-echo.pcap").first)
        let key = EndpointKey(vni: vni, mac: macA)
        let start = ContinuousClock.now
        for event in test.events {
            switch event {
            case let .packetIn(at):
                _ = agent.handlePacketIn(packetIn(frame, port: 1), bridge: "br0", at: start + .seconds(at))
            case let .traffic(at):
                agent.noteActivity(bridge: "br0", keys: [key], at: start + .seconds(at))
            case let .check(at, present):
                let expired = agent.expireSilent(at: start + .seconds(at))
                #expect(expired.map(\.key) == (present ? [] : [key]), "at \(at) s")
                #expect(agent.gleanedKeys(bridge: "br0").contains(key) == present, "at \(at) s")
                // Gone means: no route, and no flow forwards to it.
                #expect(agent.advertisements.isEmpty == !present, "at \(at) s")
                let state = try #require(agent.bridgeState("br0"))
                let forward = Pipeline.flows(for: state).entries.filter { $0.cookie == FlowCookie(.forwardLocal, vni: vni).cookie }
                #expect(forward.count == (present ? 1 : 0), "at \(at) s")
            }
        }
    }

    @Test("configured endpoints never expire")
    func configuredStay() {
        var agent = core(endpoints: [Endpoint(vni: vni, mac: macB, ipv4: [ipB], location: .local(port: 2))], gleanedExpiry: .seconds(1))
        #expect(agent.expireSilent(at: .now + .seconds(3600)).isEmpty)
        #expect(agent.localEndpoints.map(\.mac) == [macB])
    }
}

/// Instants one second apart, from now: each `tick` is the next.
final class SecondClock {
    private let start = ContinuousClock.now
    private var second = 0

    func tick() -> ContinuousClock.Instant {
        second += 1
        return start + .seconds(second)
    }
}
