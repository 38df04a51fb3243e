import AdminAPI
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Load generators that measure swiftplane's components against others.
@main
struct SwiftplaneBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplane-bench",
        abstract: "Load generators for swiftplane's controllers and route reflector, and the demo's drills.",
        discussion: "Exit status: 0 done, 1 a run failed, 2 usage error.",
        version: SwiftplaneVersion.text,
        subcommands: [OpenFlowBench.self, BGPBench.self, ScaleDrill.self, ChurnDrill.self, FlapDrill.self, FaultDrill.self, MoveDrill.self]
    )

    /// Usage errors exit 2, as in the other binaries (ArgumentParser's own default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var run = command as? any AsyncParsableCommand {
                try await run.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Glibc.exit(code.rawValue == 64 ? 2 : code.rawValue)
        }
    }
}
