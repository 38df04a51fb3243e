import ArgumentParser

/// `swiftplane-bench`: load generators that measure our daemons (and a
/// reference implementation) on this machine, printing figures.
@main
struct SwiftplaneBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplane-bench",
        abstract: "Load benchmarks for swiftplane's daemons.",
        subcommands: [BGPBench.self]
    )
}
