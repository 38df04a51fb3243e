import Foundation
import Testing
import TestSupport

/// The built agent with `controller.listen: unix:PATH`, no switch needed:
/// what it does with the socket file across a kill -9, a clean exit, and a
/// path that holds something else.
@Suite(.serialized, .enabled(if: Command.builtProduct("swiftplane-agent") != nil, "swiftplane-agent is not built"))
struct AgentUnixSocketTests {
    /// A short folder (sun_path is 107 bytes) with the config, the admin socket and the controller socket.
    static func withAgentFolder(_ body: (_ folder: String, _ run: (_ extraArguments: [String]) throws -> Daemon) async throws -> Void) async throws {
        var template = Array("/tmp/spa-XXXXXX".utf8CString)
        let folder = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let agent = try #require(Command.builtProduct("swiftplane-agent"))
        try """
            vtep: 10.66.0.1
            as: 65000
            controller:
              listen: unix:\(folder)/of.sock
            admin:
              address: \(folder)/admin.sock
            bridges:
              - name: br0
                vxlan-port: 100
            vnis:
              - vni: 10
            """.write(toFile: "\(folder)/agent.yaml", atomically: true, encoding: .utf8)
        var runs = 0
        try await body(folder) { extraArguments in
            runs += 1
            return try Daemon([agent, "--config", "\(folder)/agent.yaml"] + extraArguments,
                              log: URL(fileURLWithPath: "\(folder)/agent\(runs).log"))
        }
    }

    static func isSocket(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
    }

    @Test("a socket left by an agent killed with -9 is taken over by the next one, which removes it at SIGTERM")
    func staleSocketOfAKilledAgentIsReplaced() async throws {
        try await Self.withAgentFolder { folder, run in
            let socket = "\(folder)/of.sock"
            let first = try run([])
            defer { first.stop() }
            #expect(await eventually(10) { first.output.contains("controller listening") }, "\(first.output)")
            #expect(Self.isSocket(socket))
            #expect(first.signal(SIGKILL, within: 5))
            #expect(Self.isSocket(socket), "kill -9 leaves the file behind")

            let second = try run([])
            defer { second.stop() }
            #expect(await eventually(10) { second.output.contains("controller listening") }, "\(second.output)")
            #expect(second.output.contains("transport=unix") && second.output.contains("set-controller=unix:\(socket)"))
            #expect(second.signal(SIGTERM, within: 5))
            #expect(second.terminationStatus == 0, "\(second.output)")
            #expect(!FileManager.default.fileExists(atPath: socket), "SIGTERM left the socket file")
        }
    }

    @Test("a regular file at the socket path: the agent exits 1 naming it, and the file is kept")
    func regularFileIsRefused() async throws {
        try await Self.withAgentFolder { folder, run in
            let socket = "\(folder)/of.sock"
            try "not a socket".write(toFile: socket, atomically: true, encoding: .utf8)
            let agent = try run([])
            defer { agent.stop() }
            #expect(await eventually(10) { !agent.isRunning }, "\(agent.output)")
            #expect(agent.terminationStatus == 1)
            #expect(agent.output.contains("cannot listen"))
            #expect(agent.output.contains("controller on unix:\(socket): the path exists and is not a socket; not replacing it"),
                    "\(agent.output)")
            #expect(try String(contentsOfFile: socket, encoding: .utf8) == "not a socket")
        }
    }
}
