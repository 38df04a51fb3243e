import ArgumentParser
import BGP
import Foundation
import NIOCore
import NIOPosix

/// `swiftplane-bench bgp`: route reflection throughput and memory of our
/// `swiftplane-rr`, with GoBGP as the reference in the same run.
struct BGPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bgp",
        abstract: "Time N EVPN type-2 routes reflected to K receivers, and their withdrawal.",
        discussion: """
            One injector speaker sends N MAC/IP advertisement routes (100 NLRI per
            UPDATE, pre-encoded) to the route reflector; K receiver speakers count
            them. Prints the seconds until every receiver holds all N routes, the
            seconds until all N are withdrawn again, and the reflector's peak RSS
            (VmHWM). With --compare-gobgp the same load (--gobgp-routes routes) runs
            against gobgpd and the ratio is printed. Only 127.0.0.0/8 is used.
            """
    )

    @Option(help: "Routes the injector announces.")
    var routes: Int = 100_000

    @Option(help: "Receiver speakers.")
    var receivers: Int = 3

    @Option(help: "Spread the routes over this many tenants (route targets 65000:10 and up); each receiver then negotiates route target constraint (RFC 4684) and imports one (receiver k: tenant k mod T), so it must end with its tenant's routes only. 0: one tenant, receivers without it.")
    var tenants: Int = 0

    @Flag(help: "Also run the load against gobgpd as route reflector.")
    var compareGobgp = false

    @Option(help: "Routes for the GoBGP comparison (GoBGP is slow); ours runs at this size too.")
    var gobgpRoutes: Int = 20_000

    @Option(help: "Our route reflector executable; defaults to swiftplane-rr beside this program.")
    var rr: String?

    @Option(help: "The gobgpd executable.")
    var gobgpd: String = "/usr/bin/gobgpd"

    @Option(help: "Seconds each run may take before it is abandoned.")
    var timeout: Int = 300

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    func validate() throws {
        guard (1...10_000_000).contains(routes) else { throw ValidationError("--routes must be 1 to 10000000") }
        guard (1...200).contains(receivers) else { throw ValidationError("--receivers must be 1 to 200") }
        guard (1...10_000_000).contains(gobgpRoutes) else { throw ValidationError("--gobgp-routes must be 1 to 10000000") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
        guard (0...min(routes, 10_000)).contains(tenants) else { throw ValidationError("--tenants must be 0 to 10000 and at most --routes") }
        guard tenants == 0 || !compareGobgp else { throw ValidationError("--tenants is for our reflector only: leave out --compare-gobgp") }
    }

    func run() async throws {
        let rrPath = rr ?? Self.besideThisProgram("swiftplane-rr")
        guard FileManager.default.isExecutableFile(atPath: rrPath) else {
            throw ValidationError("no route reflector at \(rrPath): build it (swift build -c release) or pass --rr")
        }
        var report = BGPBenchReport(loadAverage: Self.loadAverage(), runs: [], gobgpRatio: nil)
        report.runs.append(try await BGPBenchRun.measure(.swiftplane, executable: rrPath, routes: routes, receivers: receivers,
                                                         tenants: tenants, timeout: timeout))
        if compareGobgp {
            guard FileManager.default.isExecutableFile(atPath: gobgpd) else { throw ValidationError("no gobgpd at \(gobgpd)") }
            let ours = gobgpRoutes == routes ? report.runs[0]
                : try await BGPBenchRun.measure(.swiftplane, executable: rrPath, routes: gobgpRoutes, receivers: receivers, timeout: timeout)
            if gobgpRoutes != routes { report.runs.append(ours) }
            let theirs = try await BGPBenchRun.measure(.gobgp, executable: gobgpd, routes: gobgpRoutes, receivers: receivers, timeout: timeout)
            report.runs.append(theirs)
            report.gobgpRatio = BGPBenchReport.Ratio(routes: gobgpRoutes, announce: theirs.announceSeconds / ours.announceSeconds,
                                                     withdraw: theirs.withdrawSeconds / ours.withdrawSeconds)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }

    static func besideThisProgram(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().appendingPathComponent(name).path
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    }
}
