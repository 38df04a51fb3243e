import AdminAPI
import ArgumentParser

struct Endpoints: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The agent's endpoints, local and remote, and where each was learned (ovsdb, learned, static, bgp).",
        discussion: """
            Examples:
              swiftplanectl endpoints
              swiftplanectl endpoints --json | jq '.[] | select(.location == "remote")'
            """
    )

    @OptionGroup var options: AdminOptions

    func run() throws {
        try options.show("/endpoints", defaultSocket: .agentDefault, as: [EndpointReport].self) { endpoints in
            TextTable("VNI", "MAC", "IPS", "WHERE", "SOURCE", rows: endpoints) { e in
                let place = e.vtep.map { "vtep \($0)" } ?? [e.bridge, e.port.map { "port \($0)" }, e.portName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
                return ["\(e.vni)", e.mac, e.ips.isEmpty ? "-" : e.ips.joined(separator: ","), place, e.source.rawValue]
            }.render(empty: "no endpoints")
        }
    }
}
