#if canImport(Glibc)
import AdminAPI
import ArgumentParser
import Foundation
import OpenFlowTables

/// The demo's hosts as a drill sees them: each agent by its admin API (the
/// live comparison of wanted and installed flows) and each switch by
/// ovs-ofctl (OVS's own count of the flows into a tunnel).
struct DrillHosts {
    var admins: [(host: String, client: AdminClient)]
    var switches: [(host: String, target: String)]
    var ofctl: String

    /// From `HOST=ADMIN-SOCKET` and `HOST=OVS-OFCTL-TARGET` options.
    init(admin: [String], switches: [String], ofctl: String) throws {
        admins = try ScaleDrill.pairs(admin, "--admin").map { host, path in
            (host, AdminClient(address: try AdminAddress(parsing: path), timeout: 120))
        }
        self.switches = try ScaleDrill.pairs(switches, "--switch").map { (host: $0.0, target: $0.1) }
        self.ofctl = ofctl
    }

    /// An agent's comparison of wanted and installed flows, per state
    /// ("20034 installed"); exact when all are installed (flows of another
    /// controller's cookie, foreign, are the switch's and not judged).
    static func states(_ client: AdminClient) -> (text: String, exact: Bool) {
        guard let reports = try? client.get("/flows?live=1", as: [FlowReport].self) else { return ("no answer", false) }
        let counts = reports.reduce(into: [FlowReport.State: Int]()) { total, report in total.merge(report.counts, uniquingKeysWith: +) }
        let text = counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
        let exact = counts[.installed] != nil && counts.keys.allSatisfy { $0 == .installed || $0 == .foreign }
        return (text, exact)
    }

    /// OVS's own count of a switch's forwarding flows into the tunnel to `vtep`.
    func tunnelFlows(_ target: String, to vtep: String) throws -> Int {
        try FaultDrill.flows(target, table: 30, ofctl: ofctl).keys.filter { $0.contains("set_field:\(vtep)->tun_dst") }.count
    }

    /// The `ovs-ofctl` match of the agents' cookie space.
    static var ourCookies: String {
        let space = CookieSpace.swiftplane
        return "cookie=0x\(String(space.value, radix: 16))/0x\(String(space.mask, radix: 16))"
    }

    /// How many flows an agent wants on its switches (its controller's count, no table built).
    static func wantedFlows(_ client: AdminClient) -> Int? {
        (try? client.get("/switches", as: [SwitchReport].self))?.reduce(0) { $0 + $1.flows }
    }

    /// What a settled fabric holds: per switch, its forward table's flow
    /// count and its flows into the tunnel to `vtep` (those named).
    struct Settled {
        var vtep: String
        var forwardFlows: [String: Int] = [:]
        var tunnelFlows: [String: Int] = [:]
    }

    /// Each named switch's forward-table count and flows into the tunnel to `vtep`, now.
    func now(tunnellingTo vtep: String, hosts: [String]) throws -> Settled {
        var settled = Settled(vtep: vtep)
        let named = switches.filter { hosts.contains($0.host) }
        let forward = try FlowCount.readAll(named.map(\.target), table: InjectedFlows.forwardTable, ofctl: ofctl)
        for ((host, target), count) in zip(named, forward) {
            settled.forwardFlows[host] = count
            settled.tunnelFlows[host] = try tunnelFlows(target, to: vtep)
        }
        return settled
    }

    /// Until every host has settled, timed by OVS's counts: each switch of
    /// `wanted` with that many flows in its forward table, and every switch
    /// with as many flows of our cookies as its agent wants. Then checked
    /// flow by flow, untimed: each tunnel count, and every agent's live
    /// comparison; when a check fails the wait goes on. Returns when the
    /// counts were read before the check that passed, or nil after `seconds`.
    func settle(_ wanted: Settled, seconds: Int) async throws -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .seconds(seconds) {
            let looked = clock.now
            if try countsAgree(wanted), try wanted.tunnelFlows.allSatisfy({ host, count in
                try switches.first { $0.host == host }.map { try tunnelFlows($0.target, to: wanted.vtep) == count } ?? false
            }), admins.allSatisfy({ Self.states($0.client).exact }) {
                return looked - start
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// The forward tables first, every switch's read at once (OVS's table
    /// counts: no flow walked); only when they agree, every switch's count
    /// of our cookies (a walk of its whole table, about 20 ms of
    /// ovs-vswitchd's CPU at 100,000 flows) against what each agent wants.
    private func countsAgree(_ wanted: Settled) throws -> Bool {
        let forward = switches.filter { wanted.forwardFlows[$0.host] != nil }
        let forwardCounts = try FlowCount.readAll(forward.map(\.target), table: InjectedFlows.forwardTable, ofctl: ofctl)
        guard zip(forward, forwardCounts).allSatisfy({ wanted.forwardFlows[$0.host] == $1 }) else { return false }
        let ours = try FlowCount.readAll(switches.map { ($0.target, Self.ourCookies) }, ofctl: ofctl)
        return zip(switches, ours).allSatisfy { target, count in
            admins.first { $0.host == target.host }.flatMap { Self.wantedFlows($0.client) } == count
        }
    }

    /// Every agent exact, and each switch with `expected[host]` flows into the tunnel to `vtep`.
    func exact(tunnellingTo vtep: String, expected: [String: Int]) throws -> Bool {
        // OVS's own counts first: cheap, and until they agree the agents'
        // live comparison (which reads each whole switch inside the agent
        // being measured) is not asked for.
        for (host, target) in switches {
            if try tunnelFlows(target, to: vtep) != expected[host, default: 0] { return false }
        }
        for (_, client) in admins where !Self.states(client).exact { return false }
        return true
    }
}

/// The hosts' options the drills share.
struct DrillHostOptions: ParsableArguments {
    @Option(help: "A host's agent admin socket: HOST=PATH. Repeat for each host.")
    var admin: [String] = []

    @Option(help: "A host's switch: HOST=OVS-OFCTL-TARGET (unix:.../br0.mgmt). Repeat.")
    var `switch`: [String] = []

    @Option(help: "The ovs-ofctl executable.")
    var ofctl: String = "/usr/bin/ovs-ofctl"

    func validate() throws {
        _ = try ScaleDrill.pairs(admin + `switch`, "--admin or --switch")
    }

    /// For a drill that reads every agent's flows.
    func requireAdmin() throws {
        guard !admin.isEmpty else { throw ValidationError("give each host's admin socket with --admin HOST=PATH") }
    }

    func hosts() throws -> DrillHosts { try DrillHosts(admin: admin, switches: `switch`, ofctl: ofctl) }
}

/// The drills' verdicts as `deploy/demo` prints them: a PASS or FAIL line
/// each, then the count; a failure exits 1.
struct DrillResults {
    var passed = 0
    var failed = 0

    mutating func record(_ ok: Bool, _ what: String) {
        if ok { passed += 1 } else { failed += 1 }
        ScaleDrill.say("  \(ok ? "PASS" : "FAIL")  \(what)")
    }

    /// A host whose flows a fault must not touch: none removed, added, or deleted and re-added.
    mutating func recordUntouched(_ host: String, _ change: (removed: Int, added: Int, reinstalled: Int)) {
        record(change.removed == 0 && change.added == 0 && change.reinstalled == 0,
               "\(host): flows untouched (\(change.removed) removed, \(change.added) added, \(change.reinstalled) deleted and re-added)")
    }

    func finish() throws {
        ScaleDrill.say("drill: \(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
#endif
