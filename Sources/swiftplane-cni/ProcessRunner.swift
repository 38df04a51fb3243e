import Foundation
import ProcessOutput

/// Runs the plan's commands and the IPAM plugin as child processes.
enum ProcessRunner {
    /// Runs `arguments` (the program is looked up on PATH unless it has a /),
    /// feeding `input` on stdin, with `environment` (default: ours). A program
    /// that cannot be found or started is status 127 with the reason on stderr.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String]? = nil) -> ProcessOutput {
        guard let program = arguments.first, let path = locate(program) else {
            return ProcessOutput(status: 127, stdout: "", stderr: "\(arguments.first ?? ""): not found on PATH")
        }
        do {
            return try ProcessOutput.run(URL(fileURLWithPath: path), Array(arguments.dropFirst()), input: input.map { Data($0.utf8) },
                                         environment: environment)
        } catch {
            return ProcessOutput(status: 127, stdout: "", stderr: "\(path): \(error)")
        }
    }

    static func locate(_ program: String, in directories: [String]? = nil) -> String? {
        if program.contains("/") { return program }
        let dirs = directories ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(separator: ":").map(String.init)
        return dirs.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

extension ProcessOutput {
    var succeeded: Bool { status == 0 }
}
