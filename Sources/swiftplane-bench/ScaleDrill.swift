#if canImport(Glibc)
import ArgumentParser
import BGP
import Foundation
import NIOCore
import NIOPosix

/// Why the scale drill failed: what was missing where.
struct ScaleDrillFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `swiftplane-bench scale-drill`: the agent's scale proof, run by `deploy/demo
/// drill scale N` inside a namespace on the demo's underlay. A BGP speaker
/// injects N EVPN type-2 routes through the route reflector. OVS itself
/// says when each host's flows are exact: during the bulk announcement and
/// withdrawal, its count of the two tables' flows (then one dump checks
/// every flow); for the single changes, its flow monitor, whose events say
/// how long one endpoint added, moved or removed takes to reach every
/// switch. No monitor runs during a bulk phase: a bundle of 200,000 flows
/// is 200,000 monitor updates that OVS would queue, pause and replay, and
/// it would time its own backlog, not the agents.
struct ScaleDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale-drill",
        abstract: "Inject N EVPN type-2 routes through a route reflector and time every host's flows.",
        discussion: """
            Needs the agents' switches by their ovs-ofctl targets (--switch HOST=TARGET)
            and the agents' pids (--agent HOST=PID). Phases: N announced (time until
            every host holds exactly the N endpoints' forward and ARP responder
            flows, by OVS's flow counts, polled every --poll-milliseconds, then
            checked flow by flow in one dump); --changes endpoints added, moved
            (same NLRI, next next hop) and removed one at a time, each timed from
            its UPDATE leaving here to the last host's flow monitor event; agent RSS
            with N installed; N withdrawn at once (time until no injected flow is
            left, by the counts again). Every wait is bounded; a failure says what
            was missing where and exits non-zero.
            """
    )

    @Option(help: "Endpoints (type-2 routes) to inject.")
    var routes: Int = 1_000

    @Option(help: "The route reflector's address (port 179).")
    var reflector: String

    @Option(help: "This speaker's address (its router id and RD); it must be up in this namespace.")
    var local: String

    @Option(help: "Next hops (fake VTEPs), comma-separated; endpoint i gets the (i mod count)-th.")
    var nextHops: String

    @Option(help: "A host's switch: HOST=OVS-OFCTL-TARGET (unix:.../br0.mgmt). Repeat for each host.")
    var `switch`: [String] = []

    @Option(help: "A host's agent: HOST=PID, for its RSS. Repeat for each host.")
    var agent: [String] = []

    @Option(help: "Endpoints added, moved and removed one at a time (each kind).")
    var changes: Int = 100

    @Option(help: "Seconds the announcement and the withdrawal of all N may each take.")
    var timeout: Int = 300

    @Option(help: "Seconds one change may take to reach every host.")
    var changeTimeout: Int = 30

    @Option(help: "The ovs-ofctl executable.")
    var ofctl: String = "/usr/bin/ovs-ofctl"

    @Option(help: """
        During the bulk phases, how often each switch's flow counts are read \
        (each read walks a table of up to N flows inside OVS: the drill's own load).
        """)
    var pollMilliseconds: Int = 200

    func validate() throws {
        guard (1...4_000_000).contains(routes) else { throw ValidationError("--routes must be 1 to 4000000") }
        guard (0...routes).contains(changes) else { throw ValidationError("--changes must be 0 to --routes") }
        guard IPv4Address(reflector) != nil else { throw ValidationError("--reflector '\(reflector)' is not an IPv4 address") }
        guard IPv4Address(local) != nil else { throw ValidationError("--local '\(local)' is not an IPv4 address") }
        let hops = nextHops.split(separator: ",").map { IPv4Address(String($0)) }
        guard !hops.isEmpty, hops.allSatisfy({ $0 != nil }) else { throw ValidationError("--next-hops '\(nextHops)' is not a list of IPv4 addresses") }
        guard hops.count >= 2 else { throw ValidationError("--next-hops needs two or more addresses (a move goes to the next)") }
        guard !`switch`.isEmpty else { throw ValidationError("give each host's switch with --switch HOST=TARGET") }
        _ = try Self.pairs(`switch`, "--switch")
        for (host, pid) in try Self.pairs(agent, "--agent") where Int32(pid) == nil {
            throw ValidationError("--agent \(host)=\(pid): the pid is not a number")
        }
        guard (1...10_000).contains(pollMilliseconds) else { throw ValidationError("--poll-milliseconds must be 1 to 10000") }
        guard (1...3600).contains(timeout), (1...3600).contains(changeTimeout) else {
            throw ValidationError("--timeout and --change-timeout must be 1 to 3600 seconds")
        }
    }

    /// A line on stdout at once, also through a pipe (a test, a CI log): each phase as it ends.
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func pairs(_ values: [String], _ option: String) throws -> [(String, String)] {
        try values.map { value in
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw ValidationError("\(option) '\(value)' is not HOST=VALUE")
            }
            return (String(value[..<equals]), String(value[value.index(after: equals)...]))
        }
    }

    func run() async throws {
        let hops = nextHops.split(separator: ",").compactMap { IPv4Address(String($0)) }
        let injector = IPv4Address(local)!
        let routeSet = ScaleDrillRoutes(injector: injector, nextHops: hops)
        let agents = try Self.pairs(agent, "--agent").map { ($0.0, Int32($0.1)!) }
        let switches = try Self.pairs(`switch`, "--switch").map { (host: $0.0, target: $0.1) }
        var report = ScaleDrillReport(routes: routes, changes: changes, hosts: switches.map(\.host), nextHops: hops)
        Self.say("scale drill: \(routes) endpoints of VNI \(routeSet.vni) from \(injector) through \(reflector), next hops "
            + hops.map(\.description).joined(separator: ", "))

        // Nothing of ours there yet; what else the two tables hold stays.
        let clock = ScaleDrillClock(switches: switches, ofctl: ofctl, pollMilliseconds: pollMilliseconds)
        for (host, target) in switches {
            let flows = try FlowMonitor.dump(target: target, ofctl: ofctl)
            guard flows.difference(from: [:]).isExact else {
                throw ScaleDrillFailure("\(host) already holds injected flows (\(flows.forward.count) forward, "
                    + "\(flows.responders.count) responders): a previous drill's routes still in the reflector?")
            }
        }
        let baseline = try FlowCount.injectedTables(switches.map(\.target), ofctl: ofctl)

        let group = MultiThreadedEventLoopGroup.singleton
        let peer = try await BGPBenchPeer.connect(group: group, local: injector, to: 179, remote: reflector, routes: 0, receiver: false,
                                                  deadline: .now() + .hours(24))
        defer { peer.channel.close(promise: nil) }
        try await clock.within(seconds: 30, "the session with the reflector") { try await peer.established.get() }
        clock.session = peer.channel

        // 1. N at once, watched by OVS's counts.
        var wanted = Dictionary(uniqueKeysWithValues: (0..<routes).map { ($0, routeSet.nextHop($0)) })
        let announcement = routeSet.announce((0..<routes).map { ($0, routeSet.nextHop($0)) })
        var start = monotonicNanoseconds()
        try await peer.inject(announcement)
        let installed: [InjectedFlows]
        (report.announce, installed) = try await clock.untilCounted(wanted, baseline: baseline, since: start, seconds: timeout,
                                                                    "\(routes) announced")
        Self.say("  announced: every host exact after \(ScaleDrillReport.seconds(report.announce.max() ?? 0))")

        // 2. One at a time, with N installed, watched by flow monitors that
        // start from the dumps that found the flows exact.
        let monitors = try zip(switches, installed).map { try FlowMonitor(host: $0.host, target: $0.target, ofctl: ofctl, from: $1) }
        defer { for m in monitors { m.stop() } }
        clock.monitors = monitors
        try await clock.until(seconds: 20, "every flow monitor's first reply") { states in states.allSatisfy { $0.replies > 0 } }
        for kind in ScaleDrillReport.ChangeKind.allCases {
            var latencies: [[UInt64]] = []
            for k in 0..<changes {
                let index: Int, vtep: IPv4Address?, update: [ByteBuffer]
                switch kind {
                case .add: index = routes + k; vtep = routeSet.nextHop(index); update = routeSet.announce([(index, vtep!)])
                case .move: index = k; vtep = routeSet.nextHop(after: wanted[k]!); update = routeSet.announce([(index, vtep!)])
                case .remove: index = routes + k; vtep = nil; update = routeSet.withdraw([index])
                }
                start = monotonicNanoseconds()
                try await peer.inject(update)
                latencies.append(try await clock.untilEndpoint(index, at: vtep, since: start, seconds: changeTimeout,
                                                               "\(kind) \(k + 1) of \(changes) (endpoint \(index))"))
                wanted[index] = vtep
            }
            report.latencies[kind] = latencies
            Self.say("  \(kind): \(report.line(kind))")
        }
        try await clock.untilExact(wanted, since: start, seconds: changeTimeout, "\(routes) installed after the changes")
        try clock.checkAgainstDumps()
        report.pauses = clock.states().map(\.pauses)
        for m in monitors { m.stop() }
        clock.monitors = []
        report.memory = agents.map { host, pid in
            ScaleDrillReport.Memory(host: host, rss: ProcessStatus.bytes(pid: pid, "VmRSS:"), peak: ProcessStatus.bytes(pid: pid, "VmHWM:"))
        }

        // 3. All withdrawn at once, watched by OVS's counts.
        let withdrawal = routeSet.withdraw(wanted.keys.sorted())
        start = monotonicNanoseconds()
        try await peer.inject(withdrawal)
        report.withdraw = try await clock.untilCounted([:], baseline: baseline, since: start, seconds: timeout, "\(routes) withdrawn").at
        Self.say("  withdrawn: every host exact after \(ScaleDrillReport.seconds(report.withdraw.max() ?? 0))")
        Self.say(report.table)
    }
}

