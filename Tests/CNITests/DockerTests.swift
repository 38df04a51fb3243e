import Foundation
import Testing
import TestSupport

/// Debian's docker.io: a private dockerd (its own data, exec root and socket,
/// no bridge, no iptables) in the OVS sandbox's namespace; two containers
/// with `--network none` joined by `deploy/add-container --docker`, pinging
/// through OVS on the agent's flows; `deploy/remove-container --docker`
/// withdraws one (its port and the agent's flows for it go).
@Suite(
    "Docker containers through deploy/add-container",
    .serialized,
    .enabled(if: Docker.unavailableReason == nil, Comment(rawValue: Docker.unavailableReason ?? ""))
)
struct DockerTests {

    @Test("docker run --network none + add-container --docker: ping through OVS; remove-container withdraws")
    func dockerContainers() async throws {
        try await AgentSandbox.with(hint: "dock") { agent in
            let sandbox = agent.sandbox
            try agent.addVXLANPort()
            let daemon = try agent.startAgent(configuration: agent.configuration(ovsdb: true, "vnis:\n  - vni: 10\n"))
            #expect(await eventually(20, every: .milliseconds(200)) { daemon.output.contains("flows synced") }, "\(daemon.output.suffix(2000))")

            // Short paths: unix socket paths are limited to 108 bytes.
            let root = URL(fileURLWithPath: "/tmp/spd-\(sandbox.name.suffix(8))")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            let socket = root.appendingPathComponent("d.sock").path
            // nsenter, not `ip netns exec`: dockerd needs the cgroup mounts
            // under /sys that `ip netns exec` hides by remounting /sys.
            let dockerd = try Daemon(withoutInheritedDescriptors(["/usr/bin/nsenter", "--net=/run/netns/\(sandbox.name)"]
                + Docker.arguments(root: root, socket: socket)), log: agent.folder.appendingPathComponent("dockerd.log"))
            func docker(_ arguments: String...) throws -> CommandResult {
                try Command.run(Docker.docker!, ["-H", "unix://\(socket)"] + arguments)
            }
            defer {
                _ = try? Command.run("sh", ["-c", "\(Docker.docker!) -H unix://\(socket) ps -aq | xargs -r \(Docker.docker!) -H unix://\(socket) rm -f"])
                // TERM lets dockerd stop the containerd it started; the sandbox's `down` ends anything left.
                _ = dockerd.signal(SIGTERM, within: 20)
                dockerd.stop()
            }
            #expect(await eventually(30, every: .milliseconds(200)) { (try? docker("info"))?.status == 0 }, "\(dockerd.output.suffix(2000))")
            let tar = try BusyboxImage.tarball(in: agent.folder)
            #expect(try docker("import", "-c", #"CMD ["/bin/sh"]"#, tar, "swiftplane-busybox:test").status == 0)

            let script = Repository.root.appendingPathComponent("deploy/add-container").path
            let remove = Repository.root.appendingPathComponent("deploy/remove-container").path
            let env = ["env", "OVS_RUNDIR=\(sandbox.environment["OVS_RUNDIR"] ?? "")", "DOCKER_HOST=unix://\(socket)",
                       "PATH=/usr/bin:/usr/sbin:/bin:/sbin"]
            let endpoints = [("d1", "02:42:c0:a8:00:02", "192.168.0.2"), ("d2", "02:42:c0:a8:00:03", "192.168.0.3")]
            for (name, mac, ip) in endpoints {
                let run = try docker("run", "-d", "--name", name, "--network", "none", "swiftplane-busybox:test", "/bin/sleep", "600")
                try #require(run.status == 0, "\(run.stderr)")
                let add = try sandbox.exec(env + [script, "--docker", name, "--vni", "10", "--mac", mac, "--ip", "\(ip)/24"])
                try #require(add.status == 0, "\(add.stderr)")
                #expect(add.stdout.contains("port=\(name)") && add.stdout.contains("ifname=eth1"))
            }
            #expect(await eventually(10, every: .milliseconds(200)) {
                let flows = (try? sandbox.dumpFlows().joined(separator: "\n")) ?? ""
                return flows.contains(endpoints[0].1) && flows.contains(endpoints[1].1)
            }, "\(daemon.output.suffix(2000))")
            let ping = try docker("exec", "d1", "ping", "-c", "3", "-i", "0.2", "-W", "2", "192.168.0.3")
            #expect(ping.stdout.contains("3 packets received"), "\(ping.stdout) \(ping.stderr)")

