import AdminAPI
import ArgumentParser

struct Neighbors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "BGP neighbours: state, uptime, prefixes received and sent, last error, route targets imported (RFC 4684); one in depth with NAME, its routes with adj-in or adj-out.",
        discussion: """
            Examples:
              swiftplanectl neighbors
              swiftplanectl neighbors 10.0.0.2          # capabilities, timers, graceful restart, prefixes per family, flaps
              swiftplanectl neighbors 10.0.0.2 adj-in   # every path it sent us (* best, S stale)
              swiftplanectl neighbors 10.0.0.2 adj-out  # every route we sent it, attributes as sent, FROM: whose path
              swiftplanectl neighbors --json | jq '.[] | select(.state != "Established")'
              swiftplanectl neighbors --socket /run/swiftplane/agent.sock   # the agent's sessions
            """
    )

    @OptionGroup var options: AdminOptions

    enum Table: String, ExpressibleByArgument, CaseIterable {
        case adjIn = "adj-in"
        case adjOut = "adj-out"
    }

    @Argument(help: "One neighbour's address: show it in depth.")
    var name: String?

    @Argument(help: "With NAME: adj-in (the routes it sent) or adj-out (the routes it was sent).")
    var table: Table?

    func run() throws {
        if let name, let table {
            try options.show(adminTarget("/neighbor/\(table.rawValue)", ["address": name]), defaultSocket: .routeReflectorDefault,
                             as: [RouteReport].self, table: Routes.table)
            return
        }
        if let name {
            try options.show(adminTarget("/neighbor", ["address": name]), defaultSocket: .routeReflectorDefault, as: NeighborDetailReport.self, table: Self.detail)
            return
        }
        try options.show("/neighbors", defaultSocket: .routeReflectorDefault, as: [NeighborReport].self) { neighbors in
            // IMPORTS: "-" for a neighbour without route target constraint (it gets every route).
            TextTable("NEIGHBOR", "AS", "STATE", "UPTIME", "RCVD", "SENT", "LAST ERROR", "IMPORTS", rows: neighbors) { n in
                [n.port.map { "\(n.address):\($0)" } ?? n.address, "\(n.asn)", n.state + (n.dynamic ? " (dynamic)" : ""),
                 n.uptimeSeconds.map(duration) ?? "-", "\(n.prefixesReceived)", "\(n.prefixesSent)", n.lastError ?? "-",
                 n.routeTargets.map { $0.isEmpty ? "none" : $0.joined(separator: ",") } ?? "-"]
            }.render(empty: "no neighbours")
        }
    }

    /// FRR's `show bgp neighbors A` in a few lines.
    static func detail(_ d: NeighborDetailReport) -> String {
        let n = d.neighbor
        let gr = d.gracefulRestart
        var lines = [
            "BGP neighbour \(n.port.map { "\(n.address):\($0)" } ?? n.address), AS \(n.asn)\(n.dynamic ? ", dynamic" : ""), router id \(d.peerRouterID ?? "-")",
            "  state \(n.state)" + (n.uptimeSeconds.map { ", up for \(duration($0))" } ?? "") + ", flaps \(d.flaps), last error \(n.lastError ?? "-")",
            "  families \(d.families.isEmpty ? "-" : d.families.joined(separator: ", "))",
            "  capabilities \(d.capabilities.isEmpty ? "-" : d.capabilities.joined(separator: ", "))",
            "  timers: hold \(d.holdTime.map(String.init) ?? "-") s, keepalive \(d.keepalive.map(String.init) ?? "-") s negotiated; "
                + "configured hold \(d.configuredHoldTime) s, keepalive \(d.configuredKeepalive.map { "\($0) s" } ?? "a third of hold"), connect retry \(d.connectRetrySeconds) s",
            "  graceful restart: ours \(gr.localRestartTime.map { "\($0) s" } ?? "off"), theirs \(gr.peerRestartTime.map { "\($0) s" } ?? "not offered")"
                + (gr.peerPreservedFamilies.isEmpty ? "" : " (forwarding kept: \(gr.peerPreservedFamilies.joined(separator: ", ")))")
                + ", stale routes \(gr.staleRoutes), End-of-RIB from \(gr.endOfRIBReceived.isEmpty ? "-" : gr.endOfRIBReceived.joined(separator: ", "))",
        ]
        if let imports = n.routeTargets { lines.append("  imports (RFC 4684) \(imports.isEmpty ? "none" : imports.joined(separator: ", "))") }
        let table = TextTable("  FAMILY", "RECEIVED", "SENT", rows: d.prefixes) { p in ["  " + p.family, "\(p.received)", "\(p.sent)"] }
        return lines.joined(separator: "\n") + "\n" + table.render(empty: "  no prefixes")
    }
}
