import BGP
import BGPSpeaker
import Foundation
import NIOCore
import TestSupport
import Testing

/// RFC 2385 TCP MD5 signatures against GoBGP's auth-password, both ways: our
/// listening socket with a key per neighbour, and our dial to a listening
/// gobgpd. A peer with the wrong or no password must not get as far as a TCP
/// connection (the kernel drops its unsigned or badly signed segments), so
/// the speaker never even logs it as connected, let alone sends it an OPEN;
/// peers around it carry on.
@Suite(.enabled(if: GoBGPDaemon.available, "gobgpd/gobgp not installed (apt install gobgpd): interop test skipped"))
struct TCPMD5InteropTests {
    static let secret = "swiftplane-md5"
    /// Session states that need a TCP connection.
    static let connectedStates: Set<SessionState> = [.openSent, .openConfirm, .established]

    /// Every state the speaker reported per neighbour address, sampled every 100 ms for `seconds`
    /// or until `done` holds for what was seen.
    static func watch(_ speaker: Speaker, seconds: Double, until done: ([String: Set<SessionState>]) -> Bool = { _ in false })
        async -> [String: Set<SessionState>] {
        var seen: [String: Set<SessionState>] = [:]
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            for n in await speaker.neighbors() { seen[n.address, default: []].insert(n.state) }
            if done(seen) { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return seen
    }

    static func connectedLogs(_ logs: LogCapture, _ peer: IPv4Address) -> Int {
        logs.all.filter { $0.message == "connected" && $0.metadata["peer"] == "\(peer)" }.count
    }

    /// The listening side of each scenario: AS 65000 on 127.0.0.1 (a free
    /// port), each neighbour passive with its password, and the peers of
    /// `accept`; its log captured.
    static func listener(accept: [NeighborRange] = [], neighbors: [(IPv4Address, String)]) -> (Speaker, LogCapture) {
        let logs = LogCapture()
        let neighbors = neighbors.map { NeighborConfiguration(address: $0, peerAS: 65000, passive: true, password: $1) }
        let configuration = SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), listenHost: "127.0.0.1",
                                                 listenPort: 0, accept: accept, neighbors: neighbors)
        return (Speaker(configuration, logger: logs.logger), logs)
    }

    /// Starts `speaker`, one GoBGP dialling it from each address with its
    /// password, and checks that `admits` get Established and stay up while
    /// `refuses` never get as far as a TCP connection.
    static func expectListener(_ speaker: Speaker, _ logs: LogCapture, dialers: [(IPv4Address, String?)],
                               admits: [IPv4Address], refuses: [IPv4Address]) async throws {
        let port = try await speaker.start().port ?? 0
        // The same GoBGP set-up for each; only the addresses and passwords differ.
        let daemons = try dialers.map { address, password in
            try GoBGPDaemon(address: "\(address)", peer: "127.0.0.1", peerPort: port, password: password)
        }
        defer { for d in daemons { d.stop() } }
        var seen = await watch(speaker, seconds: 30) { seen in admits.allSatisfy { seen["\($0)"]?.contains(.established) == true } }
        for (address, daemon) in zip(dialers.map(\.0), daemons) where admits.contains(address) {
            #expect(seen["\(address)"]?.contains(.established) == true, "\(address): \(daemon.log.suffix(600))")
        }
        // The refused peers dial every second (connect-retry 1): five more seconds is several attempts each.
        seen.merge(await watch(speaker, seconds: 5)) { $0.union($1) }
        for refused in refuses {
            let states = seen["\(refused)"] ?? []
            #expect(states.isDisjoint(with: connectedStates), "\(refused) reached \(states)")
            #expect(connectedLogs(logs, refused) == 0, "\(refused) got a TCP connection")
        }
        // The good sessions stayed up throughout.
        let now = await speaker.neighbors()
        #expect(now.filter { $0.state == .established }.map(\.address).sorted() == admits.map { "\($0)" }.sorted(),
                "listener: not exactly \(admits) established at the end")
        await speaker.shutdown()
    }

    /// Four scenarios, each with its own speakers, GoBGP daemons and
    /// loopback /24, side by side: they wait mostly on GoBGP, which dials
    /// 5-9 s after its start and no sooner than every 5 s after a failure.
    /// One after another they took 41 s; together about as long as the
    /// longest. Every check is its own and names its scenario.
    @Test func signedSessions() async throws {
        var nets = Set<UInt8>()
        while nets.count < 4 { nets.insert(UInt8.random(in: 10...250)) }
        let n = Array(nets)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Self.listenerKeysPerNeighbour(net: n[0]) }
            group.addTask { try await Self.listenerKeyPerAcceptRange(net: n[1]) }
            group.addTask { try await Self.outgoingConnectionSigned(net: n[2]) }
            group.addTask { try await Self.reconfiguredPasswordReplacesTheKey(net: n[3]) }
            try await group.waitForAll()
        }
    }

    static func listenerKeysPerNeighbour(net: UInt8) async throws {
        let good = IPv4Address(127, 90, net, 2), wrong = IPv4Address(127, 90, net, 3)
        let missing = IPv4Address(127, 90, net, 4), unkeyed = IPv4Address(127, 90, net, 5)
        let (speaker, logs) = Self.listener(accept: [NeighborRange(IPv4Prefix(unkeyed, length: 32))],
                                            neighbors: [good, wrong, missing].map { ($0, Self.secret) })
        // The unkeyed address proves GoBGP without a password does connect where no key is asked for.
        try await Self.expectListener(speaker, logs, dialers: [(good, Self.secret), (wrong, "not-the-secret"), (missing, nil), (unkeyed, nil)],
                                      admits: [good, unkeyed], refuses: [wrong, missing])
    }

    /// An accept range with a password (TCP_MD5SIG_EXT, a prefix key): every
    /// peer of the range must sign with it, except a neighbour with a key of
    /// its own (a /32 is more specific and wins).
    static func listenerKeyPerAcceptRange(net: UInt8) async throws {
        let good = IPv4Address(127, 90, net, 2), wrong = IPv4Address(127, 90, net, 3)
        let missing = IPv4Address(127, 90, net, 4), ownKey = IPv4Address(127, 90, net, 5)
        let (speaker, logs) = Self.listener(accept: [NeighborRange(IPv4Prefix(IPv4Address(127, 90, net, 0), length: 28), password: Self.secret)],
                                            neighbors: [(ownKey, "its-own-key")])
        try await Self.expectListener(speaker, logs, dialers: [(good, Self.secret), (wrong, "not-the-secret"), (missing, nil),
                                                               (ownKey, "its-own-key")],
                                      admits: [good, ownKey], refuses: [wrong, missing])
    }

    static func outgoingConnectionSigned(net: UInt8) async throws {
        let gobgp = IPv4Address(127, 90, net, 1)
        let gobgpPort = freeLoopbackPort()
        // gobgpd listens and waits (passive) for two neighbours: the right password and a wrong one.
        let daemon = try GoBGPDaemon(address: "\(gobgp)", listenPort: gobgpPort, neighbors: [
            .init(address: "127.90.\(net).2", passive: true, password: Self.secret),
            .init(address: "127.90.\(net).3", passive: true, password: Self.secret),
        ])
        defer { daemon.stop() }
        var speakers: [(Speaker, LogCapture)] = []
        for (last, password) in [(UInt8(2), Self.secret), (3, "not-the-secret")] {
            let logs = LogCapture()
            var config = SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 90, net, last), listenHost: "127.90.\(net).\(last)",
                                              listenPort: 0, neighbors: [NeighborConfiguration(address: gobgp, port: gobgpPort, peerAS: 65000,
                                                                                              routeReflectorClient: false, password: password)])
            config.connectRetryTime = .seconds(1)
            let speaker = Speaker(config, logger: logs.logger)
            try await speaker.start()
            speakers.append((speaker, logs))
        }
        let good = await Self.watch(speakers[0].0, seconds: 30) { $0["\(gobgp)"]?.contains(.established) == true }
        #expect(good["\(gobgp)"]?.contains(.established) == true, "signed dial: \(daemon.log.suffix(600))")
        let bad = await Self.watch(speakers[1].0, seconds: 8)
        #expect((bad["\(gobgp)"] ?? []).isDisjoint(with: Self.connectedStates), "wrong password reached \(bad["\(gobgp)"] ?? [])")
        #expect(Self.connectedLogs(speakers[1].1, gobgp) == 0, "signed dial: the wrong key got a TCP connection")
        // Our dials with the wrong key failed (timed out or refused), several times.
        #expect(speakers[1].1.all.filter { $0.message == "connect failed" }.count >= 1, "signed dial: no failed dial with the wrong key")
        for (s, _) in speakers { await s.shutdown() }
    }

    /// SIGHUP's path: a neighbour's new password replaces its key on the
    /// listening socket, and the peer that was shut out gets in.
    static func reconfiguredPasswordReplacesTheKey(net: UInt8) async throws {
        let peer = IPv4Address(127, 90, net, 7)
        let (speaker, logs) = Self.listener(neighbors: [(peer, "old-secret")])
        let port = try await speaker.start().port ?? 0
        let client = try GoBGPDaemon(address: "\(peer)", peer: "127.0.0.1", peerPort: port, password: Self.secret)
        defer { client.stop() }
        let before = await Self.watch(speaker, seconds: 4)
        #expect((before["\(peer)"] ?? []).isDisjoint(with: Self.connectedStates), "old key: \(before)")
        #expect(Self.connectedLogs(logs, peer) == 0, "reconfigured: \(peer) got a TCP connection with the old key")
        await speaker.reconfigureNeighbors([NeighborConfiguration(address: peer, peerAS: 65000, passive: true, password: Self.secret)])
        let after = await Self.watch(speaker, seconds: 30) { $0["\(peer)"]?.contains(.established) == true }
        #expect(after["\(peer)"]?.contains(.established) == true, "new key: \(client.log.suffix(600))")
        await speaker.shutdown()
    }

    /// The daemon: a neighbour's `password` in swiftplane-rr's YAML reaches
    /// the listening socket. GoBGP signs its SYN, and an unkeyed Linux
    /// listener drops a signed segment, so Established shows the key was set.
    @Test(.enabled(if: ReflectorProcess.available, "swiftplane-rr not built"))
    func daemonTakesThePasswordFromItsConfiguration() async throws {
        let net = UInt8.random(in: 10...250)
        let port = freeLoopbackPort()
        let folder = try TemporaryFolder.create("swiftplane-rr-md5")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rr = try ReflectorProcess.start(port: port, """
            neighbors:
              - {address: 127.90.\(net).6, passive: true, password: "\(Self.secret)"}
            """, in: folder)
        defer { rr.stop() }
        let client = try GoBGPDaemon(address: "127.90.\(net).6", peer: "127.0.0.1", peerPort: port, password: Self.secret)
        defer { client.stop() }
        let up = try await eventually(30, every: .milliseconds(200)) { try client.cli(["neighbor"]).stdout.contains("Establ") }
        #expect(up, "GoBGP with the configured password: \(client.log.suffix(600))")
    }
}
