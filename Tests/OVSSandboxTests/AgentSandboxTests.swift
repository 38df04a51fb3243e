import Foundation
import Testing
import TestSupport

/// `AgentSandbox`, the fixture of every agent-on-real-OVS suite: whatever
/// its body does, the daemons it started, the OVS instance, the namespaces
/// and the folder are gone once `with` returns.
@Suite(
    "agent sandbox fixture",
    .enabled(if: OVSSandbox.isAvailable, Comment(rawValue: OVSSandbox.unavailableReason ?? ""))
)
struct AgentSandboxTests {
    struct Failure: Error {}

    /// What a body started, to look for afterwards.
    struct Started {
        var daemons: [Int32]
        var ovs: [Int32]
        var namespaces: [String]
        var folder: URL
    }

    @Test("a body that throws leaves no daemon, OVS instance, namespace or folder behind", arguments: [false, true])
    func nothingLeftBehind(throwing: Bool) async throws {
        var started: Started?
        do {
            try await AgentSandbox.with(hint: "fix") { fixture in
                let container = try fixture.sandbox.addContainer("a", addresses: ["192.168.0.1/24"])
                let inHost = try fixture.start(["sleep", "300"], log: "host.log")
                let inContainer = try fixture.start(["sleep", "300"], netns: container.netns, log: "container.log")
                let found = Started(daemons: [inHost.pid, inContainer.pid],
                                    ovs: fixture.sandbox.daemonPIDs(), namespaces: [fixture.sandbox.name, container.netns],
                                    folder: fixture.folder)
                started = found
                #expect(found.ovs.count == 2)
                #expect((found.daemons + found.ovs).allSatisfy(ProcessState.isRunning))
                #expect(FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("host.log").path))
                if throwing { throw Failure() }
            }
            #expect(!throwing, "the body's error did not come through")
        } catch is Failure {
            #expect(throwing)
        }
        let s = try #require(started)
        let running = (s.daemons + s.ovs).filter(ProcessState.isRunning)
        #expect(running.isEmpty, "still running: \(running)")
        for netns in s.namespaces {
            #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(netns)"), "netns \(netns) left behind")
        }
        #expect(!FileManager.default.fileExists(atPath: s.folder.path), "folder left behind")
    }

    @Test("configuration: the fixed part, the sandbox's OVSDB and admin socket on request, then the rest")
    func configuration() async throws {
        try await AgentSandbox.with(hint: "cfg") { fixture in
            let plain = fixture.configuration("vnis: []")
            #expect(plain == """
                vtep: 10.66.0.1
                as: 65000
                log-level: debug
                controller:
                  listen: 127.0.0.1:6653
                bridges:
                  - name: br0
                    vxlan-port: 100
                vnis: []
                """)
            let database = try #require(fixture.sandbox.databaseSocket)
            let full = fixture.configuration(vtep: "10.9.6.1", ovsdb: true, admin: true, "vnis: []")
            #expect(full.hasPrefix("vtep: 10.9.6.1\n"))
            #expect(full.contains("admin:\n  address: \(fixture.adminSocket)\n"))
            #expect(full.contains("    vxlan-port: 100\n    ovsdb: unix:\(database)\n"))
            #expect(fixture.adminSocket.hasPrefix(fixture.folder.path))
        }
    }
}
