import Foundation
import Testing
import TestSupport

/// `swiftplanectl neighbor NAME soft-reset|reset` against swiftplane-rr and a
/// GoBGP neighbour, whose own counters show what arrived: a ROUTE-REFRESH
/// for the soft reset (the session stays up), a NOTIFICATION for the hard one.
@Suite(.enabled(if: Built.rr != nil && Built.ctl != nil && GoBGPDaemon.available, "needs the built swiftplane-rr and swiftplanectl, and gobgpd"))
struct NeighborActionTests {
    /// GoBGP's message counters for its neighbour `peer`, received side.
    static func received(_ gobgp: GoBGPDaemon, _ peer: String) -> [String: Int] {
        guard let out = try? gobgp.cli(["neighbor", peer, "-j"]).stdout,
              let json = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any],
              let state = json["state"] as? [String: Any], let messages = state["messages"] as? [String: Any],
              let received = messages["received"] as? [String: Any] else { return [:] }
        return received.compactMapValues { $0 as? Int }
    }

    @Test func softResetAsksForRoutesAndResetClosesTheSession() async throws {
        let folder = try TemporaryFolder.create("swiftplane-neighbor")
        defer { try? FileManager.default.removeItem(at: folder) }
        let net = UInt8.random(in: 10...250)
        let rrAddress = "127.79.\(net).1", clientAddress = "127.79.\(net).2"
        let clientPort = freeLoopbackPort()
        let gobgp = try GoBGPDaemon(address: clientAddress, listenPort: clientPort, neighbors: [.init(address: rrAddress, passive: true)])
        defer { gobgp.stop() }
        let socket = folder.appendingPathComponent("rr.sock").path
        // Connect-retry 1 s: a gobgpd slow to listen (a busy machine) is dialled again at once, not after 30 s.
        let yaml = folder.appendingPathComponent("rr.yaml")
        try """
            as: 65000
            router-id: \(rrAddress)
            listen: \(rrAddress):\(freeLoopbackPort())
            neighbors: [{address: \(clientAddress), port: \(clientPort)}]
            timers: {connect-retry: 1}
            """.write(to: yaml, atomically: true, encoding: .utf8)
        let rr = try Daemon([Built.rr!, "--config", yaml.path, "--admin-socket", socket], log: folder.appendingPathComponent("rr.log"))
        defer { rr.stop() }
        #expect(await eventually(15, every: .milliseconds(200)) { rr.output.contains("established") }, "\(rr.output.suffix(600))")

        let soft = try Built.ctl(socket, ["neighbor", clientAddress, "soft-reset"])
        #expect(soft.status == 0 && soft.stdout == "\(clientAddress): soft-reset both, 1 session\n", "\(soft.stdout)\(soft.stderr)")
        #expect(await eventually(5, every: .milliseconds(100)) { Self.received(gobgp, rrAddress)["refresh"] == 1 }, "\(Self.received(gobgp, rrAddress))")
        #expect(Self.received(gobgp, rrAddress)["notification"] == nil, "a soft reset closed the session")

        let hard = try Built.ctl(socket, ["neighbor", clientAddress, "reset"])
        #expect(hard.status == 0 && hard.stdout == "\(clientAddress): reset, 1 session\n", "\(hard.stdout)\(hard.stderr)")
        #expect(await eventually(5, every: .milliseconds(100)) { Self.received(gobgp, rrAddress)["notification"] == 1 })
        let neighbors = try Built.ctl(socket, ["neighbors"])
        #expect(neighbors.stdout.contains("Cease / administrativeReset"), "\(neighbors.stdout)")

        let unknown = try Built.ctl(socket, ["neighbor", "10.9.9.9", "reset"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no neighbour 10.9.9.9"), "\(unknown.stderr)")
        let bad = try Built.ctl(socket, ["neighbor", clientAddress, "reset", "--direction", "in"])
        #expect(bad.status == 2 && bad.stderr.contains("--direction is for soft-reset"), "\(bad.stderr)")
    }
}