/// The drill's waits: every one bounded, each failure naming what was
/// missing on which host.
final class ScaleDrillClock {
    let switches: [(host: String, target: String)]
    let ofctl: String
    let pollMilliseconds: Int
    /// The flow monitors of the single changes' phase (none during a bulk phase).
    var monitors: [FlowMonitor] = []
    /// The injector's session: its loss ends every wait.
    var session: (any Channel)?

    init(switches: [(host: String, target: String)], ofctl: String, pollMilliseconds: Int) {
        self.switches = switches
        self.ofctl = ofctl
        self.pollMilliseconds = pollMilliseconds
    }

    func states() -> [FlowMonitor.Shared.State] { monitors.map(\.state) }

    /// Polls `done` every `pollMilliseconds` until it holds; fails after `seconds`.
    func until(seconds: Int, pollMilliseconds: Int = 20, _ what: String,
               explain: ([FlowMonitor.Shared.State]) -> String = { _ in "" },
               _ done: ([FlowMonitor.Shared.State]) -> Bool) async throws {
        let deadline = monotonicNanoseconds() + UInt64(seconds) * 1_000_000_000
        while true {
            let states = states()
            if done(states) { return }
            if let ended = states.lazy.compactMap(\.ended).first { throw ScaleDrillFailure("\(what): \(ended)") }
            try stillRunning(deadline: deadline, seconds: seconds, what) { explain(states) }
            try await Task.sleep(for: .milliseconds(pollMilliseconds))
        }
    }

