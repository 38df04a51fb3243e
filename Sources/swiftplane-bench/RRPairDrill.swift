#if canImport(Glibc)
import ArgumentParser
import Foundation
import Glibc

/// `swiftplane-bench rr-pair-drill`: run by `deploy/demo drill rr-pair`. A
/// second reflector of the cluster joins (the script's `second-reflector
/// start`, then `peer`: every agent's file names both, and a SIGHUP); once it
/// serves every agent, the first is killed under pings. With a redundant
/// reflector nothing may be lost or reprogrammed: every agent already has
/// the routes from the second, so no flow may be touched. Afterwards the
/// first comes back and the second goes (`unpeer`, `stop`), also when the
/// drill fails half-way.
struct RRPairDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rr-pair-drill",
        abstract: "A second reflector joins, the first is killed under pings; no packet lost, no flow touched.",
        discussion: """
            Needs the demo's script and state folder (--demo, --state: the daemons' pids
            and logs), the reflectors' addresses (for the report), every host's switch
            (--switch HOST=OVS-OFCTL-TARGET) and the pings (--ping NAMESPACE=ADDRESS).
            """
    )

    @Option(help: "The demo's script: its `second-reflector start|peer|unpeer|stop` and `restart rr` shape the topology.")
    var demo: String

    @Option(help: "The demo's state folder (pids/NAME.pid, logs/NAME.log).")
    var state: String

    @Option(help: "The first reflector's address (the cluster id).")
    var reflector: String

    @Option(help: "The second reflector's address.")
    var secondReflector: String

    @Option(help: "A ping across hosts during the fault: NAMESPACE=ADDRESS. Repeat.")
    var ping: [String] = []

    @Option(help: """
        Pings sent by each pair (100 a second): 2 s before the kill, the rest after it. Nothing \
        converges after it (the second reflector already serves every agent); the agents see the \
        session go at once, and a loss or a flow it touched shows within the seconds after.
        """)
    var pings: Int = 600

    @OptionGroup var hostOptions: DrillHostOptions

    func validate() throws {
        guard !hostOptions.switch.isEmpty, !ping.isEmpty else {
            throw ValidationError("give each host's --switch HOST=TARGET and the pings, --ping NAMESPACE=ADDRESS")
        }
        _ = try ScaleDrill.pairs(ping, "--ping")
        guard pings >= 300 else { throw ValidationError("--pings: at least 300 (2 s before the kill, 1 s after it)") }
    }

    func run() async throws {
        ScaleDrill.say("drill rr-pair")
        let demo = DemoScript(script: self.demo, state: state)
        let switches = try ScaleDrill.pairs(hostOptions.switch, "--switch")
        let pairs = try ScaleDrill.pairs(ping, "--ping")
        var results = DrillResults()
        do {
            try await pair(demo, switches: switches, pairs: pairs, results: &results)
        } catch {
            try? await restore(demo, agents: switches.count)
            throw error
        }
        try await restore(demo, agents: switches.count)
        try results.finish()
    }

    /// The second reflector joins; the first is killed under pings; losses and flows judged.
    private func pair(_ demo: DemoScript, switches: [(String, String)], pairs: [(String, String)], results: inout DrillResults) async throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        // rr2's log goes on from an earlier drill's: count from here.
        let established = demo.log("rr2", "established"), deferred = demo.log("rr2", "selection deferral over")
        try await demo.run("second-reflector", "start")
        try await demo.run("second-reflector", "peer")
        var ready: Duration?
        if try await DrillWait.until(seconds: 40, { demo.log("rr2", "established") >= established + switches.count }) != nil,
           try await DrillWait.until(seconds: 40, { demo.log("rr2", "selection deferral over") >= deferred + 1 }) != nil {
            ready = clock.now - t0
        }
        results.record(ready != nil, "second reflector rr2 (\(secondReflector), cluster \(reflector)) serves every agent after "
            + (ready.map { "\($0.milliseconds)" } ?? "?") + " ms")
        try await Task.sleep(for: .seconds(1))

        var before: [String: [String: Double]] = [:]
        for (host, target) in switches { before[host] = try FaultDrill.flows(target, ofctl: hostOptions.ofctl) }
        let pinging = try pairs.map { try DrillCommand.ping(from: $0.0, to: $0.1, count: pings) }
        try await Task.sleep(for: .seconds(2))
        guard kill(try demo.pid("rr"), SIGKILL) == 0 else { throw ScaleDrillFailure("kill -9 rr: \(String(cString: strerror(errno)))") }
        ScaleDrill.say("        rr killed (-9); rr2 carries on alone")

        for ((from, to), command) in zip(pairs, pinging) {
            let counts = DrillCommand.pingCounts(try await command.finish())
            let lost = counts.sent - counts.received
            results.record(counts.sent > 0 && lost == 0, "\(from) -> \(to): \(lost) of \(counts.sent) lost")
        }
        for (host, target) in switches {
            results.recordUntouched(host, FaultDrill.change(from: before[host] ?? [:], to: try FaultDrill.flows(target, ofctl: hostOptions.ofctl)))
        }
    }

    /// Back as before: the first reflector again when it is gone (its
    /// sessions awaited), the agents' files naming it alone, then the second
    /// stopped and its namespace gone.
    private func restore(_ demo: DemoScript, agents: Int) async throws {
        if (try? demo.pid("rr")).map({ kill($0, 0) != 0 }) ?? true {
            let established = demo.log("rr", "established")
            try await demo.restart("rr")
            _ = try await DrillWait.until(seconds: 40, { demo.log("rr", "established") >= established + agents })
        }
        try await demo.run("second-reflector", "unpeer")
        // The agents drop the second reflector on their SIGHUP before it goes.
        try await Task.sleep(for: .seconds(1))
        try await demo.run("second-reflector", "stop")
    }
}
#endif
