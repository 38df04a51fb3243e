import Foundation

/// A private Open vSwitch instance in its own network namespace, driven by
/// `Tests/Tools/ovs-sandbox`. Every suite that needs real OVS uses it through
/// `OVSSandbox.with { sandbox in ... }`, which always tears the instance down.
///
/// Names are random per sandbox, so tests running in parallel (Swift Testing's
/// default) and other people's test runs on the same machine never collide.
public struct OVSSandbox: Sendable {
    /// The sandbox's name, which is also its network namespace.
    public let name: String
    /// The bridge made by `up` (datapath_type=netdev, fail_mode=secure, OF1.3 only).
    public let bridge: String
    /// `OVS_RUNDIR` and friends, as printed by `ovs-sandbox up`.
    public let environment: [String: String]

    /// The shell tool this wraps.
    public static let script: URL = Repository.root.appendingPathComponent("Tests/Tools/ovs-sandbox")

    /// Why sandboxes cannot run on this machine, or nil when they can. Tests
    /// use it to skip with that message.
    public static let unavailableReason: String? = {
        if getuid() != 0 { return "needs root (network namespaces); run the tests as root" }
        for tool in ["ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl", "ovs-appctl", "ip", "ethtool"]
        where Command.which(tool) == nil {
            return "\(tool) is not installed (Tests/Tools/install-deps installs it)"
        }
        return nil
    }()

    public static var isAvailable: Bool { unavailableReason == nil }

    /// Starts a sandbox. `hint` becomes part of the random name, to tell
    /// sandboxes apart in `ovs-sandbox list` and in logs.
    public static func start(hint: String = "t", bridge: String = "br0") throws -> OVSSandbox {
        try start(name: uniqueName(hint), bridge: bridge)
    }

    /// Starts a sandbox with this exact name (fails if it exists).
    public static func start(name: String, bridge: String) throws -> OVSSandbox {
        _ = removeStaleOnce
        let output = try run(["up", name, "--bridge", bridge])
        return OVSSandbox(name: name, bridge: bridge, environment: parseAssignments(output))
    }

    /// Runs `body` with a fresh sandbox and tears it down afterwards, whether
    /// `body` returns or throws.
    public static func with<T>(
        hint: String = "t", bridge: String = "br0", _ body: (OVSSandbox) throws -> T
    ) throws -> T {
        let sandbox = try start(hint: hint, bridge: bridge)
        defer { sandbox.stop() }
        return try body(sandbox)
    }

    /// The async form, for tests whose body awaits (a controller under test).
    public static func with<T>(
        hint: String = "t", bridge: String = "br0", _ body: (OVSSandbox) async throws -> T
    ) async throws -> T {
        let sandbox = try start(hint: hint, bridge: bridge)
        defer { sandbox.stop() }
        return try await body(sandbox)
    }

    /// Stops the daemons and anything still running in the sandbox's
    /// namespaces, and removes the namespaces and the private folder.
    /// Idempotent; failures are reported on stderr, never thrown, because it
    /// runs from `defer`.
    public func stop() {
        do { _ = try Self.run(["down", name]) } catch {
            FileHandle.standardError.write(Data("OVSSandbox: \(error)\n".utf8))
        }
    }

    /// Adds a "container": a namespace `<sandbox>-<name>` with `eth0` wired to
    /// the bridge by a veth pair whose OVS side is the port `name`
    /// (at most 15 characters). `addresses` are CIDRs, IPv4 or IPv6; `vlan`
    /// makes the port an access port of that VLAN (OVS tag).
    @discardableResult
    public func addContainer(
        _ name: String, mac: String? = nil, addresses: [String] = [], ofport: Int? = nil, mtu: Int? = nil,
        vlan: Int? = nil
    ) throws -> OVSContainer {
        var arguments = ["port", self.name, "\(self.name)-\(name)", "--port-name", name]
        if let mac { arguments += ["--mac", mac] }
        for address in addresses { arguments += ["--ip", address] }
        if let ofport { arguments += ["--ofport", String(ofport)] }
        if let mtu { arguments += ["--mtu", String(mtu)] }
        if let vlan { arguments += ["--tag", String(vlan)] }
        let fields = Self.parseAssignments(try Self.run(arguments))
        guard let port = fields["port"], let netns = fields["netns"], let ifname = fields["ifname"],
              let mac = fields["mac"], let ofport = fields["ofport"].flatMap({ Int($0) })
        else { throw OVSSandboxError(arguments: arguments, status: 0, message: "unexpected output \(fields)") }
        return OVSContainer(netns: netns, port: port, ofport: ofport, interface: ifname, mac: mac)
    }