    /// Throws when the injector's session is gone or the deadline has passed.
    private func stillRunning(deadline: UInt64, seconds: Int, _ what: String, explain: () -> String) throws {
        if let session, !session.isActive { throw ScaleDrillFailure("\(what): the reflector closed the injector's session") }
        if monotonicNanoseconds() > deadline { throw ScaleDrillFailure("\(what): not done after \(seconds) s. " + explain()) }
    }

    /// Until every switch's two tables hold their `baseline` counts plus one
    /// flow per wanted endpoint each, by OVS's counts; then one dump per
    /// switch checks every flow (a count can be right with a flow towards
    /// the wrong VTEP: then the wait goes on). Per host, when the count read
    /// that first saw it returned, after `since`: an upper bound, at most
    /// one poll late; and the dumps that found the flows exact.
    func untilCounted(_ wanted: [Int: IPv4Address], baseline: [[Int]], since: UInt64, seconds: Int,
                      _ what: String) async throws -> (at: [UInt64], flows: [InjectedFlows]) {
        let deadline = since + UInt64(seconds) * 1_000_000_000
        var countedAt: [UInt64?] = Array(repeating: nil, count: switches.count)
        var counts = baseline
        var wrong: [String] = []
        while true {
            // Both tables of every switch not yet counted, read at once by OVS's table counts (no flow walked).
            let waiting = switches.indices.filter { countedAt[$0] == nil }
            let read = try FlowCount.injectedTables(waiting.map { switches[$0].target }, ofctl: ofctl)
            let readAt = monotonicNanoseconds()
            for (i, tables) in zip(waiting, read) {
                counts[i] = tables
                if zip(tables, baseline[i]).allSatisfy({ $0 == $1 + wanted.count }) { countedAt[i] = readAt }
            }
            if countedAt.allSatisfy({ $0 != nil }) {
                wrong = []
                let dumps = try switches.map { try FlowMonitor.dump(target: $0.target, ofctl: ofctl) }
                for (i, (host, _)) in switches.enumerated() {
                    let difference = dumps[i].difference(from: wanted)
                    if !difference.isExact { wrong.append("\(host): \(difference)"); countedAt[i] = nil }
                }
                if wrong.isEmpty { return (countedAt.map { $0! - since }, dumps) }
            }
            try stillRunning(deadline: deadline, seconds: seconds, what) {
                zip(switches, counts).enumerated().map { i, pair in
                    "\(pair.0.host): \(pair.1[0] - baseline[i][0]) forward, \(pair.1[1] - baseline[i][1]) ARP responder flows of \(wanted.count)"
                }.joined(separator: "; ") + (wrong.isEmpty ? "" : "; by the dumps: " + wrong.joined(separator: "; "))
            }
            try await Task.sleep(for: .milliseconds(pollMilliseconds))
        }
    }

