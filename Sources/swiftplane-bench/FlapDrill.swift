#if canImport(Glibc)
import ArgumentParser
import Foundation

/// `swiftplane-bench flap-drill`: run by `deploy/demo drill flap`. A client
/// of the reflector (the hostile peer's flap mode, from an address the
/// script put on the underlay) flaps its session again and again, each time
/// with routes every agent imports and programs; twice. Meanwhile a
/// container pings another across hosts; afterwards every host must be
/// exact again with no flow left towards the flapper, nothing lost, and the
/// reflector no bigger after the second storm than after the first.
struct FlapDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flap-drill",
        abstract: "A reflector client flaps with routes, twice; then every host's flows must be exact.",
        discussion: """
            Needs the flapper's address (up in --storm-namespace), the reflector (--reflector,
            --reflector-pid), every host's admin socket (--admin HOST=PATH) and switch
            (--switch HOST=OVS-OFCTL-TARGET), and a ping (--ping NAMESPACE=ADDRESS).
            """
    )

    @Option(help: "The flapping client's address (already on the underlay).")
    var flapper: String

    @Option(help: "The namespace the flapper runs in.")
    var stormNamespace: String = "underlay"

    @Option(help: "The reflector's address (port 179).")
    var reflector: String

    @Option(help: "The reflector's pid, for its resident size.")
    var reflectorPid: Int32

    @Option(help: "The hostile peer script.")
    var hostilePeer: String

    @Option(help: "Sessions per storm.")
    var connections: Int = 50

    @Option(help: "Routes per session.")
    var routes: Int = 200

    @Option(help: "The routes' VNI.")
    var vni: Int = 10

    @Option(help: "Seconds per storm.")
    var stormSeconds: Int = 10

    @Option(help: "A ping through the overlay during both storms: NAMESPACE=ADDRESS.")
    var ping: String

    @Option(help: "Pings sent (100 a second).")
    var pings: Int = 2500

    @OptionGroup var hostOptions: DrillHostOptions

    func validate() throws {
        try hostOptions.requireAdmin()
        guard !hostOptions.switch.isEmpty else { throw ValidationError("give each host's switch with --switch HOST=TARGET") }
        _ = try ScaleDrill.pairs([ping], "--ping")
    }

    func run() async throws {
        ScaleDrill.say("drill flap")
        let agents = try hostOptions.hosts()
        let (from, to) = try ScaleDrill.pairs([ping], "--ping")[0]
        let pinging = try DrillCommand.ping(from: from, to: to, count: pings)
        var results = DrillResults()
        var resident: [Int] = []
        let watched = agents.switches[0]
        for round in 1...2 {
            let storm = try DrillCommand("/usr/sbin/ip", [
                "netns", "exec", stormNamespace, "python3", hostilePeer, "--target", "\(reflector):179", "--protocol", "bgp",
                "--modes", "flap", "--connections", "\(connections)", "--routes", "\(routes)", "--vni", "\(vni)",
                "--sources", "\(flapper)/32", "--seconds", "\(stormSeconds)", "--inside-namespace",
            ])
            var most = 0
            while storm.isRunning {
                most = max(most, try agents.tunnelFlows(watched.target, to: flapper))
                try await Task.sleep(for: .milliseconds(200))
            }
            let summary = try await storm.finish().trimmingCharacters(in: .whitespacesAndNewlines)
            ScaleDrill.say("        storm \(round): \(summary); \(watched.host) held up to \(most) flows towards the flapper")
            let settled = try await DrillWait.until(seconds: 60) { try agents.exact(tunnellingTo: flapper, expected: [:]) }
            resident.append(ProcessStatus.bytes(pid: reflectorPid, "VmRSS:") ?? 0)
            results.record(settled != nil, "after storm \(round) every host is exact, no flow towards \(flapper) "
                + "(\(DrillHosts.states(agents.admins[0].client).text))")
            results.record(most > 0, "storm \(round) reached the agents (up to \(most) flows on \(watched.host))")
        }
        let counts = DrillCommand.pingCounts(try await pinging.finish())
        results.record(counts.sent > 0 && counts.sent == counts.received,
                       "\(from) -> \(to) through both storms: \(counts.sent - counts.received) of \(counts.sent) lost")
        results.record(resident[1] - resident[0] < 4 << 20,
                       "swiftplane-rr resident after each storm: \(resident[0] >> 20) MiB, \(resident[1] >> 20) MiB")
        try results.finish()
    }
}
#endif
