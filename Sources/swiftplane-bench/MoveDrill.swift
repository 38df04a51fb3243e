#if canImport(Glibc)
import ArgumentParser
import Foundation
import ProcessOutput

/// `swiftplane-bench move-drill`: run by `deploy/demo drill move`. A
/// container moves to another host and back (its port deleted from the old
/// host's bridge, its link removed, and `deploy/add-container` on the new
/// host, as a migration would), while another pings it. After each move every host
/// must point at the new place within 1 s (a host with a port of the VNI at
/// the new VTEP, one without none at all, the new host at the new port),
/// and the old host must keep no flow for the port it lost.
struct MoveDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move-drill",
        abstract: "A container moves to another host and back; every host must follow within 1 s.",
        discussion: """
            Needs deploy/add-container (--add-container), the OVS sandbox script (--sandbox), the container
            (--container, --vni, --ip, --mac), its moves (--step FROM:TO:OFPORT:TO-VTEP, in
            order), every host's switch (--switch HOST=OVS-OFCTL-TARGET) and the pinging
            namespace (--from).
            """
    )

    @Option(help: "deploy/add-container, run on the new host.")
    var addContainer: String

    @Option(help: "The OVS sandbox script (its vsctl reads a host's OVSDB).")
    var sandbox: String

    @Option(help: "The container that moves.")
    var container: String

    @Option(help: "Its VNI.")
    var vni: Int

    @Option(help: "Its IP address.")
    var ip: String

    @Option(help: "Its prefix length.")
    var prefixLength: Int = 24

    @Option(help: "Its MAC address.")
    var mac: String

    @Option(help: "A move: FROM:TO:OFPORT:TO-VTEP (the port on the new host, and that host's VTEP). Repeat, in order.")
    var step: [String] = []

    @Option(help: "The namespace that pings the container during the moves.")
    var from: String

    @OptionGroup var hostOptions: DrillHostOptions

    struct Step {
        var from: String, to: String, ofport: Int, vtep: String
    }

    func steps() throws -> [Step] {
        try step.map { text in
            let parts = text.split(separator: ":").map(String.init)
            guard parts.count == 4, let ofport = Int(parts[2]) else { throw ValidationError("--step '\(text)' is not FROM:TO:OFPORT:TO-VTEP") }
            return Step(from: parts[0], to: parts[1], ofport: ofport, vtep: parts[3])
        }
    }

    func validate() throws {
        guard !step.isEmpty, !hostOptions.switch.isEmpty else { throw ValidationError("give the moves (--step) and each host's --switch") }
        _ = try steps()
    }

    func run() async throws {
        ScaleDrill.say("drill move")
        let switches = try ScaleDrill.pairs(hostOptions.switch, "--switch")
        let pinging = try DrillCommand.ping(from: from, to: ip, count: 1000)
        try await Task.sleep(for: .seconds(1))
        var results = DrillResults()
        for move in try steps() {
            // The port the container leaves: where it is now on the old host.
            let left = try ofport(on: move.from)
            // Hosts with another port of the VNI point at the new VTEP; a host without one needs (and keeps) no flow for it.
            var wanted: [String: String] = [move.to: "port:\(move.ofport)"]
            for (host, _) in switches where host != move.to { wanted[host] = try otherPortOfVNI(host) ? "vtep:\(move.vtep)" : "none" }
            let clock = ContinuousClock()
            let t0 = clock.now
            try self.move(move)
            let moved = clock.now - t0
            let took = try await DrillWait.until(seconds: 10) {
                try pointing(switches) == switches.map { wanted[$0.0] }
            }.map { _ in clock.now - t0 }
            results.record(took.map { $0 <= .seconds(1) } ?? false, "\(container) moved \(move.from) -> \(move.to): every host points at its "
                + "new place after \(took.map { "\($0.milliseconds)" } ?? "more than 10000") ms (the move itself \(moved.milliseconds) ms)")
            let target = switches.first { $0.0 == move.from }?.1 ?? ""
            let stale = try FaultDrill.flows(target, ofctl: hostOptions.ofctl).keys.filter { flow in
                flow.contains("in_port=\(left),") || flow.contains("in_port=\(left) ")
            }.count
            results.record(stale == 0, "\(move.from) keeps no flow for the port \(container) left (\(stale))")
            try await Task.sleep(for: .seconds(1))
        }
        let counts = DrillCommand.pingCounts(try await pinging.finish())
        ScaleDrill.say("        \(from) -> \(ip) during both moves: \(counts.sent - counts.received) of \(counts.sent) lost")
        let back = try await DrillWait.until(seconds: 5) {
            try ProcessOutput.run(URL(fileURLWithPath: "/usr/sbin/ip"), ["netns", "exec", from, "ping", "-c", "1", "-W", "1", "-q", ip]).status == 0
        }
        results.record(back != nil, "\(from) reaches \(container) at its first place again (within 5 s)")
        try results.finish()
    }

    /// The container's port off the old host's bridge, its link gone, and attached to the new host's.
    private func move(_ move: Step) throws {
        let commands = [
            (sandbox, ["vsctl", move.from, "del-port", "br0", container]),
            ("/usr/sbin/ip", ["-n", container, "link", "del", "eth0"]),
            (sandbox, ["exec", move.to, addContainer, "--netns", container, "--vni", "\(vni)", "--mac", mac, "--ip", "\(ip)/\(prefixLength)",
                       "--ofport", "\(move.ofport)", "--port-name", container]),
        ]
        for (executable, arguments) in commands {
            let run = try ProcessOutput.run(URL(fileURLWithPath: executable), arguments)
            // The link may be gone with the port already.
            guard run.status == 0 || arguments.contains("link") else {
                throw ScaleDrillFailure("\(executable) \(arguments.joined(separator: " ")): \(run.stderr)")
            }
        }
    }

    /// Where each switch sends frames for the container's MAC, the switches
    /// dumped at once (one poll costs one dump's time, not three).
    private func pointing(_ switches: [(String, String)]) throws -> [String?] {
        let dumps = try ProcessOutput.runAll(switches.map { FaultDrill.dumpFlows($0.1, table: 30, ofctl: hostOptions.ofctl) })
        return try zip(switches, dumps).map { target, dump in try pointsAt(FaultDrill.flows(target.1, dump: dump)) }
    }

    /// Where a switch with these table-30 flows sends frames for the container's MAC in its VNI: vtep:ADDRESS, port:N or none.
    private func pointsAt(_ flows: [String: Double]) -> String {
        let metadata = "metadata=0x\(String(vni, radix: 16)),"
        for flow in flows.keys where flow.contains(metadata) && flow.contains("dl_dst=\(mac) ") {
            if let range = flow.range(of: #"set_field:[0-9.]+->tun_dst"#, options: .regularExpression) {
                return "vtep:" + flow[range].dropFirst("set_field:".count).dropLast("->tun_dst".count)
            }
            if let range = flow.range(of: #"actions=output:[0-9]+"#, options: .regularExpression) {
                return "port:" + flow[range].dropFirst("actions=output:".count)
            }
        }
        return "none"
    }

    /// Whether a port of the VNI other than the container's is attached to the host, by its OVSDB.
    private func otherPortOfVNI(_ host: String) throws -> Bool {
        let run = try ProcessOutput.run(URL(fileURLWithPath: sandbox),
                                        ["vsctl", host, "--bare", "--columns=name", "find", "Interface", "external_ids:vni=\(vni)"])
        guard run.status == 0 else { throw ScaleDrillFailure("ovs-vsctl find Interface on \(host): \(run.stderr)") }
        return run.stdout.split(whereSeparator: \.isWhitespace).contains { $0 != container }
    }

    /// The container's ofport on a host now.
    private func ofport(on host: String) throws -> String {
        let run = try ProcessOutput.run(URL(fileURLWithPath: sandbox), ["vsctl", host, "get", "Interface", container, "ofport"])
        let ofport = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard run.status == 0, Int(ofport) != nil else { throw ScaleDrillFailure("\(container) has no port on \(host): \(run.stderr)") }
        return ofport
    }
}
#endif
