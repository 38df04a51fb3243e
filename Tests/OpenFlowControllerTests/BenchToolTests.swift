import Foundation
import Testing
import TestSupport

/// Keeps `swiftplane-bench openflow` from rotting: a one-second run against
/// our controller (started by the tool as `--serve-only`) must get answers.
@Suite(.enabled(if: Command.builtProduct("swiftplane-bench") != nil, "swiftplane-bench not built (swift build --build-tests builds it)"))
struct BenchToolTests {
    static let binary = Command.builtProduct("swiftplane-bench") ?? "swiftplane-bench"

    struct Figures: Decodable {
        struct Run: Decodable {
            var controller: String
            var mode: String
            var responses: Int
            var responsesPerSecond: Double
            var flowMods: Int
            var errors: Int
        }
        var runs: [Run]
    }

    @Test(arguments: ["latency", "throughput"])
    func answersPacketIns(mode: String) throws {
        let result = try Command.run(Self.binary, ["openflow", "--duration", "1", "--switches", "2", "--mode", mode, "--window", "8", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let figures = try decoder.decode(Figures.self, from: Data(result.stdout.utf8))
        let run = try #require(figures.runs.first)
        #expect(figures.runs.count == 1)
        #expect(run.controller == "swiftplane")
        #expect(run.mode == mode)
        #expect(run.responses > 0)
        #expect(run.responsesPerSecond > 0)
        // Every fourth frame comes from a destination host, so the learning switch installs flows.
        #expect(run.flowMods > 0)
        #expect(run.errors == 0)
    }
}
