import Foundation
import OpenFlow
import Overlay
import Packets
import Testing
import TestSupport

/// The agent's controller keeps only digests of the flows it installed and
/// reads the whole table from the agent when it must compare the switch's
/// dump with it. On a real bridge: flows deleted and changed by hand are put
/// back by the audit, and flows deleted while the switch was away are put
/// back on its reconnect, each exactly as they were.
@Suite("The agent's flow shadow on a real bridge: digests, the table read on demand", .serialized,
       .enabled(if: agentOVSTestsUnavailable == nil, Comment(rawValue: agentOVSTestsUnavailable ?? "")))
struct AgentShadowOVSTests {
    static let tenant = "flow-audit-interval: 1\n" + AgentSandbox.tenants([.a, .b])

    /// `ovs-ofctl dump-flows` lines without their counters and ages, sorted.
    static func flows(_ sandbox: OVSSandbox) throws -> [String] {
        let counters = try NSRegularExpression(pattern: "(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*, ?")
        return try sandbox.dumpFlows().map { line in
            counters.stringByReplacingMatches(in: line, range: NSRange(line.startIndex..., in: line), withTemplate: "")
        }.sorted()
    }

    @Test("an audit repairs flows deleted and changed by hand; a reconnect puts back what went while away")
    func repairsFromTheAgentsTable() async throws {
        try await AgentSandbox.with(hint: "shd") { fixture in
            let sandbox = fixture.sandbox
            try sandbox.addContainer("a", mac: "\(AgentOVSTests.a.mac)", addresses: ["10.77.0.1/24"], ofport: 1)
            try sandbox.addContainer("b", mac: "\(AgentOVSTests.b.mac)", addresses: ["10.77.0.2/24"], ofport: 2)
            try fixture.addVXLANPort(ofport: 100)
            let agent = try fixture.startAgent(configuration: fixture.configuration(Self.tenant))
            let wanted = Pipeline.flows(for: BridgeState(vxlanPort: 100, ports: [1: AgentOVSTests.vni, 2: AgentOVSTests.vni],
                                                         endpoints: [AgentOVSTests.a, AgentOVSTests.b], addressResolutionRate: 100))
            let ready = await eventually(10, every: .milliseconds(100)) { ((try? Self.flows(sandbox)) ?? []).count == wanted.count }
            try #require(ready, "flows never reached the pipeline's \(wanted.count): \(agent.output.suffix(2000))")
            // An audit (every second) runs on the settled bridge and finds nothing to repair:
            // the next audit's own word (a debug line) that it found no drift.
            func audits() -> Int { agent.output.components(separatedBy: "audit: no drift").count - 1 }
            let auditsBefore = audits()
            #expect(await eventually(10, every: .milliseconds(100)) { audits() > auditsBefore },
                    "no audit on the settled bridge: \(agent.output.suffix(2000))")
            let installed = try Self.flows(sandbox)
            #expect(installed.count == wanted.count)
            #expect(!agent.output.contains("drifted"), "\(agent.output.suffix(2000))")

            // By hand: the ARP responders deleted, the local forwarding flows changed to drop.
            let responder = FlowCookie(.arpResponder, vni: AgentOVSTests.vni).cookie
            let forward = FlowCookie(.forwardLocal, vni: AgentOVSTests.vni).cookie
            try sandbox.ofctl("del-flows", sandbox.bridge, "cookie=0x\(String(responder, radix: 16))/-1")
            try sandbox.ofctl("mod-flows", sandbox.bridge, "cookie=0x\(String(forward, radix: 16))/-1,actions=drop")
            // (Not compared with `installed` here: the next audit, due within
            // a second, may already have put them back; "drifted" below is
            // the audit's own word that it found them changed.)
            let repaired = await eventually(10, every: .milliseconds(100)) { (try? Self.flows(sandbox)) == installed }
            #expect(repaired, "the audit did not put the flows back: \(agent.output.suffix(3000))")
            #expect(agent.output.contains("drifted"), "\(agent.output.suffix(2000))")

            // The switch goes away; a flow goes while it is away; it comes back.
            try sandbox.vsctl("set-controller", sandbox.bridge, "tcp:127.0.0.1:1")
            try sandbox.ofctl("del-flows", sandbox.bridge, "cookie=0x\(String(responder, radix: 16))/-1")
            try sandbox.vsctl("set-controller", sandbox.bridge, "tcp:127.0.0.1:6653")
            let restored = await eventually(10, every: .milliseconds(100)) { (try? Self.flows(sandbox)) == installed }
            #expect(restored, "the reconnect did not put the flows back: \(agent.output.suffix(3000))")
            #expect(!agent.output.contains("no flow table for this switch"), "\(agent.output.suffix(2000))")
        }
    }
}
