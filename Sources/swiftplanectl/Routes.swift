import AdminAPI
import BGP
import ArgumentParser

struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The RIB: every path with RD, MAC, IP, VNI, next hop, originator, cluster list; best (*) and stale (S).",
        discussion: """
            Filters combine (all must match). Route target membership routes
            (RFC 4684) show as type "rtc" with their origin-AS:RT/length.

            Examples:
              swiftplanectl routes
              swiftplanectl routes --vni 10 --type 2
              swiftplanectl routes --mac 02:00:00:00:00:01
              swiftplanectl routes --ip 10.0.0.1 --peer 10.0.0.2
              swiftplanectl routes --rt 65000:10           # EVPN routes with it, and the memberships asking for it
              swiftplanectl routes --rd 10.1.1.1:100 --json | jq '.[] | select(.best) | .mac'
            """
    )

    @OptionGroup var options: AdminOptions

    @Option(help: "Only routes of this VNI (0-16777215).")
    var vni: UInt32?

    @Option(help: "Only routes of this EVPN type: 1-5, or 0 for route target membership (rtc).")
    var type: Int?

    @Option(help: "Only type-2 routes of this MAC.")
    var mac: String?

    @Option(help: "Only routes with this IP (a type-2 host address, a type-3 originating router, a type-5 prefix's address).")
    var ip: String?

    @Option(help: "Only routes with this route distinguisher, e.g. 10.1.1.1:100.")
    var rd: String?

    @Option(help: "Only routes carrying this route target, e.g. 65000:10 (and memberships asking for it).")
    var rt: String?

    @Option(help: "Only routes from this neighbour (its address, or local).")
    var peer: String?

    func validate() throws {
        try validateVNI(vni)
        if let type, !(0...5).contains(type) { throw ValidationError("--type: invalid value '\(type)': expected 0 (rtc) or an EVPN type 1-5") }
        if let mac, EthernetAddress(mac) == nil { throw ValidationError("--mac: invalid value '\(mac)': expected a MAC such as 02:00:00:00:00:01") }
        if let ip, IPAddress(ip) == nil { throw ValidationError("--ip: invalid value '\(ip)': expected an IPv4 or IPv6 address") }
    }

    func run() throws {
        let target = adminTarget("/routes", ["vni": vni.map { "\($0)" }, "type": type.map { "\($0)" }, "mac": mac, "ip": ip,
                                             "rd": rd, "rt": rt, "peer": peer])
        try options.show(target, defaultSocket: .routeReflectorDefault, as: [RouteReport].self, table: Self.table)
    }

    /// One row a path: best (*) and stale (S), type, RD, MAC, IP, VNI, next hop, originator, cluster list, source.
    static func table(_ routes: [RouteReport]) -> String {
        TextTable("", "TYPE", "RD", "MAC", "IP", "VNI", "NEXT HOP", "ORIGINATOR", "CLUSTER LIST", "FROM", rows: routes) { r in
            // Another family's route (RT membership, RFC 4684): its family names the type, its prefix stands in the RD column.
            let type = r.type == 0 ? (r.family.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "0") : "\(r.type)"
            return [(r.best ? "*" : " ") + (r.stale ? "S" : " "), type, r.type == 0 ? r.prefix : r.rd ?? "-", r.mac ?? "-", r.ip ?? "-",
                    r.vni.map { "\($0)" } ?? "-", r.nextHop, r.originatorID ?? "-",
                    r.clusterList.isEmpty ? "-" : r.clusterList.joined(separator: ","), r.fromPeer]
        }.render(empty: "no routes")
    }
}
