import AdminAPI
import ArgumentParser

struct Neighbor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reset a reflector's BGP session: hard (CEASE, a new session) or soft (routes asked for and sent again, the session stays).",
        discussion: """
            Examples:
              swiftplanectl neighbor 10.0.0.2 reset              # CEASE (administrative reset), then a new session
              swiftplanectl neighbor 10.0.0.2 soft-reset         # ROUTE-REFRESH to it, and our routes to it again
              swiftplanectl neighbor 10.0.0.2 soft-reset --direction in
            A client that dialled in is closed and dials again. Exit 1 when no
            such neighbour (or, for soft-reset, no Established session) exists.
            """
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case reset
        case softReset = "soft-reset"
    }

    @OptionGroup var options: AdminOptions

    @Argument(help: "The neighbour's address.")
    var name: String

    @Argument(help: "reset or soft-reset.")
    var action: Action

    @Option(help: "With soft-reset: in (ask for its routes), out (send ours again) or both.")
    var direction: String = "both"

    func validate() throws {
        guard ["in", "out", "both"].contains(direction) else { throw ValidationError("--direction: invalid value '\(direction)': expected in, out or both") }
        if action == .reset, direction != "both" { throw ValidationError("--direction is for soft-reset") }
    }

    func run() throws {
        let target = action == .reset ? adminTarget("/neighbor/reset", ["address": name])
            : adminTarget("/neighbor/soft-reset", ["address": name, "direction": direction])
        try options.act(target, defaultSocket: .routeReflectorDefault, as: NeighborActionReport.self) {
            "\($0.address): \($0.action), \($0.sessions) session\($0.sessions == 1 ? "" : "s")\n"
        }
    }
}
