import Foundation

extension Command {
    /// A daemon's `--config FILE --check-config` on `text`: the file is
    /// written in a new temporary folder, `daemon` run on it with `flags`
    /// after, and the folder removed. The file's path comes back with the
    /// result, for the messages that name it. With `killAfter`, the daemon
    /// runs under `timeout -s KILL`, so that a hang fails (status 137)
    /// instead of holding up the suite.
    public static func checkConfig(_ daemon: String, _ text: String, flags: [String] = [],
                                   killAfter seconds: Int? = nil) throws -> (file: String, result: CommandResult) {
        let folder = try TemporaryFolder.create("check-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("config.yaml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let arguments = ["--config", file, "--check-config"] + flags
        let result = if let seconds {
            try run("/usr/bin/timeout", ["-s", "KILL", "\(seconds)", daemon] + arguments)
        } else {
            try run(daemon, arguments)
        }
        return (file, result)
    }
}
