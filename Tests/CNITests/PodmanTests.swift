import Foundation
import OVSDB
import Testing
import TestSupport

/// A real runtime calls the plugin: rootful podman (CNI backend) starts two
/// containers from a locally built busybox image on a swiftplane network; the
/// agent learns them from OVSDB and they ping each other through OVS on the
/// agent's flows; `podman rm` runs DEL, the port goes and the agent's flows
/// for that container go with it.
@Suite(
    "podman with the swiftplane CNI plugin",
    .serialized,
    .enabled(if: (PluginFixture.unavailableReason ?? Podman.unavailableReason) == nil,
             Comment(rawValue: PluginFixture.unavailableReason ?? Podman.unavailableReason ?? ""))
)
struct PodmanTests {
    @Test("podman run --network tenant10: containers ping through OVS; podman rm withdraws the endpoint")
    func podmanNetwork() async throws {
        try await AgentSandbox.with(hint: "pod") { agent in
            let f = PluginFixture(sandbox: agent.sandbox, folder: agent.folder)
            try agent.addVXLANPort()
            let config = PluginFixture.agentConfiguration(agent, vnis: [10])
            try config.write(toFile: f.agentConfigPath, atomically: true, encoding: .utf8)
            let daemon = try agent.startAgent(configuration: config)
            #expect(await eventually(20, every: .milliseconds(200)) { daemon.output.contains("flows synced") }, "\(daemon.output.suffix(2000))")

            // Short: podman refuses a runroot longer than 50 characters.
            let root = URL(fileURLWithPath: "/tmp/spp-\(agent.sandbox.name.suffix(8))")
            let podman = try Podman.make(folder: root, netns: agent.sandbox.name, plugin: try #require(PluginFixture.pluginPath))
            defer {
                podman.tearDown()
                try? FileManager.default.removeItem(at: root)
            }
            try podman.addNetwork(name: "tenant10", configuration: f.configuration())
            let tar = try BusyboxImage.tarball(in: agent.folder)
            try podman.must("import", "--change", #"CMD ["/bin/sh"]"#, tar, "localhost/swiftplane-busybox:test")

            let started = ContinuousClock.now
            var addresses: [String: String] = [:]
            var macs: [String: String] = [:]
            for name in ["web1", "web2"] {
                try podman.must("run", "-d", "--name", name, "--cap-add", "NET_RAW", "--network", "tenant10",
                                "localhost/swiftplane-busybox:test", "/bin/sleep", "600")
                addresses[name] = try podman.must("inspect", "-f", "{{.NetworkSettings.Networks.tenant10.IPAddress}}", name)
                macs[name] = try podman.must("inspect", "-f", "{{.NetworkSettings.Networks.tenant10.MacAddress}}", name)
            }
            let startup = ContinuousClock.now - started
            let ip1 = try #require(addresses["web1"]), ip2 = try #require(addresses["web2"])
            let mac1 = try #require(macs["web1"]), mac2 = try #require(macs["web2"])
            #expect(ip1.hasPrefix("192.168.10.") && ip2.hasPrefix("192.168.10.") && ip1 != ip2)

            // The agent learned both from OVSDB: their MACs are in its flows.
            #expect(await eventually(10, every: .milliseconds(200)) {
                let flows = (try? agent.sandbox.dumpFlows().joined(separator: "\n")) ?? ""
                return flows.contains(mac1) && flows.contains(mac2)
            }, "flows: \((try? agent.sandbox.dumpFlows().joined(separator: "\n")) ?? "")\n\(daemon.output.suffix(2000))")
            let ping = try podman.run("exec", "web1", "ping", "-c", "3", "-i", "0.2", "-W", "2", ip2)
            #expect(ping.stdout.contains("3 packets received"), "\(ping.stdout) \(ping.stderr)")
            let back = try podman.run("exec", "web2", "ping", "-c", "1", "-W", "2", ip1)
            #expect(back.stdout.contains("1 packets received"), "\(back.stdout) \(back.stderr)")
            // The MTU of the network configuration, inside the container.
            #expect(try podman.must("exec", "web1", "cat", "/sys/class/net/eth0/mtu") == "1450")

            // podman rm: CNI DEL; the port and the agent's flows for web2 go, web1's stay.
            let ports = try f.state().ports.filter { $0.hasPrefix("sp") }
            #expect(ports.count == 2)
            try podman.must("rm", "--force", "--time", "0", "web2")
            #expect(try f.state().ports.filter { $0.hasPrefix("sp") }.count == 1)
            #expect(await eventually(10, every: .milliseconds(200)) {
                let flows = (try? agent.sandbox.dumpFlows().joined(separator: "\n")) ?? ""
                return !flows.contains(mac2) && flows.contains(mac1)
            }, "web2's flows stay: \((try? agent.sandbox.dumpFlows().joined(separator: "\n")) ?? "")")
            #expect(try f.state().allocations == [ip1])
            print("podman: two containers started and attached in \(startup)")
        }
    }
}
