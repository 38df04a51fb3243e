import Foundation
import Testing
import TestSupport
@testable import swiftplane_bench

/// Keeps the benchmark honest: a small load through the real swiftplane-rr
/// must arrive exactly, every route at every receiver, then all withdrawn.
@Suite struct BGPBenchRunTests {
    @Test(.enabled(if: Command.builtProduct("swiftplane-bench") != nil && Command.builtProduct("swiftplane-rr") != nil, "swiftplane-bench or swiftplane-rr is not built (swift build --build-tests)"), arguments: [(2_000, 2)])
    func smallLoadArrivesExactly(routes: Int, receivers: Int) throws {
        guard let bench = Command.builtProduct("swiftplane-bench"), let rr = Command.builtProduct("swiftplane-rr") else {
            Issue.record("swiftplane-bench or swiftplane-rr not built (run swift build --build-tests), although its check at the start said it was")
            return
        }
        let result = try Command.run(bench, ["bgp", "--routes", "\(routes)", "--receivers", "\(receivers)", "--rr", rr,
                                             "--timeout", "30", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(BGPBenchReport.self, from: Data(result.stdout.utf8))
        let run = try #require(report.runs.first)
        #expect(report.runs.count == 1)
        #expect(run.reflector == "swiftplane")
        #expect(run.routes == routes && run.receivers == receivers)
        // Each receiver saw each route once, and each withdrawal once.
        #expect(run.announcedNLRI == routes * receivers)
        #expect(run.withdrawnNLRI == routes * receivers)
        #expect(run.announceSeconds > 0 && run.withdrawSeconds > 0)
        #expect((run.peakRSSBytes ?? 0) > 0)
    }

    /// With tenants each receiver imports one (route target constraint): it
    /// ends with exactly its tenant's share, each route sent to it once.
    @Test(.enabled(if: Command.builtProduct("swiftplane-bench") != nil && Command.builtProduct("swiftplane-rr") != nil, "swiftplane-bench or swiftplane-rr is not built (swift build --build-tests)"))
    func tenantsReachOnlyTheirReceivers() throws {
        guard let bench = Command.builtProduct("swiftplane-bench"), let rr = Command.builtProduct("swiftplane-rr") else {
            Issue.record("swiftplane-bench or swiftplane-rr not built (run swift build --build-tests), although its check at the start said it was")
            return
        }
        let result = try Command.run(bench, ["bgp", "--routes", "2000", "--receivers", "2", "--tenants", "4", "--rr", rr,
                                             "--timeout", "30", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try JSONDecoder().decode(BGPBenchReport.self, from: Data(result.stdout.utf8)).runs.first)
        #expect(run.tenants == 4)
        // Receivers 0 and 1 import tenants 0 and 1: 500 routes each, nothing of tenants 2 and 3.
        #expect(run.announcedNLRI == 1_000)
        #expect(run.withdrawnNLRI == 1_000)
    }
}
