import AdminAPI
import ArgumentParser

struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The RIB: every path with RD, MAC, IP, VNI, next hop, originator, cluster list; best (*) and stale (S).",
        discussion: """
            Examples:
              swiftplanectl routes
              swiftplanectl routes --vni 10 --type 2
              swiftplanectl routes --json | jq '.[] | select(.best) | .mac'
            """
    )

    @OptionGroup var options: AdminOptions

    @Option(help: "Only routes of this VNI (0-16777215).")
    var vni: UInt32?

    @Option(help: "Only routes of this EVPN type: 2 (MAC/IP) or 3 (inclusive multicast).")
    var type: Int?

    func validate() throws {
        if let vni, vni > 0xff_ffff { throw ValidationError("--vni: invalid value '\(vni)': a VNI is 0-16777215") }
        if let type, ![2, 3].contains(type) { throw ValidationError("--type: invalid value '\(type)': expected 2 or 3") }
    }

    func run() throws {
        let query = [vni.map { "vni=\($0)" }, type.map { "type=\($0)" }].compactMap { $0 }
        let target = "/routes" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        try options.show(target, defaultSocket: .routeReflectorDefault, as: [RouteReport].self) { routes in
            var table = TextTable("", "TYPE", "RD", "MAC", "IP", "VNI", "NEXT HOP", "ORIGINATOR", "CLUSTER LIST", "FROM")
            for r in routes {
                // Type 0 is another family's route (RT membership, RFC 4684): its prefix stands in the RD column.
                table.add([(r.best ? "*" : " ") + (r.stale ? "S" : " "), "\(r.type)", r.type == 0 ? r.prefix : r.rd ?? "-", r.mac ?? "-", r.ip ?? "-",
                           r.vni.map { "\($0)" } ?? "-", r.nextHop, r.originatorID ?? "-",
                           r.clusterList.isEmpty ? "-" : r.clusterList.joined(separator: ","), r.fromPeer])
            }
            return table.render(empty: "no routes")
        }
    }
}
