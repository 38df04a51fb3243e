import Foundation
import Testing
import TestSupport

/// Issue 6 proof 3: GoBGP clients with graceful restart keep the routes
/// reflected by `swiftplane-rr` while it is killed (-9) and restarted.
@Suite(.enabled(if: GoBGPDaemon.available && Command.builtProduct("swiftplane-rr") != nil,
                "gobgpd/gobgp not installed or swiftplane-rr not built: graceful restart interop skipped"))
struct GracefulRestartInteropTests {
    static func reflector(port: Int, net: UInt8) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Command.builtProduct("swiftplane-rr") ?? "swiftplane-rr")
        p.arguments = ["--as", "65000", "--router-id", "127.0.0.1", "--listen", "127.0.0.1:\(port)", "--accept", "127.89.\(net).0/24",
                       "--graceful-restart", "--restart-time", "60", "--log-level", "error",
                       // Not /run: the kill -9 leaves the socket file (the restart replaces it).
                       "--admin-socket", NSTemporaryDirectory() + "swiftplane-gr-\(port).sock"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// The receiver's paths for the MAC/IP route, with GoBGP's stale mark.
    static func macPaths(_ d: GoBGPDaemon) throws -> [(stale: Bool, path: [String: Any])] {
        try d.evpnRIB().values.flatMap { $0 }.filter { (($0["nlri"] as? [String: Any])?["type"] as? Int) == 2 }
            .map { (($0["stale"] as? Bool) ?? false, $0) }
    }

    @Test func routesSurviveKillAndRestartOfTheReflector() async throws {
        let net = UInt8.random(in: 10...250)
        let port = freeLoopbackPort()
        var rr = try Self.reflector(port: port, net: net)
        defer { rr.stop() }
        let originator = try GoBGPDaemon(address: "127.89.\(net).2", peer: "127.0.0.1", peerPort: port, gracefulRestart: 60)
        defer { originator.stop() }
        let receiver = try GoBGPDaemon(address: "127.89.\(net).3", peer: "127.0.0.1", peerPort: port, gracefulRestart: 60)
        defer { receiver.stop() }

        let macadv = ["macadv", "02:00:00:00:00:01", "10.0.0.1", "etag", "0", "label", "1001", "rd", "10.1.1.1:100",
                      "rt", "65000:1001", "encap", "vxlan", "nexthop", "10.1.1.1"]
        let added = try await GoBGPInteropTests.eventually(30) { try originator.cli(["global", "rib", "add", "-a", "evpn"] + macadv).status == 0 }
        #expect(added)
        let arrived = try await GoBGPInteropTests.eventually(30) { try Self.macPaths(receiver).map(\.stale) == [false] }
        #expect(arrived, "route not reflected: \(receiver.log.suffix(800))")
        guard arrived else { return }

        kill(rr.processIdentifier, SIGKILL)
        rr.waitUntilExit()
        // The session is gone; GoBGP keeps the path, marked stale.
        let stale = try await GoBGPInteropTests.eventually(10) { try Self.macPaths(receiver).map(\.stale) == [true] }
        #expect(stale, "after kill -9: \((try? Self.macPaths(receiver).map(\.path)) ?? [])")

        rr = try Self.reflector(port: port, net: net)
        // Back: re-learnt from the originator, re-reflected, End-of-RIB clears the stale mark.
        let refreshed = try await GoBGPInteropTests.eventually(40) { try Self.macPaths(receiver).map(\.stale) == [false] }
        #expect(refreshed, "after restart: \((try? Self.macPaths(receiver).map(\.path)) ?? []) \(receiver.log.suffix(800))")
    }
}
