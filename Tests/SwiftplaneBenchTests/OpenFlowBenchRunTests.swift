import Foundation
import Testing
import TestSupport
@testable import swiftplane_bench

/// Keeps the OpenFlow benchmark honest: a short run against our controller
/// and against the bare loop, over each transport, must get every emulated
/// switch answered: responses counted, flows installed, nothing lost.
@Suite struct OpenFlowBenchRunTests {
    @Test(.enabled(if: Command.builtProduct("swiftplane-bench") != nil, "swiftplane-bench is not built (swift build --build-tests)"), arguments: ["tcp", "unix"])
    func shortRunIsAnsweredByBoth(transport: String) throws {
        let bench = try #require(Command.builtProduct("swiftplane-bench"), "swiftplane-bench not built (run swift build --build-tests), although its check at the start said it was")
        let result = try Command.run(bench, ["openflow", "--switches", "4", "--window", "8", "--duration", "0.5",
                                             "--compare-bare", "--transport", transport, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let report = try decoder.decode(BenchReport.self, from: Data(result.stdout.utf8))
        #expect(report.transport == transport)
        #expect(report.runs.map { "\($0.controller) \($0.mode)" }
            == ["swiftplane latency", "swiftplane throughput", "bare latency", "bare throughput"])
        for run in report.runs {
            #expect(run.switches == 4, "\(run.line)")
            #expect(run.responses > 100, "\(run.line)")
            #expect(run.packetInsSent >= run.responses, "\(run.line)")
            // A quarter of the frames come from known hosts, so both learn and install flows.
            #expect(run.flowMods > 0, "\(run.line)")
            #expect(run.lost == 0 && run.errors == 0, "\(run.line)")
            #expect(run.latencyMicroseconds.p50 > 0 && run.latencyMicroseconds.p99 >= run.latencyMicroseconds.p50, "\(run.line)")
        }
        #expect(Set(report.ratioToBare.keys) == ["latency", "throughput"])
    }
}
