import AdminAPI
import ArgumentParser
import ExecutableSupport

@main
struct SwiftplaneCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplanectl",
        abstract: "Operate and inspect a swiftplane overlay.",
        discussion: """
            The daemons answer on their admin sockets (root only by default):
            swiftplane-rr on /run/swiftplane/rr.sock, swiftplane-agent on
            /run/swiftplane/agent.sock. Without --socket, swiftplanectl uses
            the one that exists there (neighbors, routes and log-level try the
            reflector's first) and says which on standard error;
            $SWIFTPLANE_RUN_DIR names another folder.

            Examples:
              swiftplanectl neighbors
              swiftplanectl routes --vni 10 --type 2
              swiftplanectl neighbors --socket /run/swiftplane/agent.sock
              swiftplanectl endpoints --json | jq '.[] | select(.source == "bgp")'
              swiftplanectl flows --dpid 0000aabbccddeeff --live
              swiftplanectl bum
              swiftplanectl evpn macs --duplicate
              swiftplanectl clear dup-mac 02:00:00:00:00:01
              swiftplanectl log-level debug
              swiftplanectl trace --from c1 --to 192.168.0.3

            Exit status: 0 done, 1 the daemon answered with an error or cannot
            be reached (the message names the socket), 2 usage error.
            """,
        version: SwiftplaneVersion.text,
        subcommands: [Neighbors.self, Routes.self, Endpoints.self, Switches.self, Flows.self, BUM.self, EVPN.self, Trace.self, Clear.self,
                      LogLevel.self, Neighbor.self, MRT.self, Health.self, Decode.self]
    )

    /// Usage errors exit 2 (ArgumentParser's own default is 64).
    static func main() async { await Executable.main(Self.self, name: "swiftplanectl") }
}

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode wire data (OpenFlow, BGP, pcap captures) to JSON, one object per message or frame.",
        subcommands: [DecodeOpenFlow.self, DecodeBGP.self, DecodePcap.self]
    )
}
