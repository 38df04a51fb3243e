import AdminAPI
import Foundation
import Testing
import TestSupport

/// `swiftplanectl neighbors` and `routes` against a running swiftplane-rr
/// with real gobgpd clients: one originates EVPN routes with its CLI, the
/// other receives them; tables and JSON name what GoBGP was told. The
/// Prometheus page's figures move when the routes do.
@Suite(.serialized, .enabled(if: GoBGPDaemon.available && Built.rr != nil && Built.ctl != nil,
                             "needs gobgpd/gobgp and the built swiftplane-rr and swiftplanectl"))
struct RouteReflectorAdminTests {
    static let macadv = ["macadv", "02:00:00:00:00:01", "10.0.0.1", "etag", "0", "label", "1001", "rd", "10.1.1.1:100",
                         "rt", "65000:1001", "encap", "vxlan", "nexthop", "10.1.1.1"]
    static let second = ["macadv", "02:00:00:00:00:02", "10.0.0.2", "etag", "0", "label", "1002", "rd", "10.1.1.1:101",
                         "rt", "65000:1002", "encap", "vxlan", "nexthop", "10.1.1.1"]
    static let multicast = ["multicast", "10.1.1.1", "etag", "0", "rd", "10.1.1.1:100", "rt", "65000:1001", "encap", "vxlan",
                            "nexthop", "10.1.1.1"]

