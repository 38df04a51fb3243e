#if canImport(Glibc)
import ArgumentParser
import Foundation
import Glibc
import ProcessOutput

/// `swiftplane-bench fault-drill SCENARIO`: run by `deploy/demo drill
/// rr-kill|agent-kill|agent-restart|ovs-restart`. One part is killed or
/// restarted (by the script's own `restart`) while container pairs ping
/// each other across hosts at 100 packets/s; it reports packets lost and the
/// time to converge, and compares every host's flows before and after by
/// OVS's own flow ages (a deleted and re-added flow is younger than before).
struct FaultDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault-drill",
        abstract: "Kill or restart one part of the demo under pings; compare every host's flows before and after.",
        discussion: """
            Needs the demo's script and state folder (--demo, --state: the daemons' pids and
            logs), every host's switch (--switch HOST=OVS-OFCTL-TARGET) and the pings
            (--ping NAMESPACE=ADDRESS). Nothing may be lost or reprogrammed, except through
            a restarted switch, whose flows must be back within 1 s of its reconnect.
            """
    )

    enum Scenario: String, ExpressibleByArgument, CaseIterable {
        case rrKill = "rr-kill", agentKill = "agent-kill", agentRestart = "agent-restart", ovsRestart = "ovs-restart"
    }

    @Argument(help: "rr-kill, agent-kill, agent-restart or ovs-restart.")
    var scenario: Scenario

    @Option(help: "The demo's script: its `restart NAME [--kill]` is the fault.")
    var demo: String

    @Option(help: "The demo's state folder (pids/NAME.pid, logs/NAME.log, ovs/HOST/ovs-vswitchd.log).")
    var state: String

    @Option(help: "The host whose agent or switch is restarted.")
    var victim: String = "goplane2"

    @Option(help: "A ping across hosts during the fault: NAMESPACE=ADDRESS. Repeat.")
    var ping: [String] = []

    @Option(help: """
        Pings sent by each pair (100 a second); by default 1500 for rr-kill (the reflector is away 3 s, \
        then holds its tables for its selection deferral), 700 for the others (back within a second). \
        The drill fails unless the pings go on at least 2 s after convergence.
        """)
    var pings: Int?

    /// How many pings each pair sends: enough for 2 s before the fault, the
    /// fault, its convergence and the seconds after, where a late loss or a
    /// late reprogramming would show.
    var pingCount: Int { pings ?? (scenario == .rrKill ? 1500 : 700) }

    @OptionGroup var hostOptions: DrillHostOptions

    private var ofctl: String { hostOptions.ofctl }

    func validate() throws {
        guard !hostOptions.switch.isEmpty, !ping.isEmpty else {
            throw ValidationError("give each host's --switch HOST=TARGET and the pings, --ping NAMESPACE=ADDRESS")
        }
        _ = try ScaleDrill.pairs(ping, "--ping")
    }

    func run() async throws {
        ScaleDrill.say("drill \(scenario.rawValue)")
        let demo = DemoScript(script: self.demo, state: state)
        let switches = try ScaleDrill.pairs(hostOptions.switch, "--switch")
        var before: [String: [String: Double]] = [:]
        for (host, target) in switches { before[host] = try Self.flows(target, ofctl: ofctl) }
        let pairs = try ScaleDrill.pairs(ping, "--ping")
        let clock = ContinuousClock()
        let pingsStarted = clock.now
        let pinging = try pairs.map { try DrillCommand.ping(from: $0.0, to: $0.1, count: pingCount) }
        try await Task.sleep(for: .seconds(2))

        var results = DrillResults()
        let t0 = clock.now
        var converged: Duration?
        switch scenario {
        case .rrKill:
            let established = demo.log("rr", "established"), deferred = demo.log("rr", "selection deferral over")
            guard kill(try demo.pid("rr"), SIGKILL) == 0 else { throw ScaleDrillFailure("kill -9 rr: \(String(cString: strerror(errno)))") }
            // Without the reflector, forwarding goes on from the flows (and the agents' stale routes).
            try await Task.sleep(for: .seconds(3))
            try await demo.restart("rr")
            if try await DrillWait.until(seconds: 40, { demo.log("rr", "established") >= established + switches.count }) != nil,
               try await DrillWait.until(seconds: 40, { demo.log("rr", "selection deferral over") >= deferred + 1 }) != nil {
                converged = clock.now - t0
            }
            ScaleDrill.say("        rr killed (-9), started again 3 s later; every agent back and the tables sent after \(Self.ms(converged))")
        case .agentKill, .agentRestart:
            let name = "agent-\(victim)"
            let complete = demo.log(name, "initial state complete")
            try await demo.restart(name, kill: scenario == .agentKill)
            if try await DrillWait.until(seconds: 40, { demo.log(name, "initial state complete") >= complete + 1 }) != nil { converged = clock.now - t0 }
            ScaleDrill.say("        \(name) \(scenario == .agentKill ? "killed" : "restarted") and started again; "
                + "initial state complete after \(Self.ms(converged))")
        case .ovsRestart:
            let wanted = before[victim]?.count ?? 0
            let target = switches.first { $0.0 == victim }?.1 ?? ""
            try await demo.restart("ovs-\(victim)", kill: true)
            if try await DrillWait.until(seconds: 30, { ((try? Self.flows(target, ofctl: ofctl))?.count ?? 0) >= wanted }) != nil {
                converged = clock.now - t0
            }
            // When OVS reached the controller again, by its own log (UTC, ms), against when the flows were back.
            var afterConnect: Int?
            if let converged, let connected = reconnected() {
                let back = Date().addingTimeInterval(-Double((clock.now - t0 - converged).milliseconds) / 1000)
                afterConnect = Int((back.timeIntervalSince(connected) * 1000).rounded())
            }
            ScaleDrill.say("        ovs-vswitchd on \(victim) killed and started again: \(wanted) flows back after \(Self.ms(converged)), "
                + "\(afterConnect.map { "\($0)" } ?? "?") ms after it reconnected")
            results.record(afterConnect.map { abs($0) <= 1000 } ?? false,
                           "flows back within 1 s of the switch reconnecting (\(afterConnect.map { "\($0)" } ?? "?") ms)")
        }
        results.record(converged != nil, "\(scenario.rawValue): converged (\(converged.map { "\($0.milliseconds)" } ?? "timeout") ms)")
        // ping sends one packet each 10 ms at the fastest: its last one leaves no earlier than this.
        let pingsEnd = pingsStarted + .milliseconds(10 * (pingCount - 1))
        let after = converged.map { pingsEnd - (t0 + $0) }
        results.record(after.map { $0 >= .seconds(2) } ?? false,
                       "the pings went on \(after.map { "\($0.milliseconds)" } ?? "?") ms after convergence (wanted 2000 at least; --pings)")

        for ((from, to), command) in zip(pairs, pinging) {
            let counts = DrillCommand.pingCounts(try await command.finish())
            let lost = counts.sent - counts.received
            if scenario == .ovsRestart {
                // The restarted switch forwards nothing until its flows are back: report, do not judge.
                ScaleDrill.say("        \(from) -> \(to): \(lost) of \(counts.sent) lost (while \(victim) had no flows)")
            } else {
                results.record(counts.sent > 0 && lost == 0, "\(from) -> \(to): \(lost) of \(counts.sent) lost")
            }
        }
        for (host, target) in switches {
            let after = try Self.flows(target, ofctl: ofctl)
            let change = Self.change(from: before[host] ?? [:], to: after)
            if scenario == .ovsRestart, host == victim {
                results.record(change.removed == 0 && change.added == 0,
                               "\(host): the same \(after.count) flows as before (\(change.removed) missing, \(change.added) extra)")
            } else {
                results.recordUntouched(host, change)
            }
        }
        try results.finish()
    }

    /// A switch's flows without their counters, each with how long OVS has had it (seconds).
    static func flows(_ target: String, table: Int? = nil, ofctl: String) throws -> [String: Double] {
        let command = dumpFlows(target, table: table, ofctl: ofctl)
        return try flows(target, dump: ProcessOutput.run(command.executable, command.arguments, environment: command.environment))
    }

    /// `ovs-ofctl dump-flows` of a switch (one table, or all), for `flows(_:dump:)`.
    static func dumpFlows(_ target: String, table: Int? = nil, ofctl: String) -> ProcessOutput.Command {
        ProcessOutput.Command(URL(fileURLWithPath: ofctl), ["-O", "OpenFlow13", "dump-flows", target] + (table.map { ["table=\($0)"] } ?? []),
                              environment: FlowMonitor.environment(target: target))
    }

    /// The flows of a finished `dumpFlows`, keyed as `flows(_:table:ofctl:)` keys them.
    static func flows(_ target: String, dump: ProcessOutput) throws -> [String: Double] {
        guard dump.status == 0 else { throw ScaleDrillFailure("ovs-ofctl dump-flows \(target): \(dump.stderr)") }
        var flows: [String: Double] = [:]
        let counters = ["n_packets=", "n_bytes=", "idle_age=", "hard_age="]
        for line in dump.stdout.split(separator: "\n") where line.contains("cookie=") {
            var age = 0.0
            var fields: [Substring] = []
            for field in line.split(separator: " ") {
                if field.hasPrefix("duration=") {
                    age = Double(field.dropFirst(9).prefix { $0 != "s" }) ?? 0
                } else if !counters.contains(where: { field.hasPrefix($0) }) {
                    fields.append(field)
                }
            }
            flows[fields.joined(separator: " ")] = age
        }
        return flows
    }

    /// Flows gone, flows new, and flows deleted and re-added (younger than before) between two `flows` of a switch.
    static func change(from old: [String: Double], to new: [String: Double]) -> (removed: Int, added: Int, reinstalled: Int) {
        (old.keys.filter { new[$0] == nil }.count, new.keys.filter { old[$0] == nil }.count,
         new.filter { flow, age in old[flow].map { age < $0 } ?? false }.count)
    }

    static func ms(_ duration: Duration?) -> String { duration.map { "\($0.milliseconds) ms" } ?? "? ms" }

    /// When the victim's ovs-vswitchd last connected to its controller, by its log.
    private func reconnected() -> Date? {
        let text = (try? String(contentsOfFile: "\(state)/ovs/\(victim)/ovs-vswitchd.log", encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").last(where: { $0.contains("rconn|INFO|br0<->") && $0.hasSuffix(": connected") }),
              let stamp = line.split(separator: "|").first
        else { return nil }
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return try? format.parse(String(stamp))
    }
}

/// Polls a condition every 50 ms for a bounded time: how long it took, or nil.
enum DrillWait {
    static func until(seconds: Int, _ done: () throws -> Bool) async throws -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .seconds(seconds) {
            if try done() { return clock.now - start }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
#endif