            // remove-container: the port and veth go; the agent withdraws d2's flows; a second run is a no-op.
            let removed = try sandbox.exec(env + [remove, "--docker", "d2"])
            #expect(removed.status == 0 && removed.stdout.contains("removed=port veth"), "\(removed.stdout) \(removed.stderr)")
            #expect(!(try sandbox.vsctl("list-ports", sandbox.bridge)).contains("d2"))
            #expect(await eventually(10, every: .milliseconds(200)) {
                let flows = (try? sandbox.dumpFlows().joined(separator: "\n")) ?? ""
                return !flows.contains(endpoints[1].1) && flows.contains(endpoints[0].1)
            })
            let again = try sandbox.exec(env + [remove, "--docker", "d2"])
            #expect(again.status == 0 && again.stdout.contains("removed=nothing"), "\(again.stdout) \(again.stderr)")
            #expect(try docker("exec", "d2", "ip", "link", "show", "eth1").status != 0)
        }
    }
}

/// Debian's docker.io: the daemon, its client, containerd.
enum Docker {
    static let dockerd = Command.which("dockerd")
    static let docker = FileManager.default.isExecutableFile(atPath: "/usr/bin/docker") ? "/usr/bin/docker" : Command.which("docker")

    static let unavailableReason: String? = AgentSandbox.unavailableReason
        ?? (dockerd == nil || docker == nil ? "dockerd or docker is not installed (Debian's docker.io; Tests/Tools/install-deps)" : nil)
        ?? (Command.which("containerd") == nil ? "containerd is not installed" : nil)
        ?? BusyboxImage.unavailableReason
        ?? probe()

    /// The capability itself: a private dockerd comes up and runs a
    /// `--network none` container from the busybox image; else why not.
    static func probe() -> String? {
        let root = URL(fileURLWithPath: "/tmp/spr-\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let socket = root.appendingPathComponent("d.sock").path
        let log = root.appendingPathComponent("dockerd.log")
        guard let daemon = try? Daemon(withoutInheritedDescriptors(arguments(root: root, socket: socket)), log: log) else {
            return "dockerd does not start"
        }
        defer {
            _ = daemon.signal(SIGTERM, within: 20)
            daemon.stop()
        }
        func docker(_ arguments: String...) -> CommandResult? { try? Command.run(Docker.docker!, ["-H", "unix://\(socket)"] + arguments) }
        let deadline = Date() + 30
        while docker("info")?.status != 0 {
            guard Date() < deadline, daemon.isRunning else {
                return "dockerd does not run here: \(daemon.output.split(separator: "\n").suffix(3).joined(separator: " | "))"
            }
            usleep(200_000)
        }
        guard let tar = try? BusyboxImage.tarball(in: root), docker("import", tar, "swiftplane-probe:test")?.status == 0 else {
            return "docker import fails"
        }
        let run = docker("run", "--rm", "--network", "none", "swiftplane-probe:test", "/bin/true")
        return run?.status == 0 ? nil : "docker cannot run a container here: \(run?.stderr ?? "")"
    }

    /// dockerd with its own data, exec root, pidfile and socket under `root`;
    /// no bridge, no iptables.
    static func arguments(root: URL, socket: String) -> [String] {
        [dockerd!, "--data-root", root.appendingPathComponent("data").path, "--exec-root", root.appendingPathComponent("x").path,
         "--pidfile", root.appendingPathComponent("d.pid").path, "-H", "unix://\(socket)", "--bridge", "none",
         "--iptables=false", "--ip6tables=false", "--ip-masq=false"]
    }
}
