import BGP
import BGPSpeaker
import Logging
import Testing
import TestSupport

/// A peer that lets its output queue pass `maximumOutputQueue` is closed at
/// once, without waiting for what is queued to drain: the connection's
/// writer (`Connection.drain`) is let go, the dynamic neighbour forgotten,
/// and a shutdown after it does not wait for the queue.
struct OutputQueueTests {
    @Test("a peer whose queue passes max-output-queue is closed at once, and shutdown does not wait for it")
    func overflowingPeerIsClosed() async throws {
        let net = UInt8.random(in: 10...250)
        var logger = Logger(label: "test.queue")
        logger.logLevel = .critical
        var configuration = SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), listenHost: "127.0.0.1", listenPort: 0,
                                                 accept: [NeighborRange("127.81.\(net).0/24")].compactMap { $0 })
        configuration.maximumOutputQueue = 64 << 10
        let speaker = Speaker(configuration, logger: logger)
        let port = try await speaker.start().port ?? 0
        let peer = try RawPeer(from: IPv4Address(127, 81, net, 1), toPort: port)
        defer { peer.close() }
        try await peer.establish()
        let established = await eventually(5) { await speaker.neighbors().map(\.state) == [.established] }
        #expect(established)

        // One flush builds up to 256 KiB of NLRI for it: past the 64 KiB the queue may hold.
        let attributes = RouteAttributes(attributes: PathAttributes(Routes.attributes()), nextHop: IPv4Address(10, 1, 1, 1).bytes)
        await speaker.originate(Dictionary(uniqueKeysWithValues: (1...20_000).map { (Routes.macIP($0), attributes) }))
        let closed = await eventually(5) { await speaker.neighbors().isEmpty }
        let left = await speaker.neighbors()
        #expect(closed, "\(left)")
        // The peer reads what got out, then the end of the connection.
        var messages = 0
        while try await peer.receive() != nil { messages += 1 }
        #expect(messages < 20_000 / 100, "the whole table reached a peer over its queue: \(messages) messages")
        await speaker.shutdown()
    }
}
