import AdminAPI
import ArgumentParser

struct MRT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mrt",
        abstract: "The reflector's MRT (RFC 6396) dumps.",
        subcommands: [TableDump.self]
    )

    struct TableDump: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "table-dump",
            abstract: "Write a TABLE_DUMP_V2 of every peer's routes now, beside the update dumps; prints the file.",
            discussion: """
                The reflector must run with --mrt-directory DIR (or 'mrt:' in its file).
                Read the file with bgpdump, for instance:
                  swiftplanectl mrt table-dump --socket /run/swiftplane/rr.sock
                  bgpdump -m /var/lib/swiftplane/mrt/table.1765000000.123456.mrt
                """
        )

        @OptionGroup var options: AdminOptions

        func run() throws {
            try options.act("/mrt/table-dump", defaultSocket: .routeReflectorDefault, as: MRTTableDumpReport.self) {
                "\($0.file): \($0.destinations) destinations, \($0.peers) peers\n"
            }
        }
    }
}
