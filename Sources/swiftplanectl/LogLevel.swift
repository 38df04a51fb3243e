import AdminAPI
import ArgumentParser

struct LogLevel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-level",
        abstract: "Show or set the daemon's log level while it runs (until it restarts; a reload keeps it).",
        discussion: """
            Examples:
              swiftplanectl log-level                        # show it
              swiftplanectl log-level debug --socket /run/swiftplane/agent.sock
            """
    )

    @OptionGroup var options: AdminOptions

    @Argument(help: "trace, debug, info, notice, warning, error or critical.")
    var level: String?

    static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    func validate() throws {
        if let level, !Self.levels.contains(level) {
            throw ValidationError("invalid level '\(level)': expected one of \(Self.levels.joined(separator: ", "))")
        }
    }

    func run() throws {
        if let level {
            try options.act("/log-level?level=\(level)", defaultSocket: .routeReflectorDefault, as: LogLevelReport.self) {
                "log level \($0.level) (was \($0.previous))\n"
            }
        } else {
            try options.show("/log-level", defaultSocket: .routeReflectorDefault, as: LogLevelReport.self) { "log level \($0.level)\n" }
        }
    }
}