    /// Gives the sandbox a VTEP on `underlay`: bridge br-phy holding
    /// `address` (a CIDR such as `10.9.9.1/24`) and a flow-based VXLAN port
    /// `vxlan0` (remote_ip=flow, key=flow) on the sandbox's bridge.
    @discardableResult
    public func addVTEP(on underlay: OVSUnderlay, address: String, mac: String? = nil, ofport: Int? = nil) throws -> OVSVTEP {
        var arguments = ["vtep", name, underlay.name, "--ip", address]
        if let mac { arguments += ["--mac", mac] }
        if let ofport { arguments += ["--ofport", String(ofport)] }
        let fields = Self.parseAssignments(try Self.run(arguments))
        guard let port = fields["port"], let vtep = fields["vtep"], let mac = fields["mac"],
              let ofport = fields["ofport"].flatMap({ Int($0) })
        else { throw OVSSandboxError(arguments: arguments, status: 0, message: "unexpected output \(fields)") }
        return OVSVTEP(port: port, ofport: ofport, address: vtep, mac: mac)
    }

    /// Points the bridge at a controller, e.g. `tcp:127.0.0.1:6653`. The
    /// address is inside the sandbox's namespace: run the controller with
    /// `ip netns exec <name>`. Do this before adding flows (OVS flushes the
    /// flow table when it goes from no controller to one).
    public func setController(_ target: String) throws {
        _ = try Self.run(["controller", name, target])
    }

    /// `ovs-ofctl -O OpenFlow13 ARGS` against this instance; its stdout.
    @discardableResult
    public func ofctl(_ arguments: String...) throws -> String { try Self.run(["ofctl", name] + arguments) }

    /// `ovs-vsctl ARGS` against this instance's database; its stdout.
    @discardableResult
    public func vsctl(_ arguments: String...) throws -> String { try Self.run(["vsctl", name] + arguments) }

    /// `ovs-vsctl` with the arguments in an array (a table of cases).
    @discardableResult
    public func vsctl(_ arguments: [String]) throws -> String { try Self.run(["vsctl", name] + arguments) }

    /// `ovs-appctl ARGS` against this instance's ovs-vswitchd; its stdout.
    @discardableResult
    public func appctl(_ arguments: String...) throws -> String { try Self.run(["appctl", name] + arguments) }

    /// A bridge's flows (the sandbox's own by default), one `ovs-ofctl dump-flows` line each (header dropped).
    public func dumpFlows(bridge: String? = nil) throws -> [String] {
        try ofctl("dump-flows", bridge ?? self.bridge)
            .split(separator: "\n")
            .filter { !$0.hasPrefix("OFPST_FLOW") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Runs a command inside the sandbox's own namespace (where the bridge and
    /// 127.0.0.1 of the controller live) and waits for it.
    public func exec(_ arguments: [String]) throws -> CommandResult {
        try Command.run("ip", ["netns", "exec", name] + arguments)
    }

    /// Starts a long-lived process (a controller under test, a listener)
    /// inside the sandbox's namespace, or a container's, without waiting for
    /// it. `stop()` ends whatever still runs there; the returned `Daemon`
    /// reaps it. Its output goes to `log` (a temporary file when nil).
    public func spawn(_ arguments: [String], in container: OVSContainer? = nil, log: URL? = nil) throws -> Daemon {
        try Daemon([Self.script.path, "exec", name] + (container.map { ["--container", $0.netns] } ?? []) + arguments, log: log)
    }

    /// The pids of ovsdb-server and ovs-vswitchd, from their pidfiles.
    public func daemonPIDs() -> [Int32] {
        guard let dir = environment["OVS_RUNDIR"] else { return [] }
        return ["ovsdb-server.pid", "ovs-vswitchd.pid"].compactMap { file in
            (try? String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// ovs-vswitchd's log, for a failing test's message.
    public func vswitchdLog() -> String {
        environment["SWIFTPLANE_OVS_LOG"].flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
    }

    /// How many times ovs-vswitchd's log says a controller connection of
    /// the bridge ended (closed by the controller, or dropped): a test that
    /// stops its controller waits for the next one before it looks at what
    /// the switch did about it.
    public func controllerDisconnects(bridge: String? = nil) -> Int {
        let prefix = "|rconn|", side = "\(bridge ?? self.bridge)<->"
        return vswitchdLog().split(separator: "\n").filter { line in
            line.contains(prefix) && line.contains(side)
                && (line.contains("connection closed by peer") || line.contains("connection dropped"))
        }.count
    }

    // MARK: - plumbing

    /// `sp-<hint>-<8 hex>`: random, so parallel tests need no coordination.
    public static func uniqueName(_ hint: String) -> String {
        let clean = String(hint.filter { $0.isLetter || $0.isNumber }.prefix(16))
        return "sp-\(clean.isEmpty ? "t" : clean)-\(String(UInt32.random(in: .min ... .max), radix: 16))"
    }

    /// Sandboxes left by a test process that crashed before its teardown ran;
    /// removed once per process, before the first start. Only sandboxes whose
    /// owner is dead are touched, so a concurrent run is never harmed.
    private static let removeStaleOnce: Void = {
        _ = try? run(["down-stale"])
    }()

    /// Where the script keeps one folder per sandbox.
    public static var stateDirectory: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["SWIFTPLANE_OVS_STATE"] ?? "/tmp/swiftplane-ovs")
    }

    /// Runs `ovs-sandbox ARGS` directly (e.g. `["down", name]`); its stdout,
    /// or an error carrying its stderr when it exits non-zero.
    @discardableResult
    public static func tool(_ arguments: [String]) throws -> String { try run(arguments) }

    /// Runs the script with this process as the owner of what it creates.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let result = try Command.run(
            "/usr/bin/env", ["SWIFTPLANE_OVS_OWNER=\(getpid())", script.path] + arguments)
        guard result.status == 0 else {
            throw OVSSandboxError(arguments: arguments, status: result.status, message: result.stderr)
        }
        return result.stdout
    }

    /// `KEY=VALUE` lines, with or without a leading `export `.
    static func parseAssignments(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            var line = Substring(line)
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return fields
    }
}

/// An underlay network shared by several sandboxes: a namespace holding one
/// Linux bridge that their VTEPs (`OVSSandbox.addVTEP`) plug into.
public struct OVSUnderlay: Sendable {
    public let name: String

