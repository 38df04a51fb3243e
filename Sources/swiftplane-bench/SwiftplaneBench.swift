import AdminAPI
import ArgumentParser
import ExecutableSupport

/// Load generators that measure swiftplane's components against others.
@main
struct SwiftplaneBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplane-bench",
        abstract: "Load generators for swiftplane's controllers and route reflector, and the demo's drills.",
        discussion: "Exit status: 0 done, 1 a run failed, 2 usage error.",
        version: SwiftplaneVersion.text,
        subcommands: [OpenFlowBench.self, BGPBench.self, ScaleDrill.self, ChurnDrill.self, FlapDrill.self, FaultDrill.self, MoveDrill.self, RRPairDrill.self]
    )

    /// Usage errors exit 2, as in the other binaries (ArgumentParser's own default is 64).
    static func main() async { await Executable.main(Self.self, name: "swiftplane-bench") }
}
