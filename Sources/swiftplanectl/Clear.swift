import AdminAPI
import ArgumentParser
import BGP

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
            try validateVNI(vni)
        }

        func run() throws {
            let target = all ? adminTarget("/clear/dup-mac", ["all": "1"])
                : adminTarget("/clear/dup-mac", ["mac": mac ?? "", "vni": vni.map { "\($0)" }])
            try options.act(target, defaultSocket: .agentDefault, as: ClearReport.self) { report in
                report.cleared.isEmpty ? "no MAC was frozen\n" : "thawed: \(report.cleared.joined(separator: ", "))\n"
            }
        }
    }
}
