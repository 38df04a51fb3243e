import ArgumentParser
import Foundation

/// How the stream `decode` commands finish: the JSON lines of the good
/// messages, then the first error (with its offset) on standard error and
/// exit status 1, so a pipeline sees both the data and the failure.
enum DecodeOutput {
    static func emit(_ result: (lines: [String], error: String?)) throws {
        for line in result.lines { print(line) }
        if let error = result.error {
            FileHandle.standardError.write(Data(("swiftplanectl: " + error + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
