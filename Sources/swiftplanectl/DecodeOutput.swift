import ArgumentParser
import ExecutableSupport
import Foundation

/// How the stream `decode` commands finish: the JSON lines of the good
/// messages, then the first error (with its offset) on standard error and
/// exit status 1, so a pipeline sees both the data and the failure.
enum DecodeOutput {
    static func emit(_ result: (lines: [String], error: String?)) throws {
        for line in result.lines { print(line) }
        if let error = result.error {
            printError("swiftplanectl: " + error)
            throw ExitCode(1)
        }
    }

    /// The loop both stream decoders run: `next` makes the message at
    /// `offset` a JSON object (nil: no whole message left); the first error
    /// ends the lines, and bytes left at the end are a truncated message.
    static func lines(of what: String, consumed: () -> Int, pending: () -> Int,
                      next: (_ offset: Int) throws -> [String: Any]?) -> (lines: [String], error: String?) {
        var lines: [String] = []
        while true {
            let offset = consumed()
            do {
                guard let object = try next(offset) else { break }
                lines.append(OpenFlowJSON.serialise(object))
            } catch {
                return (lines, "bad \(what) message: \(error)")
            }
        }
        if pending() > 0 {
            return (lines, "truncated \(what) message at byte offset \(consumed()): \(pending()) bytes left, not a whole message")
        }
        return (lines, nil)
    }
}
