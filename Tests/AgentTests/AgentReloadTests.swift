import Foundation
import Testing
import TestSupport

/// SIGHUP on the built agent: the command line's overrides survive a
/// reload, and a change only a restart can apply is named in the log.
@Suite(.serialized, .enabled(if: Command.builtProduct("swiftplane-agent") != nil, "swiftplane-agent is not built"))
struct AgentReloadTests {
    @Test("--log-level and --admin-socket outlive SIGHUP; a changed AS is named and left as it runs")
    func reloadKeepsOverridesAndNamesRestartOnlyChanges() async throws {
        try await AgentUnixSocketTests.withAgentFolder { folder, run in
            let agent = try run(["--log-level", "debug", "--admin-socket", "\(folder)/cli.sock"])
            defer { agent.stop() }
            #expect(await eventually(10) { agent.output.contains("controller listening") }, "\(agent.output)")

            // The file is unchanged: the reload must not see the flags as changes.
            kill(agent.pid, SIGHUP)
            #expect(await eventually(10) { agent.output.contains("configuration reloaded") }, "\(agent.output)")
            #expect(!agent.output.contains("need a restart"), "\(agent.output)")

            let path = "\(folder)/agent.yaml"
            let file = try String(contentsOfFile: path, encoding: .utf8)
            try file.replacingOccurrences(of: "as: 65000", with: "as: 65001").write(toFile: path, atomically: true, encoding: .utf8)
            kill(agent.pid, SIGHUP)
            #expect(await eventually(10) { agent.output.contains("need a restart") }, "\(agent.output)")
            // Only the AS: the flags' values are put back before the comparison.
            let warning = agent.output.split(separator: "\n").first { $0.contains("need a restart") } ?? ""
            #expect(warning.contains("settings=as ") && !warning.contains("log-level") && !warning.contains("admin"), "\(warning)")
            #expect(agent.isRunning)
            #expect(await eventually(10) { agent.output.components(separatedBy: "configuration reloaded").count == 3 }, "\(agent.output)")
        }
    }
}
