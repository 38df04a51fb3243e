import Foundation

/// A daemon under test (the agent, the route reflector, a ping or tcpdump
/// left running), its output in a log file, optionally inside a network
/// namespace through `ip netns exec` (which execs: the pid is the daemon's).
/// `stop()` kills it by pid and reaps it; `deinit` does too, so a throwing
/// test leaves nothing behind.
public final class Daemon: @unchecked Sendable {
    // Only touched from the test's task.
    public let process = Process()
    public let log: URL

    public init(_ arguments: [String], netns: String? = nil, log: URL) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }  // the child holds its own copy
        if let netns {
            process.executableURL = URL(fileURLWithPath: Command.which("ip") ?? "/usr/sbin/ip")
            process.arguments = ["netns", "exec", netns] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
        }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// What it has written so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `seconds` for the exit; true when it exited.
    public func signal(_ signal: Int32, within seconds: Double) -> Bool {
        kill(process.processIdentifier, signal)
        let deadline = Date() + seconds
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return !process.isRunning
    }

    /// Ends it at once (SIGKILL: a test thread's children inherit blocked
    /// SIGTERM) and reaps it. Tests that check a graceful exit signal first.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
