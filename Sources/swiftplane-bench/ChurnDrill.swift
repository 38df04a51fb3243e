#if canImport(Glibc)
import ArgumentParser
import Foundation
import Glibc

/// `swiftplane-bench churn-drill`: run by `deploy/demo drill churn N SECONDS`.
/// N static endpoints behind one host's port appear and disappear from its
/// agent's YAML file by SIGHUP every period for SECONDS; then, present and
/// again absent, every host must hold exactly the flows its agent wants (its
/// admin API's live comparison: installed, and nothing missing or stale) and
/// the other hosts one tunnel flow per endpoint more than before, counted in
/// OVS's own dump. The agent's file is put back as it was, also on failure.
struct ChurnDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn-drill",
        abstract: "Static endpoints come and go by SIGHUP; then every host's flows must be exact.",
        discussion: """
            Needs the churning agent's file, pid and VTEP (--config, --agent-pid, --vtep),
            every host's admin socket (--admin HOST=PATH) and every host's switch
            (--switch HOST=OVS-OFCTL-TARGET). A phase's time runs from the SIGHUP to
            OVS's counts agreeing with the agents (each other host's forward table
            N flows up, every switch as many flows of ours as its agent wants),
            read before the flow-by-flow check that passed. Prints a PASS or FAIL line for each phase
            and exits non-zero if one failed.
            """
    )

    @Option(help: "Static endpoints added and removed.")
    var endpoints: Int = 10_000

    @Option(help: "Seconds of churn.")
    var seconds: Int = 60

    @Option(help: "Seconds between two reloads.")
    var period: Double = 2

    @Option(help: "The churning host's name.")
    var host: String

    @Option(help: "Its agent's YAML file: rewritten during the drill, put back after.")
    var config: String

    @Option(help: "Its agent's pid (sent SIGHUP).")
    var agentPid: Int32

    @Option(help: "Its VTEP address: the other hosts' tunnel flows to it are counted.")
    var vtep: String

    @Option(help: "The endpoints' VNI.")
    var vni: Int = 10

    @Option(help: "The endpoints' ofport on the churning host.")
    var port: Int = 1

    @Option(help: "Seconds each phase may take to settle.")
    var settleTimeout: Int = 300

    @OptionGroup var hostOptions: DrillHostOptions

    func validate() throws {
        guard (1...1_000_000).contains(endpoints) else { throw ValidationError("--endpoints must be 1 to 1000000") }
        guard (1...86_400).contains(seconds), period > 0 else { throw ValidationError("--seconds must be 1 to 86400 and --period above 0") }
        try hostOptions.requireAdmin()
    }

    func run() async throws {
        ScaleDrill.say("drill churn: \(endpoints) endpoints on \(host), added and removed for \(seconds) s")
        let hosts = try hostOptions.hosts()
        let base = try String(contentsOfFile: config, encoding: .utf8)
        let with = base + Self.endpointsYAML(endpoints, vni: vni, port: port)
        defer { try? base.write(toFile: config, atomically: true, encoding: .utf8) }
        // Every host's forward table, the reloading one's too (its endpoints'
        // local flows): a poll that finds the other hosts done before this
        // agent has even computed its own flows must not pass for settled.
        let before = try hosts.now(tunnellingTo: vtep, hosts: hosts.switches.map(\.host))

        let clock = ContinuousClock()
        let started = clock.now
        var rounds = 0
        while clock.now - started < .seconds(seconds) {
            try reload(rounds % 2 == 0 ? with : base)
            rounds += 1
            try await Task.sleep(for: .seconds(period))
        }
        ScaleDrill.say("        \(rounds) reloads in \((clock.now - started).components.seconds) s")

        var results = DrillResults()
        for (phase, text, want) in [("present", with, endpoints), ("absent", base, 0)] {
            try reload(text)
            var expected = before
            expected.forwardFlows = before.forwardFlows.mapValues { $0 + want }
            expected.tunnelFlows = before.tunnelFlows.mapValues { $0 + want }
            expected.tunnelFlows[host] = before.tunnelFlows[host]   // no tunnel to itself
            let took = try await hosts.settle(expected, seconds: settleTimeout)
            results.record(took != nil, "endpoints \(phase): every host exact after "
                + (took.map { "\($0.milliseconds) ms" } ?? "more than \(settleTimeout * 1000) ms"))
            for (name, client) in hosts.admins { ScaleDrill.say("        \(name): \(DrillHosts.states(client).text)") }
        }
        try results.finish()
    }

    /// The file as `text`, then SIGHUP: the agent reads it again.
    private func reload(_ text: String) throws {
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        guard kill(agentPid, SIGHUP) == 0 else { throw ScaleDrillFailure("kill -HUP \(agentPid): \(String(cString: strerror(errno)))") }
    }

    /// N endpoints as the agent's YAML reads them: MAC 02:99:00:XX:XX:XX and IP 10.99.X.Y for endpoint i.
    static func endpointsYAML(_ count: Int, vni: Int, port: Int) -> String {
        var text = "endpoints:\n"
        for i in 1...count {
            let mac = [i >> 16, i >> 8, i].map { String(format: "%02x", $0 & 0xff) }.joined(separator: ":")
            text += "  - vni: \(vni)\n    mac: 02:99:00:\(mac)\n    ips: [10.99.\((i >> 8) & 0xff).\(i & 0xff)]\n    port: \(port)\n"
        }
        return text
    }
}
#endif
