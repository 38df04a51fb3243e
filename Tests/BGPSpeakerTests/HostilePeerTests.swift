import Foundation
import Testing
import TestSupport

/// Hostile BGP peers (Tests/Tools/hostile-peer: garbage, oversized
/// lengths, slowloris, idle and flooding connections, 11,000 of them from
/// inside and outside the accepted range) beside two real GoBGP clients.
/// The reflector must keep both sessions, keep reflecting, and stay small.
@Suite(.serialized, .enabled(if: GoBGPDaemon.available && Command.builtProduct("swiftplane-rr") != nil && Command.which("python3") != nil,
                             "gobgpd/gobgp or python3 not installed, or swiftplane-rr not built"))
struct HostilePeerTests {
    static let tool = Repository.root.appendingPathComponent("Tests/Tools/hostile-peer").path

    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
    }

    /// `Tests/Tools/hostile-peer` against `target` (`--modes` and the rest in `options`).
    static func attack(_ target: String, sources: String, connections: Int, seconds: Int, _ options: [String] = ["--concurrency", "500"]) throws -> Daemon {
        try Daemon(["/usr/bin/env", "python3", tool, "--target", target, "--protocol", "bgp", "--connections", "\(connections)",
                    "--sources", sources, "--seconds", "\(seconds)"] + options)
    }

    /// What the tool printed, once it has exited (`seconds` at most, then it is stopped); waits without holding a
    /// cooperative thread (a blocking wait would).
    static func summary(_ p: Daemon, within seconds: Double = 90) async -> String {
        await p.finish(within: seconds).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func reflectorServesItsPeersThroughAnAttack() async throws {
        let net = UInt8.random(in: 10...250)
        let setup = try ReflectorUnderAttack(prefix: "127.90.\(net)", arguments: ["--max-peers", "64"])
        defer { setup.stop() }
        let (rr, originator, receiver, port) = (setup.reflector, setup.originator, setup.receiver, setup.port)
        let route = { (n: Int) in ReflectorUnderAttack.route(n) }
        func reflected(_ mac: String) throws -> Bool {
            try receiver.evpnRIB().keys.contains { $0.contains(mac) }
        }
        #expect(try await eventually(30) { try originator.cli(route(1)).status == 0 })
        let first = try await eventually(30) { try reflected("02:00:00:00:00:01") }
        try #require(first, "no route reflected before the attack: \(receiver.log.suffix(600))")
        let before = try #require(Self.residentKiB(rr.pid))
        let downsBefore = rr.output.components(separatedBy: " down").count

        // 10,000 from outside the range (refused at once), 1,000 from inside
        // it, some of them from the clients' own addresses.
        let outside = try Self.attack("127.0.0.1:\(port)", sources: "127.91.\(net).0/24", connections: 10_000, seconds: 60)
        // Inside the range, slowloris and idle connections may hold a slot
        // until the 240 s OPEN hold timer (RFC 4271): stop after 20 s.
        let inside = try Self.attack("127.0.0.1:\(port)", sources: "127.90.\(net).0/24", connections: 1_000, seconds: 20)
        // During the attack a new route still crosses the reflector.
        #expect(try originator.cli(route(2)).status == 0)
        let second = try await eventually(30) { try reflected("02:00:00:00:00:02") }
        #expect(second, "no route reflected during the attack")
        let outsideSummary = await Self.summary(outside), insideSummary = await Self.summary(inside)
        print("outside the range: \(outsideSummary)\ninside the range: \(insideSummary)")
        #expect(outsideSummary.contains("10000 connections made") || outsideSummary.contains("refused"), "\(outsideSummary)")

        #expect(rr.isRunning, "swiftplane-rr died under attack")
        let after = try #require(Self.residentKiB(rr.pid))
        print("swiftplane-rr resident memory: \(before / 1024) MiB before, \(after / 1024) MiB after 11,000 hostile connections")
        #expect(after - before < 64 * 1024, "memory grew by \((after - before) / 1024) MiB")
        // Neither client's session went down: the reflector logged no "down" for them.
        let text = rr.output
        #expect(text.components(separatedBy: " down").count == downsBefore, "a good session went down:\n\(text.suffix(2000))")
        #expect(text.contains("connection refused: outside every accepted range"))
        // And both still work: a withdraw crosses too.
        #expect(try originator.cli(ReflectorUnderAttack.route(1, "del")).status == 0)
        #expect(try await eventually(20) { try !reflected("02:00:00:00:00:01") })
    }
}
