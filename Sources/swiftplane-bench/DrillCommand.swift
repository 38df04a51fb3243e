import Foundation

/// A command a drill runs beside its fault (a ping through the overlay, a
/// hostile peer): started at once, its few lines of output read when it ends.
/// The output goes to a file, not a pipe, so a chatty command never blocks.
final class DrillCommand: @unchecked Sendable {
    // Touched by the drill's one task only.
    private let process = Process()
    private let output: URL

    init(_ executable: String, _ arguments: [String]) throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("swiftplane-drill-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: output)
    }

    var isRunning: Bool { process.isRunning }

    /// The exit status, once `finish` has returned.
    var status: Int32 { process.terminationStatus }

    /// Waits for the end (polling, so the drill's task is not held) and returns what it printed.
    func finish() async throws -> String {
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }

    /// `ping -q -c COUNT -i 0.01 -W 2 ADDRESS` from inside a namespace, as the drills run it.
    static func ping(from namespace: String, to address: String, count: Int) throws -> DrillCommand {
        try DrillCommand("/usr/sbin/ip", ["netns", "exec", namespace, "ping", "-q", "-c", "\(count)", "-i", "0.01", "-W", "2", address])
    }

    /// Sent and received, from ping's summary ("1000 packets transmitted, 998 received, ...").
    static func pingCounts(_ text: String) -> (sent: Int, received: Int) {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("packets transmitted") }) else { return (0, 0) }
        let words = line.split(separator: " ")
        return (Int(words.first ?? "") ?? 0, Int(words.dropFirst(3).first ?? "") ?? 0)
    }
}
