import ArgumentParser

/// Load generators that measure swiftplane's components against others.
@main
struct SwiftplaneBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplane-bench",
        abstract: "Load generators for swiftplane's controllers and route reflector, and the demo's scale drill.",
        subcommands: [OpenFlowBench.self, BGPBench.self, ScaleDrill.self]
    )
}
