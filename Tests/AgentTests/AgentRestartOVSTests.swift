import Foundation
import Overlay
import Testing
import TestSupport

/// Endpoints known only from their traffic survive a `kill -9` of the agent
/// through its state file: the new agent restores them before it touches
/// the switch, so its first reconcile deletes nothing. Without a state file
/// the same restart removes their flows (what the file is for).
@Suite("swiftplane-agent: gleaned endpoints across a restart", .serialized,
       .enabled(if: agentOVSTestsUnavailable == nil, Comment(rawValue: agentOVSTestsUnavailable ?? "")))
struct AgentRestartOVSTests {
    @Test("kill -9 and start again: with a state file the gleaned endpoints' flows stay; without one they go",
          arguments: [true, false])
    func gleanedEndpointsSurviveARestart(keepState: Bool) async throws {
        try await AgentSandbox.with(hint: "agr") { fixture in
            let sandbox = fixture.sandbox
            let a = try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: ["10.77.0.1/24"], ofport: 1)
            let b = try sandbox.addContainer("b", mac: "02:00:00:00:00:0b", addresses: ["10.77.0.2/24"], ofport: 2)
            // Tenant ports without attached-mac: a and b are known only by gleaning.
            for port in ["a", "b"] { try sandbox.vsctl("set", "port", port, "external_ids:vni=10") }
            try fixture.addVXLANPort(ofport: Int(AgentOVSTests.vxlanPort))
            let stateFile = fixture.folder.appendingPathComponent("state/agent-state.json").path
            let config = fixture.configuration(ovsdb: true, """
                state-file: \(keepState ? stateFile : "none")
                vnis:
                  - vni: 10
                """)
            let first = try fixture.startAgent(configuration: config)
            #expect(await eventually(20, every: .milliseconds(200)) { first.output.contains("flows synced") }, "\(first.output.suffix(2000))")
            // BUM-less: a's ARP for the unknown b is dropped, but gleans a; then b reaches a, and is gleaned.
            _ = try a.exec(["ping", "-c", "1", "-W", "1", "10.77.0.2"])
            let ping = try b.exec(["ping", "-c", "3", "-i", "0.2", "-W", "1", "10.77.0.1"])
            #expect(ping.stdout.contains("3 received"), "\(ping.stdout)\n\(first.output.suffix(2000))")
            #expect(await eventually(10, every: .milliseconds(200)) { (try? AgentExpiryOVSTests.delivered(sandbox)) == 2 },
                    "not gleaned:\n\(first.output.suffix(2000))")
            if keepState {
                #expect(await eventually(10, every: .milliseconds(200)) {
                    let text = (try? String(contentsOfFile: stateFile, encoding: .utf8)) ?? ""
                    return text.contains("02:00:00:00:00:0a") && text.contains("02:00:00:00:00:0b")
                }, "state file: \((try? String(contentsOfFile: stateFile, encoding: .utf8)) ?? "none")")
            }
            #expect(first.signal(SIGKILL, within: 5))

            let agentPath = try #require(AgentSandbox.agentPath)
            let second = try fixture.start([agentPath, "--config", fixture.folder.appendingPathComponent("agent.yaml").path],
                                           log: "agent-again.log")
            let synced = await eventually(20, every: .milliseconds(200)) { second.output.contains("flows synced") }
            #expect(synced, "\(second.output.suffix(3000))")
            let syncLine = second.output.split(separator: "\n").first { $0.contains("flows synced") }.map(String.init) ?? ""
            if keepState {
                #expect(second.output.contains("gleaned endpoints restored from the state file") && second.output.contains("restored=2"),
                        "\(second.output.suffix(3000))")
                #expect(syncLine.contains("deleted=0"), "\(syncLine)")
                #expect(try AgentExpiryOVSTests.delivered(sandbox) == 2)
            } else {
                #expect(!syncLine.contains("deleted=0"), "\(syncLine)")
                #expect(try AgentExpiryOVSTests.delivered(sandbox) == 0)
            }
        }
    }
}
