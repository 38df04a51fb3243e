import AdminAPI
import ArgumentParser
import BGP

struct EVPN: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The agent's EVPN state: MACs and VNIs.",
        subcommands: [MACs.self, VNIs.self]
    )

    struct MACs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "macs",
            abstract: "Every MAC the agent knows: source (static, ovsdb, learned, bgp), IPs, port or VTEP, mobility sequence, age, frozen.",
            discussion: """
                AGE: a learned MAC's time since it was last seen (a packet-in, or
                traffic counted by its source flow); a static, OVSDB or bgp one's
                since the agent took it as it is (its port or route appeared or
                last changed). --json gives it in seconds (ageSeconds).

                Examples:
                  swiftplanectl evpn macs
                  swiftplanectl evpn macs --vni 10
                  swiftplanectl evpn macs --duplicate          # frozen by duplicate detection (RFC 7432 section 15.1)
                """
        )

        @OptionGroup var options: AdminOptions

        @Option(help: "Only MACs of this VNI.")
        var vni: UInt32?

        @Flag(help: "Only MACs frozen as duplicates.")
        var duplicate = false

        func validate() throws {
            try validateVNI(vni)
        }

        func run() throws {
            let target = adminTarget("/evpn/macs", ["vni": vni.map { "\($0)" }, "duplicate": duplicate ? "1" : nil])
            try options.show(target, defaultSocket: .agentDefault, as: [MACReport].self) { macs in
                TextTable("VNI", "MAC", "IPS", "SOURCE", "WHERE", "SEQ", "AGE", "FROZEN", rows: macs) { m in
                    let place = m.location == "remote" ? "vtep \(m.vtep ?? "-")" : m.port.map { "port \($0)" } ?? "-"
                    return ["\(m.vni)", m.mac, m.ips.isEmpty ? "-" : m.ips.joined(separator: ","), m.source?.rawValue ?? "-", place,
                            m.sequence.map { "\($0)" } ?? "-", m.ageSeconds.map { duration($0) } ?? "-",
                            m.frozen ? "yes (\(m.moves ?? 0) moves, \(duration(m.frozenSeconds ?? 0)) ago)" : "-"]
                }.render(empty: duplicate ? "no duplicate MACs" : "no MACs")
            }
        }
    }

    struct VNIs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vnis",
            abstract: "Per VNI: served or not, route target, flood mode, local ports, MACs, remote VTEPs, flood list, BUM drops, ignored ports.",
            discussion: """
                A VNI that OVSDB ports name but the configuration does not serve
                shows as "not served" with the ports it leaves out.

                Example:
                  swiftplanectl evpn vnis
                """
        )

        @OptionGroup var options: AdminOptions

        func run() throws {
            try options.show("/evpn/vnis", defaultSocket: .agentDefault, as: [VNIReport].self) { vnis in
                var table = TextTable("VNI", "RT", "FLOOD", "LOCAL PORTS", "MACS L/R", "REMOTE VTEPS", "FLOOD LIST", "DROPS B/M/U")
                var notes: [String] = []
                for v in vnis {
                    let drops = [v.broadcastDropped, v.multicastDropped, v.unknownUnicastDropped].map { $0.map { "\($0)" } ?? "-" }
                    table.add(["\(v.vni)", v.served ? v.routeTarget ?? "-" : "not served", v.flood ?? "-",
                               v.localPorts.isEmpty ? "-" : v.localPorts.joined(separator: ","), "\(v.localMACs)/\(v.remoteMACs)",
                               v.remoteVTEPs.isEmpty ? "-" : v.remoteVTEPs.joined(separator: ","),
                               v.floodList.isEmpty ? "-" : v.floodList.joined(separator: ","), drops.joined(separator: "/")])
                    notes += v.ignoredPorts.map { "ignored: \($0)" }
                }
                return table.render(empty: "no VNIs") + notes.map { $0 + "\n" }.joined()
            }
        }
    }
}