    func within<T: Sendable>(seconds: Int, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await Task.sleep(for: .seconds(seconds)); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw ScaleDrillFailure("\(what): not done after \(seconds) s")
            }
            return value
        }
    }

    /// Until every host's flow monitor holds exactly `wanted`; per host, when its last needed change arrived, after `since`.
    @discardableResult
    func untilExact(_ wanted: [Int: IPv4Address], since: UInt64, seconds: Int, _ what: String) async throws -> [UInt64] {
        var exactAt: [Int: UInt64] = [:]
        var seen: [Int] = []
        try await until(seconds: seconds, what, explain: { [monitors] states in
            zip(monitors, states).map { "\($0.host): \($1.flows.difference(from: wanted))" }.joined(separator: "; ")
        }) { states in
            // Compare again only where events arrived since the last look.
            let events = states.map(\.flows.events)
            defer { seen = events }
            for (i, state) in states.enumerated() where exactAt[i] == nil || events[i] != seen[safe: i] {
                exactAt[i] = state.flows.difference(from: wanted).isExact ? max(state.flows.lastChange, since) : nil
            }
            return exactAt.count == states.count
        }
        return (0..<monitors.count).map { exactAt[$0]! - since }
    }

    /// Until every host holds endpoint `index` towards `vtep` (none for nil); per host, the latency.
    func untilEndpoint(_ index: Int, at vtep: IPv4Address?, since: UInt64, seconds: Int, _ what: String) async throws -> [UInt64] {
        try await until(seconds: seconds, pollMilliseconds: 1, what, explain: { [monitors] states in
            zip(monitors, states).filter { !$1.flows.holds(index, at: vtep) }.map { $0.0.host }.joined(separator: ", ") + " not there yet"
        }) { states in states.allSatisfy { $0.flows.holds(index, at: vtep) } }
        return states().map { max($0.flows.changedAt[index] ?? since, since) - since }
    }

    /// The monitors' view against each switch's own dump.
    func checkAgainstDumps() throws {
        for monitor in monitors {
            let dumped = try FlowMonitor.dump(target: monitor.target, ofctl: ofctl)
            guard dumped.sameFlows(as: monitor.state.flows) else {
                throw ScaleDrillFailure("\(monitor.host): the flow monitor's view (\(monitor.state.flows.forward.count) forward, "
                    + "\(monitor.state.flows.responders.count) responders) differs from dump-flows (\(dumped.forward.count), \(dumped.responders.count))")
            }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
#endif
