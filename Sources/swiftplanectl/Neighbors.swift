import AdminAPI
import ArgumentParser

struct Neighbors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "BGP neighbours: state, uptime, prefixes received and sent, last error, route targets imported (RFC 4684).",
        discussion: """
            Examples:
              swiftplanectl neighbors
              swiftplanectl neighbors --json | jq '.[] | select(.state != "Established")'
              swiftplanectl neighbors --socket /run/swiftplane/agent.sock   # the agent's sessions
            """
    )

    @OptionGroup var options: AdminOptions

    func run() throws {
        try options.show("/neighbors", defaultSocket: .routeReflectorDefault, as: [NeighborReport].self) { neighbors in
            // IMPORTS: "-" for a neighbour without route target constraint (it gets every route).
            var table = TextTable("NEIGHBOR", "AS", "STATE", "UPTIME", "RCVD", "SENT", "LAST ERROR", "IMPORTS")
            for n in neighbors {
                table.add([n.port.map { "\(n.address):\($0)" } ?? n.address, "\(n.asn)", n.state + (n.dynamic ? " (dynamic)" : ""),
                           n.uptimeSeconds.map(duration) ?? "-", "\(n.prefixesReceived)", "\(n.prefixesSent)", n.lastError ?? "-",
                           n.routeTargets.map { $0.isEmpty ? "none" : $0.joined(separator: ",") } ?? "-"])
            }
            return table.render(empty: "no neighbours")
        }
    }
}
