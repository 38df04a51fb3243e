import Foundation
import TestSupport

extension OVSSandbox {
    /// Why the real-OVS controller tests cannot run here, or nil when they can.
    static let controllerTestsUnavailable: String? = unavailableReason
        ?? ["ping", "tcpdump"].first { Command.which($0) == nil }.map { "\($0) is not installed (Tests/Tools/install-deps)" }

    /// `dump-flows --no-stats`, one flow per line, sorted.
    func flowsWithoutStats() throws -> [String] {
        try ofctl("--no-stats", "dump-flows", bridge)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("OFPST_FLOW") }.sorted()
    }
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

    /// SIGKILL, because a child started from a test thread inherits its
    /// blocked signal mask (SIGTERM and SIGINT stay pending for ever); tcpdump
    /// runs with -U, so what it captured is already on disk.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
