import AdminAPI
import ArgumentParser

struct Neighbors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "BGP neighbours: state, uptime, prefixes received and sent, last error.",
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
            var table = TextTable("NEIGHBOR", "AS", "STATE", "UPTIME", "RCVD", "SENT", "LAST ERROR")
            for n in neighbors {
                table.add([n.port.map { "\(n.address):\($0)" } ?? n.address, "\(n.asn)", n.state + (n.dynamic ? " (dynamic)" : ""),
                           n.uptimeSeconds.map(duration) ?? "-", "\(n.prefixesReceived)", "\(n.prefixesSent)", n.lastError ?? "-"])
            }
            return table.render(empty: "no neighbours")
        }
    }
}
