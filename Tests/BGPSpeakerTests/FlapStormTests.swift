import Foundation
import Testing
import TestSupport

/// One client's session flaps 50 times in 10 s (each time
/// a full session with 200 EVPN routes, then a drop), beside two real
/// GoBGP clients. The reflector must end with exactly the steady clients'
/// routes, and a second storm must not grow its memory any further.
@Suite(.serialized, .enabled(if: GoBGPDaemon.available && Command.builtProduct("swiftplane-rr") != nil && Command.which("python3") != nil,
                             "gobgpd/gobgp or python3 not installed, or swiftplane-rr not built"))
struct FlapStormTests {
    /// One storm; returns its summary and the most destinations the receiver
    /// (by its API port) held while the storm lasted, sampled every 250 ms.
    static func storm(port: Int, source: String, receiverAPI: Int) async throws -> (summary: String, most: Int) {
        let p = try HostilePeerTests.attack("127.0.0.1:\(port)", sources: "\(source)/32", connections: 50, seconds: 10,
                                            ["--modes", "flap", "--routes", "200"])
        var most = 0
        let deadline = Date() + 30
        while p.isRunning && Date() < deadline {
            most = max(most, destinations(apiPort: receiverAPI))
            try? await Task.sleep(for: .milliseconds(250))
        }
        return (await HostilePeerTests.summary(p, within: 30), most)
    }

    /// Destinations in a gobgpd's EVPN table, by its API port (Sendable, unlike the daemon object).
    static func destinations(apiPort: Int) -> Int {
        guard let out = try? Command.run(Command.which("gobgp") ?? "gobgp",
                                         ["-u", "127.0.0.1", "-p", "\(apiPort)", "global", "rib", "-a", "evpn", "-j"]),
              let json = try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] else { return 0 }
        return json.count
    }

    @Test func reflectorSettlesAfterAFlapStorm() async throws {
        let net = UInt8.random(in: 10...250)
        let setup = try ReflectorUnderAttack(prefix: "127.92.\(net)", arguments: ["--log-level", "error"])
        defer { setup.stop() }
        let (rr, originator, receiver, port) = (setup.reflector, setup.originator, setup.receiver, setup.port)
        #expect(try await eventually(30) { try originator.cli(ReflectorUnderAttack.route(1)).status == 0 })
        let steady = try await eventually(30) { try receiver.evpnRIB().count == 1 }
        try #require(steady, "the steady route never arrived: \(receiver.log.suffix(600))")

        var resident: [Int] = []
        for round in 1...2 {
            // Watch the receiver during the storm (and no longer): the flapping routes must really reach it.
            let (summary, most) = try await Self.storm(port: port, source: "127.92.\(net).9", receiverAPI: receiver.apiPort)
            print("storm \(round): \(summary); the receiver saw up to \(most) destinations")
            #expect(most > 100, "the storm's routes never reached the receiver")
            #expect(summary.contains("sessions established"), "\(summary)")
            // Settled: the flapping client's routes are gone, the steady one stays.
            let settled = try await eventually(20) { try receiver.evpnRIB().count == 1 }
            #expect(settled, "after storm \(round) the receiver holds \((try? receiver.evpnRIB().count) ?? -1) destinations")
            #expect(try receiver.evpnRIB().keys.contains { $0.contains("02:00:00:00:00:01") })
            #expect(rr.isRunning)
            resident.append(HostilePeerTests.residentKiB(rr.pid) ?? 0)
        }
        print("swiftplane-rr resident memory after each storm: \(resident.map { "\($0 / 1024) MiB" }.joined(separator: ", "))")
        // The second storm finds everything the first one needed already there.
        #expect(resident[1] - resident[0] < 4 * 1024, "memory grew by \((resident[1] - resident[0]) / 1024) MiB in the second storm")
    }
}
