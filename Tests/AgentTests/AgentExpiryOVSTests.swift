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
    /// The forward-local flows (one per known local endpoint).
    static func delivered(_ sandbox: OVSSandbox) throws -> Int {
        let cookie = FlowCookie(.forwardLocal, vni: AgentOVSTests.vni).cookie
        return try AgentOVSTests.dump(sandbox).filter { $0.0.cookie == cookie }.count
    }

    @Test("gleaned while talking, kept while traffic flows, withdrawn 2 s after it stops")
    func expiry() async throws {
        try await AgentSandbox.with(hint: "agx") { fixture in
            let sandbox = fixture.sandbox
            let a = try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: ["10.77.0.1/24"], ofport: 1)
            let b = try sandbox.addContainer("b", mac: "02:00:00:00:00:0b", addresses: ["10.77.0.2/24"], ofport: 2)
            for (port, container) in [("a", a), ("b", b)] {
                try sandbox.vsctl("set", "port", port, "external_ids:vni=10")
                // No IPv6 chatter (router solicitations, MLD): silence must be silence.
                _ = try Command.run("ip", ["netns", "exec", container.netns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"])
            }
            try fixture.addVXLANPort(ofport: Int(AgentOVSTests.vxlanPort))
            let agent = try fixture.startAgent(configuration: fixture.configuration(ovsdb: true, """
                gleaned-expiry: 2
                vnis:
                  - vni: 10
                """))
            #expect(try Self.delivered(sandbox) == 0)
            // The bridge programmed before the traffic starts: the 3 s below are
            // for gleaning, not for a start-up slowed by a busy machine.
            let programmed = await eventually(30, every: .milliseconds(100)) { agent.output.contains("switch given its bridge's table") }
            try #require(programmed, "the agent never programmed the bridge:\n\(agent.output)")

            // Each pings the other for 5 s: both ARP requests reach the agent, both are gleaned.
            let pings = try [(a, "10.77.0.2"), (b, "10.77.0.1")].map { container, target in
                try fixture.start(["ping", "-c", "25", "-i", "0.2", "-W", "1", target], netns: container.netns,
                                  log: "ping-\(container.netns).log")
            }
            let learned = try await eventually(3, every: .milliseconds(100)) { try Self.delivered(sandbox) == 2 }
            #expect(learned, "not gleaned:\n\(agent.output)")
            // Past the expiry while the pings go on: still there (their
            // source flows count packets the agent never sees).
            usleep(3_000_000)
            #expect(try Self.delivered(sandbox) == 2, "expired while talking:\n\(agent.output)")
            for ping in pings { _ = ping.signal(SIGKILL, within: 2) }
            let silentSince = ContinuousClock.now

            // Silent now: gone after 2 s (+ one 0.5 s check, + OVS's stats push).
            let gone = try await eventually(6, every: .milliseconds(100)) { try Self.delivered(sandbox) == 0 }
            #expect(gone, "still delivered after the silence:\n\(agent.output)")
            print("AgentExpiryOVSTests: flows gone \(ContinuousClock.now - silentSince) after the traffic stopped (expiry 2 s)")
            #expect(agent.output.contains("gleaned endpoint expired"))
        }
    }
}
