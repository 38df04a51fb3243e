import BGP
import BGPSpeaker
import Logging
import NIOCore
import Testing

/// SIGHUP's neighbour changes at the speaker: the removed neighbour gets
/// CEASE / peer de-configured, the added one appears, the kept one's session
/// is not reset.
struct NeighborReconfigurationTests {
    @Test func removedClosedAddedStartedKeptUntouched() async throws {
        let net = UInt8.random(in: 10...250)
        let kept = IPv4Address(127, 78, net, 1), removed = IPv4Address(127, 78, net, 2), added = IPv4Address(127, 78, net, 3)
        var logger = Logger(label: "test.reconfigure")
        logger.logLevel = .warning
        let neighbors = [kept, removed].map { NeighborConfiguration(address: $0, peerAS: 65000, passive: true) }
        let speaker = Speaker(SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), listenHost: "127.0.0.1",
                                                   listenPort: 0, neighbors: neighbors), logger: logger)
        let port = try await speaker.start().port ?? 0
        let a = try RawPeer(from: kept, toPort: port)
        let b = try RawPeer(from: removed, toPort: port)
        defer { a.close(); b.close() }
        try await a.establish()
        try await b.establish()
        let before = try #require(await speaker.neighbors().first { $0.address == "\(kept)" })
        #expect(before.state == .established)

        await speaker.reconfigureNeighbors([neighbors[0], NeighborConfiguration(address: added, peerAS: 65000, passive: true)])

        guard case .notification(let n)? = try await b.receive(until: { if case .notification = $0 { true } else { false } }) else {
            Issue.record("the removed neighbour got no NOTIFICATION"); return
        }
        #expect(n.error == .cease(.peerDeconfigured))
        let after = await speaker.neighbors()
        #expect(after.map(\.address).sorted() == ["\(kept)", "\(added)"].sorted())
        let still = try #require(after.first { $0.address == "\(kept)" })
        #expect(still.peer == before.peer)
        #expect(still.state == .established)
        // The kept session still answers: a KEEPALIVE, not a NOTIFICATION, is what it may get.
        try a.send(.keepalive)
        #expect(await speaker.neighbors().first { $0.address == "\(kept)" }?.state == .established)
        await speaker.shutdown()
    }
}
