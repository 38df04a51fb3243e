import Foundation
import TestSupport

/// A private Open vSwitch in its own namespace, through Tests/Tools/ovs-sandbox
/// (userspace datapath, bridge br0, fail_mode=secure, OpenFlow13 only).
struct Sandbox {
    let name: String
    static let script = Repository.root.appendingPathComponent("Tests/Tools/ovs-sandbox").path

    /// Why real-OVS tests cannot run here, or nil when they can.
    static let unavailable: String? = {
        if getuid() != 0 { return "real-OVS tests need root (network namespaces)" }
        if !FileManager.default.isExecutableFile(atPath: script) { return "Tests/Tools/ovs-sandbox is missing" }
        for tool in ["ovs-vswitchd", "ovsdb-server", "ovs-ofctl", "ip", "ping", "tcpdump", "ethtool"] where Command.which(tool) == nil {
            return "\(tool) is not installed (Tests/Tools/install-deps)"
        }
        return nil
    }()

    static var enabled: Bool { unavailable == nil }

    init() throws {
        name = "sp-ctl-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        _ = try run(["up", name])
    }

    /// Runs the script with its output in files, not pipes: the OVS daemons
    /// it detaches inherit stdout and would hold a pipe open for ever.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sp-ctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.script)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            throw Failure("ovs-sandbox \(arguments.joined(separator: " ")): exit \(process.terminationStatus): \(stderr)")
        }
        return stdout
    }

    /// A container namespace on the bridge; returns its ofport.
    func port(_ container: String, ip: String, mac: String, ofport: Int) throws -> UInt32 {
        let out = try run(["port", name, container, "--ip", ip, "--mac", mac, "--ofport", "\(ofport)"])
        let line = out.split(separator: "\n").first { $0.hasPrefix("ofport=") }
        guard let value = line.flatMap({ UInt32($0.dropFirst("ofport=".count)) }) else { throw Failure("no ofport in \(out)") }
        return value
    }

    func setController(port: UInt16) throws { try run(["controller", name, "tcp:127.0.0.1:\(port)"]) }

    /// `ovs-ofctl -O OpenFlow13 --no-stats dump-flows br0`, one flow per line, sorted.
    func dumpFlows() throws -> [String] {
        try run(["ofctl", name, "-O", "OpenFlow13", "--no-stats", "dump-flows", "br0"])
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("OFPST_FLOW") }.sorted()
    }

    func ofctl(_ arguments: [String]) throws { try run(["ofctl", name] + arguments) }

    func down() { _ = try? run(["down", name]) }
}

/// A child process (ping, tcpdump) in a container namespace, stopped by pid.
final class Background: @unchecked Sendable {
    // Only touched from the test's task.
    let process = Process()
    private let output = Pipe()

    init(netns: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: Command.which("ip") ?? "/usr/sbin/ip")
        process.arguments = ["netns", "exec", netns] + arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Waits for the exit (killing it after `seconds`) and returns what it printed.
    func finish(within seconds: Double) -> String {
        let deadline = Date() + seconds
        while process.isRunning && Date() < deadline { usleep(20_000) }
        stop()
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
