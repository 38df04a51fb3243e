import AdminAPI
import ArgumentParser

struct BUM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bum",
        abstract: "Broadcast, multicast and unknown-unicast packets dropped per VNI (the drop flows' counters).",
        discussion: """
            swiftplane floods nothing: these frames stop at the first bridge.
            The figures are the packet counters of the drop flows, read from
            every connected switch.

            Examples:
              swiftplanectl bum
              swiftplanectl bum --json | jq '.[] | {vni, broadcastPackets}'
            """
    )

    @OptionGroup var options: AdminOptions

    func run() throws {
        try options.show("/bum", defaultSocket: .agentDefault, as: [BUMReport].self) { reports in
            TextTable("VNI", "BROADCAST", "MULTICAST", "UNKNOWN UNICAST", "BYTES", "SWITCHES", rows: reports) { r in
                ["\(r.vni)", "\(r.broadcastPackets)", "\(r.multicastPackets)", "\(r.unknownUnicastPackets)", "\(r.bytes)", "\(r.switches)"]
            }.render(empty: "no VNI configured")
        }
    }
}