    @Test func neighborsRoutesAndMetricsFromARunningReflector() async throws {
        try await ReflectorWithClients.with(hint: "admin-rr", octet: 89, arguments: ["--log-level", "info"]) { f in
            let (socket, port, originator, receiver, client) = (f.socket, f.port, f.originator, f.receiver, f.client)
            let before = try String(decoding: client.get("/metrics").body, as: UTF8.self)
            try await f.originate([Self.macadv, Self.second, Self.multicast])

            // neighbors, JSON: both clients, dynamic, prefixes received by the originator's, sent to the receiver's.
            let json = try Built.ctl(socket, ["neighbors", "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let neighbors = try JSONDecoder().decode([NeighborReport].self, from: Data(json.stdout.utf8))
            let o = try #require(neighbors.first { $0.address == originator.address })
            let r = try #require(neighbors.first { $0.address == receiver.address })
            #expect(o.state == "Established" && o.dynamic && o.asn == 65000)
            #expect(o.prefixesReceived == 3 && o.prefixesSent == 0)
            #expect(r.prefixesReceived == 0 && r.prefixesSent == 3)
            // GoBGP here offers no route target constraint (RFC 4684): no imports to list, it gets every route.
            #expect(o.routeTargets == nil && r.routeTargets == nil)
            #expect((o.uptimeSeconds ?? -1) >= 0)

            // neighbors, table.
            let table = try Built.ctl(socket, ["neighbors"])
            #expect(table.status == 0)
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("NEIGHBOR") == true, "\(table.stdout)")
            let originatorLine = try #require(lines.first { $0.hasPrefix(originator.address + " ") })
            #expect(originatorLine.split(separator: " ", omittingEmptySubsequences: true).map(String.init).prefix(3)
                    == [originator.address, "65000", "Established"], "\(originatorLine)")

            // routes --vni 1001 --type 2, JSON: the fields GoBGP was told.
            let routesJSON = try Built.ctl(socket, ["routes", "--vni", "1001", "--type", "2", "--json"])
            #expect(routesJSON.status == 0, "\(routesJSON.stderr)")
            let routes = try JSONDecoder().decode([RouteReport].self, from: Data(routesJSON.stdout.utf8))
            #expect(routes.count == 1, "\(routes)")
            let route = try #require(routes.first)
            #expect(route.type == 2 && route.rd == "10.1.1.1:100" && route.mac == "02:00:00:00:00:01" && route.ip == "10.0.0.1")
            #expect(route.vni == 1001 && route.nextHop == "10.1.1.1" && route.fromPeer == originator.address)
            #expect(route.best && !route.stale && route.clusterList.isEmpty && route.originatorID == nil)
            #expect(route.routeTargets.contains { $0.contains("65000:1001") }, "\(route.routeTargets)")

            // routes, table: all three, and the reflector's own default RT membership
            // route (RFC 4684, type 0); the type filter keeps the type-3 one alone.
            let all = try Built.ctl(socket, ["routes"])
            #expect(all.status == 0)
            #expect(all.stdout.split(separator: "\n").count == 5, "\(all.stdout)")
            #expect(all.stdout.split(separator: "\n").contains { $0.contains(" rtc ") && $0.contains("default") && $0.hasSuffix("local") },
                    "\(all.stdout)")
            #expect(all.stdout.contains("02:00:00:00:00:02") && all.stdout.contains("1002"))
            let type3 = try Built.ctl(socket, ["routes", "--type", "3"])
            let rows = type3.stdout.split(separator: "\n").dropFirst()
            #expect(rows.count == 1 && rows.first?.contains("10.1.1.1:100") == true && rows.first?.hasPrefix("*") == true, "\(type3.stdout)")

            // Metrics moved with the routes.
            let after = try String(decoding: client.get("/metrics").body, as: UTF8.self)
            #expect(Built.sample(after, "bgp_routes", ["type": "2", "peer": originator.address]) == 2, "\(after)")
            #expect(Built.sample(after, "bgp_routes", ["type": "3", "peer": originator.address]) == 1)
            #expect(Built.sample(after, "bgp_sessions", ["state": "Established"]) == 2)
            let received = try #require(Built.sample(after, "bgp_updates_received_total"))
            #expect(received >= (Built.sample(before, "bgp_updates_received_total") ?? 0) + 3)
            #expect((Built.sample(after, "bgp_updates_sent_total") ?? 0) > (Built.sample(before, "bgp_updates_sent_total") ?? 0))

            // A withdrawal is seen by both.
            #expect(try originator.cli(["global", "rib", "del", "-a", "evpn"] + Self.macadv).status == 0)
            #expect(await eventually(10, every: .milliseconds(200)) { ((try? client.get("/routes?type=2", as: [RouteReport].self)) ?? []).count == 1 })
            let withdrawn = try String(decoding: client.get("/metrics").body, as: UTF8.self)
            #expect(Built.sample(withdrawn, "bgp_routes", ["type": "2", "peer": originator.address]) == 1)

            // A connection from outside the accepted range is refused and counted as an error.
            let refusedBefore = Built.sample(withdrawn, "swiftplane_errors_total", ["kind": "bgp_connection_refused"]) ?? 0
            #expect(Self.dial(from: "127.90.0.1", port: port))
            let counted = await eventually(5, every: .milliseconds(200)) {
                let page = String(decoding: (try? client.get("/metrics").body) ?? [], as: UTF8.self)
                return (Built.sample(page, "swiftplane_errors_total", ["kind": "bgp_connection_refused"]) ?? 0) > refusedBefore
            }
            #expect(counted)
        }
    }

    /// Opens (and closes) a TCP connection to 127.0.0.1:port from `source`; true when it connected.
    static func dial(from source: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        func address(_ ip: String, _ port: Int) -> sockaddr_in {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, ip, &a.sin_addr)
            return a
        }
        var local = address(source, 0), remote = address("127.0.0.1", port)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafePointer(to: &local, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }) == 0 else { return false }
        let connected = withUnsafePointer(to: &remote, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) } }) == 0
        // Wait for the reflector's close, so the refusal has happened before the caller looks.
        var byte: UInt8 = 0
        var tv = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = recv(fd, &byte, 1, 0)
        return connected
    }

    struct UsageCase: Sendable, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var stderr: String
        var description: String { arguments.joined(separator: " ") }
    }

    static let usageCases: [UsageCase] = [
        UsageCase(arguments: ["routes", "--type", "7"], status: 2, stderr: "--type: invalid value '7': expected 0 (rtc) or an EVPN type 1-5"),
        UsageCase(arguments: ["routes", "--vni", "16777216"], status: 2, stderr: "--vni: invalid value '16777216'"),
        UsageCase(arguments: ["flows", "--dpid", "xyz"], status: 2, stderr: "--dpid: invalid value 'xyz'"),
        UsageCase(arguments: ["neighbours"], status: 2, stderr: "Unexpected argument 'neighbours'"),
        UsageCase(arguments: ["neighbors", "--socket", "/nonexistent/rr.sock"], status: 1,
                  stderr: "cannot reach the daemon at /nonexistent/rr.sock: No such file or directory"),
        UsageCase(arguments: ["bum", "--json", "--socket", "/nonexistent/agent.sock"], status: 1,
                  stderr: "cannot reach the daemon at /nonexistent/agent.sock"),
    ]

    @Test(arguments: usageCases)
    func exitCodesSayWhatWentWrong(_ c: UsageCase) throws {
        let r = try Command.run(Built.ctl!, c.arguments)
        #expect(r.status == c.status, "\(r.stderr)")
        #expect(r.stderr.contains(c.stderr), "\(r.stderr)")
    }

    @Test(arguments: ["neighbors", "routes", "endpoints", "switches", "flows", "bum"])
    func helpTeachesWithExamples(_ command: String) throws {
        let r = try Command.run(Built.ctl!, [command, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Examples:") && r.stdout.contains("swiftplanectl \(command)") && r.stdout.contains("--json"), "\(r.stdout)")
    }
}
