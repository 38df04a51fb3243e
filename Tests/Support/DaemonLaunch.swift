import Foundation

extension Process {
    /// Starts a daemon under test: `arguments[0]` with the rest, inside
    /// `netns` through `ip netns exec` (which execs, so the pid is the
    /// daemon's) when one is given; stdout and stderr to `output`, no stdin.
    public static func launchDaemon(_ arguments: [String], netns: String?, output: FileHandle) throws -> Process {
        let process = Process()
        if let netns {
            process.executableURL = URL(fileURLWithPath: Command.which("ip") ?? "/usr/sbin/ip")
            process.arguments = ["netns", "exec", netns] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
        }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
