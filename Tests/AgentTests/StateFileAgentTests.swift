import Foundation
import Testing
import TestSupport

/// On the built agent: a state file with values out of
/// range never stops the agent; the file or the entry is refused with the
/// field and the value, and a restored endpoint on a port that is not in its
/// VNI today is dropped with a warning.
@Suite(.serialized, .enabled(if: Command.builtProduct("swiftplane-agent") != nil, "swiftplane-agent is not built"))
struct StateFileAgentTests {
    struct Case: NamedRow {
        var name: String
        /// Seconds since the epoch, or NOW.
        var savedAt: String
        var port: String = "1"
        /// Words of the warning the agent must log.
        var says: [String]
    }

    static let cases = [
        Case(name: "savedAt far in the past", savedAt: "-1e300", says: ["state file unreadable", "savedAt: -1e+300"]),
        Case(name: "savedAt far in the future", savedAt: "1e300", says: ["state file unreadable", "savedAt: 1e+300"]),
        Case(name: "a reserved port", savedAt: "NOW", port: "4294967294",
             says: ["state file entry left out", "port 4294967294: not a switch port number"]),
        Case(name: "a port not in the VNI today", savedAt: "NOW", port: "9",
             says: ["gleaned endpoint dropped", "port 9 is not a tenant port now"]),
    ]

    @Test(arguments: cases)
    func agentStartsAndSaysWhy(_ c: Case) async throws {
        try await AgentUnixSocketTests.withAgentFolder { folder, run in
            let config = "\(folder)/agent.yaml"
            try (String(contentsOfFile: config, encoding: .utf8) + "\nstate-file: \(folder)/state.json\n")
                .write(toFile: config, atomically: true, encoding: .utf8)
            try """
                {"version": 1, "savedAt": \(c.savedAt == "NOW" ? "\(Date().timeIntervalSince1970)" : c.savedAt), "gleaned": [{"bridge": "br0", "vni": 10, "mac": "02:00:00:00:00:01",
                 "ipv4": ["10.77.0.1"], "ipv6": [], "port": \(c.port), "silentSeconds": 1}]}
                """.write(toFile: "\(folder)/state.json", atomically: true, encoding: .utf8)
            let agent = try run([])
            defer { agent.stop() }
            #expect(await eventually(10) { agent.output.contains("controller listening") }, "\(agent.output)")
            let line = agent.output.split(separator: "\n").first { line in c.says.allSatisfy { line.contains($0) } }
            #expect(line != nil, "\(agent.output)")
            #expect(agent.isRunning, "\(agent.output)")
        }
    }
}
