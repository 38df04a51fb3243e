import Foundation
import TestSupport

/// A daemon under test (the agent, the route reflector) run inside a
/// network namespace with `ip netns exec` (which execs: the pid is the
/// daemon's), its output in a log file; killed by pid when still running.
final class NamespaceDaemon: @unchecked Sendable {
    // Only touched from the test's task.
    let process: Process
    let log: URL
    private let handle: FileHandle

    /// `netns` nil: in this process's namespaces (a daemon that needs no network of its own).
    init(netns: String?, _ arguments: [String], log: URL) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        handle = try FileHandle(forWritingTo: log)
        process = try Process.launchDaemon(arguments, netns: netns, output: handle)
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `seconds` for the exit; true when it exited.
    func signal(_ signal: Int32, within seconds: Double) -> Bool {
        kill(process.processIdentifier, signal)
        let deadline = Date() + seconds
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return !process.isRunning
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? handle.close()
    }

    deinit { stop() }
}
