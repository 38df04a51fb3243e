import Foundation
import Testing
import TestSupport
@testable import swiftplane_bench

/// Keeps the benchmark honest: a small load through the real swiftplane-rr
/// must arrive exactly, every route at every receiver, then all withdrawn.
@Suite struct BGPBenchRunTests {
    @Test(.enabled(if: Command.builtProduct("swiftplane-bench") != nil && Command.builtProduct("swiftplane-rr") != nil, "swiftplane-bench or swiftplane-rr is not built (swift build --build-tests)"), arguments: [(2_000, 2)])
    func smallLoadArrivesExactly(routes: Int, receivers: Int) throws {
        let bench = try #require(Command.builtProduct("swiftplane-bench"), "swiftplane-bench not built (run swift build --build-tests), although its check at the start said it was")
        let rr = try #require(Command.builtProduct("swiftplane-rr"), "swiftplane-rr not built (run swift build --build-tests), although its check at the start said it was")
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
        let bench = try #require(Command.builtProduct("swiftplane-bench"), "swiftplane-bench not built (run swift build --build-tests), although its check at the start said it was")
        let rr = try #require(Command.builtProduct("swiftplane-rr"), "swiftplane-rr not built (run swift build --build-tests), although its check at the start said it was")
        let result = try Command.run(bench, ["bgp", "--routes", "2000", "--receivers", "2", "--tenants", "4", "--rr", rr,
                                             "--timeout", "30", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try JSONDecoder().decode(BGPBenchReport.self, from: Data(result.stdout.utf8)).runs.first)
        #expect(run.tenants == 4)
        // Receivers 0 and 1 import tenants 0 and 1: 500 routes each, nothing of tenants 2 and 3.
        #expect(run.announcedNLRI == 1_000)
        #expect(run.withdrawnNLRI == 1_000)
    }

    /// Receivers importing several tenants each (wrapping past the last):
    /// each ends with exactly their routes.
    @Test(.enabled(if: Command.builtProduct("swiftplane-bench") != nil && Command.builtProduct("swiftplane-rr") != nil, "swiftplane-bench or swiftplane-rr is not built (swift build --build-tests)"),
          arguments: [(2_000, 3, 10, 3, 1_800), (1_000, 4, 5, 2, 1_600)])
    func receiversImportSeveralTenants(routes: Int, receivers: Int, tenants: Int, imports: Int, nlri: Int) throws {
        let bench = try #require(Command.builtProduct("swiftplane-bench")), rr = try #require(Command.builtProduct("swiftplane-rr"))
        let result = try Command.run(bench, ["bgp", "--routes", "\(routes)", "--receivers", "\(receivers)", "--tenants", "\(tenants)",
                                             "--imports", "\(imports)", "--rr", rr, "--timeout", "30", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try JSONDecoder().decode(BGPBenchReport.self, from: Data(result.stdout.utf8)).runs.first)
        #expect(run.imports == imports)
        #expect(run.announcedNLRI == nlri)
        #expect(run.withdrawnNLRI == nlri)
    }

    /// FRR's bgpd under the same load in the same run: every route reaches
    /// every receiver through it too, and the ratios are printed.
    @Test(.enabled(if: Command.builtProduct("swiftplane-bench") != nil && Command.builtProduct("swiftplane-rr") != nil
                   && FileManager.default.isExecutableFile(atPath: "/usr/lib/frr/bgpd"), "swiftplane-bench, swiftplane-rr or FRR's bgpd missing"))
    func frrRunsTheSameLoad() throws {
        let bench = try #require(Command.builtProduct("swiftplane-bench")), rr = try #require(Command.builtProduct("swiftplane-rr"))
        let result = try Command.run(bench, ["bgp", "--routes", "2000", "--receivers", "2", "--compare-frr", "--rr", rr, "--timeout", "60", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(BGPBenchReport.self, from: Data(result.stdout.utf8))
        #expect(report.runs.map(\.reflector) == ["swiftplane", "frr"])
        for run in report.runs {
            #expect(run.announcedNLRI == 4_000, "\(run.reflector)")
            #expect(run.withdrawnNLRI == 4_000, "\(run.reflector)")
        }
        let ratio = try #require(report.frrRatio)
        #expect(ratio.announce > 0 && ratio.withdraw > 0 && (ratio.peakRSS ?? 0) > 0)
    }
}
