import AdminAPI
import ArgumentParser
import Foundation

struct Switches: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The OpenFlow switches connected to the agent: datapath id, address, connected since, ports.",
        discussion: """
            Examples:
              swiftplanectl switches
              swiftplanectl switches --json | jq '.[].ports[].name'
            """
    )

    @OptionGroup var options: AdminOptions

    func run() throws {
        try options.show("/switches", defaultSocket: .agentDefault, as: [SwitchReport].self) { switches in
            let format = ISO8601DateFormatter()
            return TextTable("DPID", "BRIDGE", "ADDRESS", "CONNECTED SINCE", "FLOWS", "PORTS", rows: switches) { s in
                [s.dpid.description, s.bridge ?? "-", s.address,
                 format.string(from: Date(timeIntervalSince1970: s.connectedSince)) + " (\(duration(s.connectedSeconds)))",
                 "\(s.flows)", s.ports.map { "\($0.number):\($0.name)" }.joined(separator: " ")]
            }.render(empty: "no switch connected")
        }
    }
}
