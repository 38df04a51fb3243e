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
            abstract: "Every MAC the agent knows: source (static, ovsdb, learned, bgp), IPs, port or VTEP, mobility sequence, frozen.",
            discussion: """
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
            if let vni, vni > 0xff_ffff { throw ValidationError("--vni: invalid value '\(vni)': a VNI is 0-16777215") }
        }

        func run() throws {
            let query = [vni.map { "vni=\($0)" }, duplicate ? "duplicate=1" : nil].compactMap { $0 }
            try options.show("/evpn/macs" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), defaultSocket: .agentDefault,
                             as: [MACReport].self) { macs in
                var table = TextTable("VNI", "MAC", "IPS", "SOURCE", "WHERE", "SEQ", "FROZEN")
                for m in macs {
                    let place = m.location == "remote" ? "vtep \(m.vtep ?? "-")" : m.port.map { "port \($0)" } ?? "-"
                    table.add(["\(m.vni)", m.mac, m.ips.isEmpty ? "-" : m.ips.joined(separator: ","), m.source?.rawValue ?? "-", place,
                               m.sequence.map { "\($0)" } ?? "-",
                               m.frozen ? "yes (\(m.moves ?? 0) moves, \(duration(m.frozenSeconds ?? 0)) ago)" : "-"])
                }
                return table.render(empty: duplicate ? "no duplicate MACs" : "no MACs")
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

struct Clear: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Operator actions that reset state.",
        subcommands: [DupMAC.self]
    )

    struct DupMAC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dup-mac",
            abstract: "Thaw MACs frozen by duplicate detection (RFC 7432 section 15.1): one MAC, or --all. A SIGHUP thaws all too.",
            discussion: """
                Examples:
                  swiftplanectl clear dup-mac 02:00:00:00:00:01
                  swiftplanectl clear dup-mac 02:00:00:00:00:01 --vni 10
                  swiftplanectl clear dup-mac --all
                Exit 1 when the MAC is not frozen (the answer names those that are).
                """
        )

        @OptionGroup var options: AdminOptions

        @Argument(help: "The frozen MAC.")
        var mac: String?

        @Option(help: "Only in this VNI (default: every VNI where it is frozen).")
        var vni: UInt32?

        @Flag(help: "Every frozen MAC.")
        var all = false

        func validate() throws {
            if all == (mac != nil) { throw ValidationError("name one MAC or --all") }
            if let mac, EthernetAddress(mac) == nil { throw ValidationError("invalid MAC '\(mac)': expected 02:00:00:00:00:01") }
            if let vni, vni > 0xff_ffff { throw ValidationError("--vni: invalid value '\(vni)': a VNI is 0-16777215") }
        }

        func run() throws {
            let query = all ? "all=1" : "mac=\(Trace.escaped(mac ?? ""))" + (vni.map { "&vni=\($0)" } ?? "")
            try options.act("/clear/dup-mac?" + query, defaultSocket: .agentDefault, as: ClearReport.self) { report in
                report.cleared.isEmpty ? "no MAC was frozen\n" : "thawed: \(report.cleared.joined(separator: ", "))\n"
            }
        }
    }
}

struct LogLevel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-level",
        abstract: "Show or set the daemon's log level while it runs (until it restarts or reloads its file).",
        discussion: """
            Examples:
              swiftplanectl log-level                        # show it
              swiftplanectl log-level debug --socket /run/swiftplane/agent.sock
            """
    )

    @OptionGroup var options: AdminOptions

    @Argument(help: "trace, debug, info, notice, warning, error or critical.")
    var level: String?

    static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    func validate() throws {
        if let level, !Self.levels.contains(level) {
            throw ValidationError("invalid level '\(level)': expected one of \(Self.levels.joined(separator: ", "))")
        }
    }

    func run() throws {
        if let level {
            try options.act("/log-level?level=\(level)", defaultSocket: .routeReflectorDefault, as: LogLevelReport.self) {
                "log level \($0.level) (was \($0.previous))\n"
            }
        } else {
            try options.show("/log-level", defaultSocket: .routeReflectorDefault, as: LogLevelReport.self) { "log level \($0.level)\n" }
        }
    }
}
