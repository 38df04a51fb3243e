import AdminAPI
import ArgumentParser
import Foundation

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow a packet from a local endpoint through the agent's flows: which flows it hits and where it ends.",
        discussion: """
            --from names a local endpoint by its OVS port name (c1), MAC or IP;
            --to is an IPv4 or MAC address. For an IP the ARP request is traced
            first, then the IPv4 packet to the MAC it resolves to. The walk uses
            the flows the agent wants (as `swiftplanectl flows` lists them); each
            packet ends with the command that asks Open vSwitch for its own view.

            Verdicts: answered by the ARP responder, output to local port N, into
            VXLAN VNI V towards VTEP A, flooded, to the controller, dropped as
            broadcast/multicast/unknown unicast (counted, see `swiftplanectl bum`).

            Examples:
              swiftplanectl trace --from c1 --to 192.168.0.3
              swiftplanectl trace --from 02:42:c0:a8:00:02 --to ff:ff:ff:ff:ff:ff --vni 10
              swiftplanectl trace --from 192.168.0.2 --vni 11 --to 192.168.0.4 --json | jq '.packets[].verdict'
            """
    )

    @OptionGroup var options: AdminOptions

    @Option(help: "The local endpoint: OVS port name, MAC or IP.")
    var from: String

    @Option(help: "The destination: IPv4 or MAC address.")
    var to: String

    @Option(help: "The VNI, when --from names endpoints in several.")
    var vni: UInt32?

    func validate() throws {
        if from.isEmpty { throw ValidationError("--from: must not be empty") }
        if to.isEmpty { throw ValidationError("--to: must not be empty") }
        try validateVNI(vni)
    }

    func run() throws {
        let target = adminTarget("/trace", ["from": from, "to": to, "vni": vni.map { "\($0)" }])
        try options.show(target, defaultSocket: .agentDefault, as: TraceReport.self, table: Self.render)
    }

    static func render(_ report: TraceReport) -> String {
        let f = report.from
        var out = "from \(f.portName ?? "port \(f.port)") (\(f.bridge) port \(f.port), VNI \(f.vni), \(f.mac)"
            + (f.ips.isEmpty ? "" : " " + f.ips.joined(separator: ",")) + ") to \(report.to)\n"
        for packet in report.packets {
            out += "\n\(packet.description)\n"
            let table = TextTable("TABLE", "PRIO", "FLOW", "ACTIONS", rows: packet.steps) { step in
                let flow = (step.role ?? step.cookie) + (step.vni.map { " vni \($0)" } ?? "")
                return ["\(step.table)", "\(step.priority)", flow, step.actions.joined(separator: ",")]
            }
            out += table.render(empty: "no flow matched").split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            for output in packet.outputs where output.kind == "controller" && packet.verdictKind != "controller" {
                out += "  (copied \(output.text))\n"
            }
            out += "  => \(packet.verdict)\n"
            out += "  ovs-appctl ofproto/trace \(f.bridge) '\(packet.ovsFlow)'\n"
        }
        if let note = report.note { out += "\nnote: \(note)\n" }
        return out
    }
}
