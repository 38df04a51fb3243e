import Foundation
import OpenFlowController
import Overlay
import Packets
import Testing
import TestSupport

/// The built agent on real Open vSwitch with two containers it knows only
/// from traffic (OVSDB gives their ports a VNI, nothing more): they are
/// gleaned while they talk, kept while their traffic flows through OVS
/// without packet-ins, and their flows go once they have been silent for
/// `gleaned-expiry`.
@Suite("swiftplane-agent: gleaned endpoints expire on real Open vSwitch", .serialized,
       .enabled(if: agentOVSTestsUnavailable == nil, Comment(rawValue: agentOVSTestsUnavailable ?? "")))
struct AgentExpiryOVSTests {
    static func config(database: String) -> String {
        """
        vtep: 10.66.0.1
        as: 65000
        log-level: debug
        gleaned-expiry: 2
        controller:
          listen: 127.0.0.1:6653
        bridges:
          - name: br0
            vxlan-port: 100
            ovsdb: unix:\(database)
        vnis:
          - vni: 10
        """
    }

    /// The forward-local flows (one per known local endpoint).
    static func delivered(_ sandbox: OVSSandbox) throws -> Int {
        let cookie = FlowCookie(.forwardLocal, vni: AgentOVSTests.vni).cookie
        return try AgentOVSTests.dump(sandbox).filter { $0.0.cookie == cookie }.count
    }

    @Test("gleaned while talking, kept while traffic flows, withdrawn 2 s after it stops")
    func expiry() async throws {
        let folder = try TemporaryFolder.create("agent-expiry")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configPath = folder.appendingPathComponent("agent.yaml").path
        let agentPath = try #require(Command.builtProduct("swiftplane-agent"))

        try OVSSandbox.with(hint: "agx") { sandbox in
            let database = try #require(sandbox.databaseSocket)
            try Self.config(database: database).write(toFile: configPath, atomically: true, encoding: .utf8)
            let a = try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: ["10.77.0.1/24"], ofport: 1)
            let b = try sandbox.addContainer("b", mac: "02:00:00:00:00:0b", addresses: ["10.77.0.2/24"], ofport: 2)
            for (port, container) in [("a", a), ("b", b)] {
                try sandbox.vsctl("set", "port", port, "external_ids:vni=10")
                // No IPv6 chatter (router solicitations, MLD): silence must be silence.
                _ = try Command.run("ip", ["netns", "exec", container.netns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"])
            }
            try sandbox.vsctl("add-port", sandbox.bridge, "vxlan0", "--", "set", "interface", "vxlan0", "type=vxlan",
                              "options:remote_ip=flow", "options:key=flow", "options:local_ip=10.66.0.1",
                              "ofport_request=\(AgentOVSTests.vxlanPort)")
            try sandbox.setController("tcp:127.0.0.1:6653")
            let agent = try NamespaceDaemon(netns: sandbox.name, [agentPath, "--config", configPath],
                                            log: folder.appendingPathComponent("agent.log"))
            defer { agent.stop() }
            #expect(try Self.delivered(sandbox) == 0)

            // Each pings the other for 5 s: both ARP requests reach the agent, both are gleaned.
            let pings = try [(a, "10.77.0.2"), (b, "10.77.0.1")].map { container, target in
                try NamespaceDaemon(netns: container.netns, ["ping", "-c", "25", "-i", "0.2", "-W", "1", target],
                                    log: folder.appendingPathComponent("ping-\(container.netns).log"))
            }
            defer { pings.forEach { $0.stop() } }
            var learned = false
            for _ in 0..<30 where !learned {
                learned = try Self.delivered(sandbox) == 2
                if !learned { usleep(100_000) }
            }
            #expect(learned, "not gleaned:\n\(agent.output)")
            // Past the expiry while the pings go on: still there (their
            // source flows count packets the agent never sees).
            usleep(3_000_000)
            #expect(try Self.delivered(sandbox) == 2, "expired while talking:\n\(agent.output)")
            for ping in pings { _ = ping.signal(SIGKILL, within: 2) }
            let silentSince = ContinuousClock.now

            // Silent now: gone after 2 s (+ one 0.5 s check, + OVS's stats push).
            var gone = false
            for _ in 0..<60 where !gone {
                gone = try Self.delivered(sandbox) == 0
                if !gone { usleep(100_000) }
            }
            #expect(gone, "still delivered after the silence:\n\(agent.output)")
            print("AgentExpiryOVSTests: flows gone \(ContinuousClock.now - silentSince) after the traffic stopped (expiry 2 s)")
            #expect(agent.output.contains("gleaned endpoint expired"))
        }
    }
}