    public static func start(hint: String = "ul") throws -> OVSUnderlay {
        let name = OVSSandbox.uniqueName(hint)
        try OVSSandbox.tool(["underlay", name])
        return OVSUnderlay(name: name)
    }

    /// Runs `body` with a fresh underlay, removed afterwards whatever happens.
    public static func with<T>(hint: String = "ul", _ body: (OVSUnderlay) throws -> T) throws -> T {
        let underlay = try start(hint: hint)
        defer { underlay.stop() }
        return try body(underlay)
    }

    /// The async form, for tests whose body awaits (waits on daemons with `eventually`).
    public static func with<T>(hint: String = "ul", _ body: (OVSUnderlay) async throws -> T) async throws -> T {
        let underlay = try start(hint: hint)
        defer { underlay.stop() }
        return try await body(underlay)
    }

    /// Removes the namespace (and with it every VTEP's underlay link). Idempotent.
    public func stop() {
        do { try OVSSandbox.tool(["down", name]) } catch {
            FileHandle.standardError.write(Data("OVSUnderlay: \(error)\n".utf8))
        }
    }
}

/// A sandbox's tunnel endpoint.
public struct OVSVTEP: Sendable, Hashable {
    /// The flow-based VXLAN port on the sandbox's bridge (`vxlan0`).
    public let port: String
    public let ofport: Int
    /// The VTEP's IPv4 address, without prefix length.
    public let address: String
    /// br-phy's MAC, the one remote VTEPs resolve `address` to.
    public let mac: String
}

/// A namespace wired to the sandbox's bridge.
public struct OVSContainer: Sendable, Hashable {
    /// The container's network namespace.
    public let netns: String
    /// The OVS port (the veth end in the sandbox's namespace).
    public let port: String
    /// The port's OpenFlow port number.
    public let ofport: Int
    /// The interface inside the container (`eth0`).
    public let interface: String
    /// The container interface's MAC address, `aa:bb:cc:dd:ee:ff`.
    public let mac: String

    /// Runs a command inside the container and waits for it.
    public func exec(_ arguments: [String]) throws -> CommandResult {
        try Command.run("ip", ["netns", "exec", netns] + arguments)
    }
}

/// `ovs-sandbox` failed: which command, its exit status and what it said.
public struct OVSSandboxError: Error, CustomStringConvertible {
    public let arguments: [String]
    public let status: Int32
    public let message: String

    public var description: String {
        "ovs-sandbox \(arguments.joined(separator: " ")) exited \(status): \(message)"
    }
}
