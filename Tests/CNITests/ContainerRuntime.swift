import Foundation
import TestSupport

/// A tiny image for runtimes that cannot reach a registry: Debian's static
/// busybox and the applets the tests use, as a tarball to import.
enum BusyboxImage {
    static let busybox = "/bin/busybox"

    static var unavailableReason: String? {
        guard FileManager.default.isExecutableFile(atPath: busybox) else { return "\(busybox) is missing (Debian's busybox-static)" }
        // The image has no libc: the binary must be static.
        let file = (try? Command.run("ldd", [busybox]))?.stdout ?? ""
        return file.contains("=>") ? "\(busybox) is dynamically linked (install busybox-static)" : nil
    }

    /// Writes `rootfs.tar` (bin/busybox and its applets) into `folder`.
    static func tarball(in folder: URL) throws -> String {
        let root = folder.appendingPathComponent("rootfs")
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: busybox, toPath: bin.appendingPathComponent("busybox").path)
        for applet in ["sh", "ip", "ping", "sleep", "cat", "true"] {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        let tar = folder.appendingPathComponent("rootfs.tar").path
        let r = try Command.run("tar", ["-C", root.path, "-cf", tar, "."])
        guard r.status == 0 else { throw RuntimeError(message: "tar: \(r.stderr)") }
        return tar
    }
}

/// A command line that runs `arguments` as the child of a small supervisor
/// that undoes what a test runner's child inherits: descriptors above stderr
/// and blocked signals. Foundation's `Process` learns that a child exited
/// when the child's copy of a socket closes; podman's conmon and dockerd's
/// containerd outlive the command and would keep that copy open, so the test
/// would wait for them forever (the supervisor keeps it and exits with the
/// command). And runtimes hand the signal mask down to the container: busybox
/// `ping -i` paces itself with SIGALRM, which the test thread has blocked.
/// SIGTERM and SIGINT to the supervisor go to the command.
func withoutInheritedDescriptors(_ arguments: [String]) -> [String] {
    let script = """
        import signal, subprocess, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        child = subprocess.Popen(sys.argv[1:], close_fds=True)
        for s in (signal.SIGTERM, signal.SIGINT):
            signal.signal(s, lambda n, f: child.send_signal(n))
        sys.exit(child.wait())
        """
    return ["/usr/bin/python3", "-c", script] + arguments
}

struct RuntimeError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Rootful podman with the CNI network backend, private to one test: its own
/// storage, run folder, containers.conf and network folder, run inside the
/// OVS sandbox's network namespace (`nsenter --net`, so the host end of each
/// veth is where the sandbox's OVS is) with only the network namespace
/// changed (podman's mounts stay visible to its next call).
struct Podman {
    let folder: URL
    /// The network namespace podman runs in; nil: the test runner's.
    let netns: String?

    static let path = Command.which("podman")

    /// Why podman cannot run containers here, or nil. On this kind of host
    /// (cgroup v1 + a cgroup2 hierarchy with a controller, no systemd) crun
    /// refuses the hybrid layout and the default rlimits exceed the hard
    /// limits, so the tests use runc and explicit ulimits; both are checked.
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "rootful podman needs root" }
        guard path != nil else { return "podman is not installed (Tests/Tools/install-deps)" }
        guard Command.which("runc") != nil else { return "runc is not installed (podman here runs containers with runc)" }
        guard Command.which("conmon") != nil else { return "conmon is not installed" }
        if let reason = BusyboxImage.unavailableReason { return reason }
        return probe()
    }()

    /// The capability itself: a container from the busybox image runs
    /// (`run --rm --network none ... /bin/true`) with this configuration;
    /// else podman's own error.
    static func probe() -> String? {
        let folder = URL(fileURLWithPath: "/tmp/spq-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let podman = try make(folder: folder, netns: nil, plugin: "/bin/false")
            defer { podman.tearDown() }
            try podman.must("import", try BusyboxImage.tarball(in: folder), "localhost/swiftplane-probe:test")
            try podman.must("run", "--rm", "--network", "none", "localhost/swiftplane-probe:test", "/bin/true")
            return nil
        } catch {
            return "rootful podman cannot run a container here: \(error)"
        }
    }

    var conf: String { folder.appendingPathComponent("containers.conf").path }
    var networks: URL { folder.appendingPathComponent("cni") }
    var plugins: URL { folder.appendingPathComponent("cni-bin") }

    /// Writes containers.conf and links the plugin as `swiftplane` beside Debian's plugins.
    static func make(folder: URL, netns: String?, plugin: String) throws -> Podman {
        let p = Podman(folder: folder, netns: netns)
        try FileManager.default.createDirectory(at: p.networks, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: p.plugins, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: p.plugins.appendingPathComponent("swiftplane").path, withDestinationPath: plugin)
        try """
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["\(p.plugins.path)", "\(PluginFixture.cniPluginDirectory)"]
            network_config_dir = "\(p.networks.path)"
            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            """.write(toFile: p.conf, atomically: true, encoding: .utf8)
        return p
    }

    /// A network: a conflist with the swiftplane plugin alone.
    func addNetwork(name: String, configuration: String) throws {
        let list = #"{"cniVersion":"1.0.0","name":"\#(name)","plugins":[\#(configuration)]}"#
        try list.write(to: networks.appendingPathComponent("\(name).conflist"), atomically: true, encoding: .utf8)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> CommandResult { try run(arguments) }

    func run(_ arguments: [String]) throws -> CommandResult {
        let command = withoutInheritedDescriptors(
            ["env", "CONTAINERS_CONF=\(conf)"] + (netns.map { ["nsenter", "--net=/run/netns/\($0)"] } ?? []) + [Self.path!,
             "--root", folder.appendingPathComponent("root").path, "--runroot", folder.appendingPathComponent("run").path] + arguments)
        return try Command.run(command[0], Array(command.dropFirst()))
    }

    /// Runs, and throws with podman's stderr when it fails.
    @discardableResult
    func must(_ arguments: String...) throws -> String {
        let r = try run(arguments)
        guard r.status == 0 else { throw RuntimeError(message: "podman \(arguments.joined(separator: " ")): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every container removed (each network's CNI DEL runs), then the
    /// storage: nothing of this podman stays mounted or running.
    func tearDown() {
        _ = try? run("rm", "--force", "--all", "--time", "0")
        _ = try? run("system", "reset", "--force")
    }
}
