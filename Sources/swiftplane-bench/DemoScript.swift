#if canImport(Glibc)
import Foundation

/// The demo as a drill drives it: its script (the topology's commands, such
/// as `restart NAME [--kill]`) and its state folder (pids/NAME.pid,
/// logs/NAME.log).
struct DemoScript {
    var script: String
    var state: String

    /// How many lines of a daemon's log hold `text`.
    func log(_ name: String, _ text: String) -> Int {
        let contents = (try? String(contentsOfFile: "\(state)/logs/\(name).log", encoding: .utf8)) ?? ""
        return contents.split(separator: "\n").filter { $0.contains(text) }.count
    }

    /// A daemon's pid, as the script recorded it.
    func pid(_ name: String) throws -> Int32 {
        let text = try String(contentsOfFile: "\(state)/pids/\(name).pid", encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw ScaleDrillFailure("pids/\(name).pid: '\(text)'") }
        return pid
    }

    /// Runs one of the script's commands to its end; a failure names it and what it said.
    /// (Its output to a file: a daemon it starts may hold what it inherited.)
    func run(_ arguments: String...) async throws {
        let command = try DrillCommand(script, arguments)
        let output = try await command.finish()
        guard command.status == 0 else { throw ScaleDrillFailure("\(script) \(arguments.joined(separator: " ")): \(output)") }
    }

    /// The script's own restart (a daemon, or a host's ovs-vswitchd and its tunnel neighbours).
    func restart(_ name: String, kill: Bool = false) async throws {
        if kill { try await run("restart", name, "--kill") } else { try await run("restart", name) }
    }
}
#endif
