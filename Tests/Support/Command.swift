import Foundation
import ProcessOutput

/// Runs an external program (an oracle such as `ovs-ofctl` or `tshark`) and
/// returns what it printed. The child is waited for, so none outlives a test.
public typealias CommandResult = ProcessOutput

public enum Command {
    /// Finds a program on PATH (and the usual sbin folders); nil when absent.
    public static func which(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/local/sbin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments`, feeding `input` on stdin.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> CommandResult {
        let url = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : (which(executable) ?? executable))
        return try ProcessOutput.run(url, arguments, input: input)
    }
}
