import ArgumentParser

/// Load generators that measure swiftplane's components against others.
@main
struct SwiftplaneBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplane-bench",
        abstract: "Load generators for swiftplane's controllers and route reflector.",
        subcommands: [OpenFlowBench.self, BGPBench.self]
    )
}
