import AdminAPI
import ArgumentParser
import OpenFlow

struct Flows: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The flows the agent wants on each switch; with --live, compared with the switch's own dump, with counters.",
        discussion: """
            With --live each flow is: installed (as wanted), missing (wanted, not
            on the switch), different (on the switch otherwise), extra (ours by
            cookie, not wanted) or foreign (another cookie: left alone).

            Examples:
              swiftplanectl flows
              swiftplanectl flows --dpid 0000aabbccddeeff --live
              swiftplanectl flows --live --json | jq '.[].flows[] | select(.state != "installed")'
            """
    )

    @OptionGroup var options: AdminOptions

    @Option(help: "Only this switch: its datapath id in hex, as `swiftplanectl switches` prints it.")
    var dpid: String?

    @Flag(help: "Read the switch's flows and counters and compare.")
    var live = false

    /// `--dpid` read by the one type (`validate` refuses what it cannot read).
    private var datapath: DatapathID? { dpid.flatMap { DatapathID($0) } }

    func validate() throws {
        if let dpid, datapath == nil {
            throw ValidationError("--dpid: invalid value '\(dpid)': expected \(DatapathID.expected)")
        }
    }

    func run() throws {
        let target = adminTarget("/flows", ["dpid": datapath?.description, "live": live ? "1" : nil])
        try options.show(target, defaultSocket: .agentDefault, as: [FlowReport].self) { reports in
            var out = ""
            for report in reports {
                let counts = report.counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
                out += "switch \(report.dpid)" + (report.bridge.map { " (\($0))" } ?? "") + ": " + counts.joined(separator: ", ") + "\n"
                var table = report.live ? TextTable("STATE", "TABLE", "PRIO", "ROLE", "VNI", "PACKETS", "BYTES", "MATCH", "INSTRUCTIONS")
                    : TextTable("TABLE", "PRIO", "ROLE", "VNI", "MATCH", "INSTRUCTIONS")
                for f in report.flows {
                    let common = ["\(f.table)", "\(f.priority)", f.role ?? f.cookie, f.vni.map { "\($0)" } ?? "-"]
                    table.add(report.live
                        ? [f.state.rawValue] + common + [f.packets.map { "\($0)" } ?? "-", f.bytes.map { "\($0)" } ?? "-", f.match, f.instructions]
                        : common + [f.match, f.instructions])
                }
                out += table.render(empty: "no flows")
            }
            return out.isEmpty ? "no switch connected\n" : out
        }
    }
}
