import Foundation
import Testing
import TestSupport

/// swiftplane-agent's BMP against pmacct's pmbmpd: two agents (no switch
/// needed: static endpoints, no OVSDB) through swiftplane-rr; the first
/// reports its speaker (`bmp:` in its file). pmbmpd's JSON log must show
/// the agent's Initiation, the reflector session's and the Loc-RIB's Peer
/// Up, Statistics Reports whose Adj-RIB-In count is what the agent's admin
/// API says it received from the reflector (the other agent's routes
/// included), the Peer Down when the reflector goes, and the Termination.
@Suite(.serialized, .enabled(if: ["swiftplane-rr", "swiftplane-agent", "swiftplanectl"].allSatisfy { Command.builtProduct($0) != nil }
                        && PmbmpdCollector.available, "needs the built swiftplane-rr, swiftplane-agent, swiftplanectl and pmbmpd (apt install pmacct)"))
struct AgentBMPInteropTests {
    /// An agent's file: one bridge without OVSDB, one static endpoint, the reflector.
    static func agentConfiguration(host: Int, net: UInt8, reflectorPort: Int, folder: URL, extra: String) -> String {
        """
        vtep: 10.79.\(net).\(host)
        as: 65000
        router-id: 127.79.\(net).\(host)
        bgp-listen: 127.79.\(net).\(host):0
        route-reflectors: [{address: 127.79.\(net).1, port: \(reflectorPort)}]
        controller: {listen: '127.0.0.1:\(freeLoopbackPort())'}
        admin: {address: \(folder.appendingPathComponent("agent\(host).sock").path)}
        bridges: [{name: br0, vxlan-port: 100}]
        vnis: [{vni: 10}]
        endpoints: [{vni: 10, mac: '02:00:00:00:79:0\(host)', ips: [10.79.0.\(host)], port: 1}]
        \(extra)
        """
    }

    @Test func pmbmpdSeesTheAgentsReflectorSessionAndRoutes() async throws {
        let folder = try TemporaryFolder.create("swiftplane-agent-bmp")
        defer { try? FileManager.default.removeItem(at: folder) }
        let collector = try PmbmpdCollector(folder: folder)
        defer { collector.stop() }
        #expect(await collector.ready(), "pmbmpd: \(collector.daemon.output.suffix(500))")
        let collectorPort = collector.port

        let net = UInt8.random(in: 10...250)
        let reflector = "127.79.\(net).1", monitored = "127.79.\(net).2"
        let reflectorPort = freeLoopbackPort()
        let rr = try Daemon([Command.builtProduct("swiftplane-rr")!, "--as", "65000", "--router-id", reflector, "--listen", "\(reflector):\(reflectorPort)",
                             "--accept", "127.79.\(net).0/24", "--admin-socket", folder.appendingPathComponent("rr.sock").path],
                            log: folder.appendingPathComponent("rr.log"))
        defer { rr.stop() }
        var agents: [Daemon] = []
        defer { agents.forEach { $0.stop() } }
        for (host, extra) in [(2, "bmp: {collector: '127.0.0.1:\(collectorPort)', statistics-interval: 1}"), (3, "")] {
            let file = folder.appendingPathComponent("agent\(host).yaml")
            try Self.agentConfiguration(host: host, net: net, reflectorPort: reflectorPort, folder: folder, extra: extra)
                .write(to: file, atomically: true, encoding: .utf8)
            agents.append(try Daemon([Command.builtProduct("swiftplane-agent")!, "--config", file.path], log: folder.appendingPathComponent("agent\(host).log")))
        }
        let agent = agents[0]
        func logs() -> String { "agent:\n\(agent.output.suffix(1500))\nrr:\n\(rr.output.suffix(600))\npmbmpd:\n\(collector.daemon.output.suffix(400))" }

        let up = await eventually(20, every: .milliseconds(200)) {
            collector.has("init") && collector.has("peer_up", ["peer_ip": reflector, "peer_type": "0", "bgp_id": reflector, "peer_asn": "65000"])
                && collector.has("peer_up", ["peer_type": "3", "peer_ip": "0.0.0.0", "bgp_id": monitored])
        }
        #expect(up, "pmbmpd logged \(collector.events()); \(logs())")
        #expect(collector.events().contains { ($0["bmp_init_info_sysname"] as? String) == "swiftplane-agent \(monitored)" }, "\(collector.events().first ?? [:])")

        // What the agent received from the reflector, by its admin API, once the other agent's MAC is among it...
        let socket = folder.appendingPathComponent("agent2.sock").path
        func received() -> Int? {
            guard let out = try? Command.run(Command.builtProduct("swiftplanectl")!, ["neighbors", "--json", "--socket", socket]),
                  let rows = try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]],
                  let row = rows.first(where: { $0["address"] as? String == reflector }) else { return nil }
            return row["prefixesReceived"] as? Int
        }
        let learned = await eventually(20, every: .milliseconds(200)) {
            (try? Command.run(Command.builtProduct("swiftplanectl")!, ["routes", "--socket", socket]).stdout.contains("02:00:00:00:79:03")) == true
        }
        #expect(learned, "\(logs())")
        let count = try #require(received(), "\(logs())")
        #expect(count >= 1)
        // ...is the Adj-RIB-In count of the reflector peer's Statistics Reports (type 7); the Loc-RIB's (type 8) come too.
        let stats = await eventually(10, every: .milliseconds(200)) {
            collector.has("stats", ["peer_ip": reflector, "counter_type": "7", "counter_value": "\(count)"]) && collector.has("stats", ["peer_type": "3", "counter_type": "8"])
        }
        #expect(stats, "expected \(count) routes; pmbmpd logged \(collector.events().filter { $0["bmp_msg_type"] as? String == "stats" }.suffix(6))")

        rr.stop()
        #expect(await eventually(10, every: .milliseconds(200)) { collector.has("peer_down", ["peer_ip": reflector]) }, "pmbmpd logged \(collector.events().suffix(5))")
        #expect(agent.signal(SIGTERM, within: 5), "\(logs())")
        #expect(await eventually(5, every: .milliseconds(100)) { collector.has("term", ["bmp_term_info_reason": "Session administratively closed"]) },
                "pmbmpd logged \(collector.events().suffix(5))")
    }
}
