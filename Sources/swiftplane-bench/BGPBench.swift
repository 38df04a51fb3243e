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
            against gobgpd, with --compare-frr against FRR's bgpd (at --routes), and
            the ratios are printed. Only 127.0.0.0/8 is used.

            --replay FILE replays an MRT update dump instead (BGP4MP or BGP4MP_ET,
            BGP4MP_MESSAGE_AS4 records, as swiftplane-rr's --mrt-directory writes
            them): its l2vpn/evpn UPDATEs go through one injector session in file
            order, as they were received; every other record and message is left
            out and counted; a marker route of its own follows. The K receivers
            must end with exactly the routes the dump leaves announced and the
            marker; then the injector's session closes and all must be withdrawn. Routes of several peers with the same key become
            one route there (one session carries them all).
            """
    )

    @Option(help: "Routes the injector announces.")
    var routes: Int = 100_000

    @Option(help: "Receiver speakers.")
    var receivers: Int = 3

    @Option(help: "Spread the routes over this many tenants (route targets 65000:10 and up); each receiver then negotiates route target constraint (RFC 4684) and imports --imports of them (receiver k: tenants k*I to k*I+I-1, mod T), so it must end with exactly their routes. 0: one tenant, receivers without it.")
    var tenants: Int = 0

    @Option(help: "With --tenants: tenants each receiver imports.")
    var imports: Int = 1

    @Flag(help: "Also run the load against gobgpd as route reflector.")
    var compareGobgp = false

    @Option(help: "Routes for the GoBGP comparison (GoBGP is slow); ours runs at this size too.")
    var gobgpRoutes: Int = 20_000

    @Option(help: "Our route reflector executable; defaults to swiftplane-rr beside this program.")
    var rr: String?

    @Option(help: "The gobgpd executable.")
    var gobgpd: String = "/usr/bin/gobgpd"

    @Flag(help: "Also run the same load against FRR's bgpd (-Z, dynamic clients from a listen range) as route reflector.")
    var compareFrr = false

    @Option(help: "FRR's bgpd executable.")
    var frrBgpd: String = "/usr/lib/frr/bgpd"

    @Option(help: "Seconds each run may take before it is abandoned.")
    var timeout: Int = 300

    @Option(help: "Replay this MRT update dump (BGP4MP_MESSAGE_AS4 records) through our reflector instead of generated routes.")
    var replay: String?

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    func validate() throws {
        guard (1...10_000_000).contains(routes) else { throw ValidationError("--routes must be 1 to 10000000") }
        guard (1...5_000).contains(receivers) else { throw ValidationError("--receivers must be 1 to 5000") }
        guard (1...10_000_000).contains(gobgpRoutes) else { throw ValidationError("--gobgp-routes must be 1 to 10000000") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
        guard (0...min(routes, 10_000)).contains(tenants) else { throw ValidationError("--tenants must be 0 to 10000 and at most --routes") }
        guard tenants == 0 || !compareGobgp else { throw ValidationError("--tenants is for our reflector only: leave out --compare-gobgp") }
        // FRR 8.4 has no route target constraint (RFC 4684): it would send every route to every receiver.
        guard tenants == 0 || !compareFrr else { throw ValidationError("--tenants: FRR's bgpd has no route target constraint: leave out --compare-frr") }
        guard (1...max(tenants, 1)).contains(imports) else { throw ValidationError("--imports must be 1 to --tenants") }
        guard replay == nil || (tenants == 0 && !compareGobgp && !compareFrr) else {
            throw ValidationError("--replay runs our reflector alone, every receiver taking every route: leave out --tenants, --compare-gobgp and --compare-frr")
        }
    }

    func run() async throws {
        let rrPath = rr ?? Self.besideThisProgram("swiftplane-rr")
        guard FileManager.default.isExecutableFile(atPath: rrPath) else {
            throw ValidationError("no route reflector at \(rrPath): build it (swift build -c release) or pass --rr")
        }
        var report = BGPBenchReport(loadAverage: Self.loadAverage(), runs: [], gobgpRatio: nil, frrRatio: nil)
        if let replay {
            report.replay = try await BGPReplayRun.measure(executable: rrPath, file: replay, dump: try Self.dump(replay), receivers: receivers, timeout: timeout)
            try print(report)
            return
        }
        report.runs.append(try await BGPBenchRun.measure(.swiftplane, executable: rrPath, routes: routes, receivers: receivers,
                                                         tenants: tenants, imports: imports, timeout: timeout))
        if compareFrr {
            guard FileManager.default.isExecutableFile(atPath: frrBgpd) else { throw ValidationError("no FRR bgpd at \(frrBgpd)") }
            let theirs = try await BGPBenchRun.measure(.frr, executable: frrBgpd, routes: routes, receivers: receivers, timeout: timeout)
            report.frrRatio = BGPBenchReport.Ratio(theirs: theirs, ours: report.runs[0])
            report.runs.append(theirs)
        }
        if compareGobgp {
            guard FileManager.default.isExecutableFile(atPath: gobgpd) else { throw ValidationError("no gobgpd at \(gobgpd)") }
            let ours = gobgpRoutes == routes ? report.runs[0]
                : try await BGPBenchRun.measure(.swiftplane, executable: rrPath, routes: gobgpRoutes, receivers: receivers, timeout: timeout)
            if gobgpRoutes != routes { report.runs.append(ours) }
            let theirs = try await BGPBenchRun.measure(.gobgp, executable: gobgpd, routes: gobgpRoutes, receivers: receivers, timeout: timeout)
            report.runs.append(theirs)
            report.gobgpRatio = BGPBenchReport.Ratio(theirs: theirs, ours: ours)
        }
        try print(report)
    }

    private func print(_ report: BGPBenchReport) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Swift.print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            Swift.print(report.text)
        }
    }

    /// The dump read and checked; a usage error naming the file and what is wrong.
    static func dump(_ path: String) throws -> BGPReplayDump {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ValidationError("--replay: '\(path)': \(exists ? "permission denied or not a file" : "no such file")")
        }
        do {
            return try BGPReplayDump(bytes: Array(data))
        } catch {
            throw ValidationError("--replay: '\(path)': not an MRT dump we can replay: \(error)")
        }
    }

    static func besideThisProgram(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().appendingPathComponent(name).path
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    }
}
