import Foundation

/// The built `swiftplane-agent` driving a private Open vSwitch: a temporary
/// folder for its configuration, logs and admin socket, an `OVSSandbox`, and
/// the daemons the test starts in the sandbox's namespace. `with` tears all
/// of it down whether the body returns or throws: every daemon by its pid,
/// then the sandbox (its OVS instance and namespaces), then the folder.
public final class AgentSandbox: @unchecked Sendable {
    // Only touched from the test's task.
    public let sandbox: OVSSandbox
    /// The test's folder: `agent.yaml`, the logs, `agent.sock`.
    public let folder: URL
    private var daemons: [Daemon] = []

    /// The built agent, or nil when `swift build` has not made it.
    public static let agentPath = Command.builtProduct("swiftplane-agent")

    /// Why an agent cannot run on real OVS here (no root, no OVS, no `ping`,
    /// no built agent), or nil when it can. Suites skip with that message.
    public static let unavailableReason: String? = OVSSandbox.unavailableReason
        ?? (Command.which("ping") == nil ? "ping is not installed (Tests/Tools/install-deps)" : nil)
        ?? (agentPath == nil ? "swiftplane-agent is not built (swift build)" : nil)

    /// Where the agent's admin API listens, when its configuration says so (`admin(socket)`).
    public var adminSocket: String { folder.appendingPathComponent("agent.sock").path }

    private init(sandbox: OVSSandbox, folder: URL) {
        self.sandbox = sandbox
        self.folder = folder
    }

    /// Runs `body` with a fresh folder and sandbox (`hint` names both) and
    /// removes everything afterwards.
    public static func with<T>(hint: String, _ body: (AgentSandbox) async throws -> T) async throws -> T {
        let folder = try TemporaryFolder.create("agent-\(hint)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await OVSSandbox.with(hint: hint) { sandbox in
            let fixture = AgentSandbox(sandbox: sandbox, folder: folder)
            defer { fixture.stopDaemons() }
            return try await body(fixture)
        }
    }

    /// Where `startReflector` listens, on the host's VTEP address.
    public static let reflectorPort = 11179

    /// The agent's YAML: VTEP `vtep`, AS 65000, debug log, the controller on
    /// `controllerListen` and bridge br0 with VXLAN port 100, reading this
    /// sandbox's OVSDB when `ovsdb`, its admin API on `adminSocket` when
    /// `admin`, BGP from the VTEP to `startReflector(on: vtep)` when
    /// `reflector`; then `rest` (VNIs, endpoints, timers...) as is.
    public func configuration(
        vtep: String = "10.66.0.1", ovsdb: Bool = false, admin: Bool = false, reflector: Bool = false,
        controllerListen: String = "127.0.0.1:6653", _ rest: String
    ) -> String {
        var lines = ["vtep: \(vtep)", "as: 65000", "log-level: debug"]
        if admin { lines += ["admin:", "  address: \(adminSocket)"] }
        if reflector {
            lines += ["bgp-listen: \(vtep):0", "route-reflectors:", "  - address: \(vtep)", "    port: \(Self.reflectorPort)"]
        }
        lines += ["controller:", "  listen: \(controllerListen)", "bridges:", "  - name: br0", "    vxlan-port: 100"]
        if ovsdb, let database = sandbox.databaseSocket { lines.append("    ovsdb: unix:\(database)") }
        return lines.joined(separator: "\n") + "\n" + rest
    }

    /// A flow-based VXLAN port `vxlan0` on the bridge (remote_ip and key from
    /// the flows), for tests without an underlay (`OVSSandbox.addVTEP` has one).
    public func addVXLANPort(localIP: String = "10.66.0.1", ofport: Int = 100) throws {
        try sandbox.vsctl("add-port", sandbox.bridge, "vxlan0", "--", "set", "interface", "vxlan0", "type=vxlan",
                          "options:remote_ip=flow", "options:key=flow", "options:local_ip=\(localIP)",
                          "ofport_request=\(ofport)")
    }

    /// A remote host's VTEP (GoBGP playing one): `address`/24 on the
    /// underlay's bridge itself, its MAC given to OVS so tunnels to it resolve.
    public func addRemoteVTEP(_ address: String, on underlay: OVSUnderlay) throws {
        _ = try Command.run("ip", ["-n", underlay.name, "addr", "add", "\(address)/24", "dev", "ul"])
        let mac = try Command.run("ip", ["netns", "exec", underlay.name, "cat", "/sys/class/net/ul/address"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try sandbox.appctl("tnl/neigh/set", "br-phy", address, mac)
    }

    /// Writes `configuration` to `agent.yaml`, points the bridge at the
    /// agent's controller (`controllerTarget`, as set-controller takes it) and starts the agent in the sandbox's
    /// namespace, logging to `agent.log`.
    public func startAgent(configuration: String, controllerTarget: String = "tcp:127.0.0.1:6653") throws -> Daemon {
        let path = folder.appendingPathComponent("agent.yaml").path
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        try sandbox.setController(controllerTarget)
        guard let agent = Self.agentPath else { throw NotBuilt(product: "swiftplane-agent") }
        return try start([agent, "--config", path], log: "agent.log")
    }

    /// swiftplane-rr in the sandbox's namespace on `address` (the host's VTEP,
    /// in a /24), accepting peers from that /24: the agent and a GoBGP on the
    /// underlay as a remote host. Its log is `rr.log`.
    public func startReflector(on address: String) throws -> Daemon {
        guard let reflector = Command.builtProduct("swiftplane-rr") else { throw NotBuilt(product: "swiftplane-rr") }
        let network = address.split(separator: ".").dropLast().joined(separator: ".")
        return try start([reflector, "--as", "65000", "--router-id", "\(network).254", "--listen", "\(address):\(Self.reflectorPort)",
                          "--accept", "\(network).0/24"], log: "rr.log")
    }

    /// Starts any daemon in `netns` (the sandbox's by default), logging to
    /// `log` in the folder; stopped by pid when `with` ends, if not before.
    public func start(_ arguments: [String], netns: String? = nil, log: String) throws -> Daemon {
        let daemon = try Daemon(arguments, netns: netns ?? sandbox.name, log: folder.appendingPathComponent(log))
        daemons.append(daemon)
        return daemon
    }

    /// Last started, first stopped: the agent before the reflector it talks to.
    private func stopDaemons() {
        for daemon in daemons.reversed() { daemon.stop() }
    }
}

/// A daemon to start that `swift build` has not made (suites check `unavailableReason` first).
struct NotBuilt: Error, CustomStringConvertible {
    var product: String
    var description: String { "\(product) is not built (swift build)" }
}
