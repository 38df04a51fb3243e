import AdminAPI
import Foundation
import Testing
import TestSupport

/// The views and actions FRR and GoBGP operators reach for, on a running
/// swiftplane-rr with two real gobgpd clients: `neighbors NAME` (and its
/// `adj-in` and `adj-out`), the
/// `routes` filters, `log-level`, and finding the socket without --socket.
@Suite(.serialized, .enabled(if: GoBGPDaemon.available && Built.rr != nil && Built.ctl != nil,
                             "needs gobgpd/gobgp and the built swiftplane-rr and swiftplanectl"))
struct OperatorViewsTests {
    @Test func neighborDetailRouteFiltersLogLevelAndSocketDiscovery() async throws {
        try await ReflectorWithClients.with(hint: "views", octet: 88) { f in
            let (folder, socket, rr, originator, receiver) = (f.folder, f.socket, f.rr, f.originator, f.receiver)
            try await f.originate([RouteReflectorAdminTests.macadv, RouteReflectorAdminTests.second, RouteReflectorAdminTests.multicast])

            // neighbors NAME: what the OPENs agreed, per-family counts each way.
            let json = try Built.ctl(socket, ["neighbors", originator.address, "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let detail = try JSONDecoder().decode(NeighborDetailReport.self, from: Data(json.stdout.utf8))
            #expect(detail.neighbor.state == "Established" && detail.neighbor.dynamic && detail.peerRouterID != nil)
            #expect(detail.families.contains("l2vpn/evpn"), "\(detail.families)")
            #expect(detail.capabilities.contains("route-refresh") && detail.capabilities.contains("4-octet-as"), "\(detail.capabilities)")
            #expect(detail.holdTime == 90 && detail.keepalive == 30 && detail.configuredHoldTime == 90 && detail.flaps == 0)
            #expect(detail.prefixes.first { $0.family == "l2vpn/evpn" }.map { ($0.received, $0.sent) } ?? (0, 0) == (3, 0), "\(detail.prefixes)")
            let toReceiver = try JSONDecoder().decode(NeighborDetailReport.self,
                                                      from: Data(try Built.ctl(socket, ["neighbors", receiver.address, "--json"]).stdout.utf8))
            #expect(toReceiver.prefixes.first { $0.family == "l2vpn/evpn" }?.sent == 3, "\(toReceiver.prefixes)")
            let table = try Built.ctl(socket, ["neighbors", originator.address])
            #expect(table.stdout.hasPrefix("BGP neighbour \(originator.address), AS 65000, dynamic") && table.stdout.contains("flaps 0")
                    && table.stdout.contains("route-refresh"), "\(table.stdout)")
            #expect(table.stdout.split(separator: "\n").contains { $0.split(separator: " ").map(String.init) == ["l2vpn/evpn", "3", "0"] }, "\(table.stdout)")
            // Graceful restart offered by neither side (the reflector's default is off; these clients do not offer it).
            #expect(detail.gracefulRestart.localRestartTime == nil && detail.gracefulRestart.peerRestartTime == nil
                    && !detail.capabilities.contains("graceful-restart"), "\(detail.gracefulRestart)")
            #expect(table.stdout.contains("graceful restart: ours off, theirs not offered"), "\(table.stdout)")
            let unknown = try Built.ctl(socket, ["neighbors", "127.88.0.99"])
            #expect(unknown.status == 1 && unknown.stderr.contains("no neighbour '127.88.0.99'") && unknown.stderr.contains(receiver.address),
                    "\(unknown.stderr)")

            // neighbors NAME adj-in / adj-out: what it sent us; what we sent it, as sent (reflected: originator and cluster list set).
            func adjacent(_ name: String, _ which: String) throws -> [RouteReport] {
                let r = try Built.ctl(socket, ["neighbors", name, which, "--json"])
                #expect(r.status == 0, "\(which): \(r.stderr)")
                return try JSONDecoder().decode([RouteReport].self, from: Data(r.stdout.utf8))
            }
            let adjIn = try adjacent(originator.address, "adj-in")
            #expect(Set(adjIn.compactMap(\.mac)) == ["02:00:00:00:00:01", "02:00:00:00:00:02"] && adjIn.count == 3, "\(adjIn)")
            #expect(adjIn.allSatisfy { $0.fromPeer == originator.address && $0.originatorID == nil && $0.best })
            #expect(try adjacent(receiver.address, "adj-in").filter { $0.type != 0 }.isEmpty)
            let adjOut = try adjacent(receiver.address, "adj-out").filter { $0.type != 0 }
            #expect(adjOut.map(\.prefix).sorted() == adjIn.map(\.prefix).sorted(), "\(adjOut)")
            #expect(adjOut.allSatisfy { $0.originatorID == originator.address && $0.clusterList == ["127.0.0.1"] && $0.fromPeer == originator.address },
                    "\(adjOut)")
            // Not reflected back to where they came from.
            #expect(try adjacent(originator.address, "adj-out").filter { $0.type != 0 }.isEmpty)
            let adjOutTable = try Built.ctl(socket, ["neighbors", receiver.address, "adj-out"])
            #expect(adjOutTable.stdout.contains("ORIGINATOR") && adjOutTable.stdout.contains("02:00:00:00:00:02")
                    && adjOutTable.stdout.split(separator: "\n").count == 4, "\(adjOutTable.stdout)")
            let unknownTable = try Built.ctl(socket, ["neighbors", "127.88.0.99", "adj-in"])
            #expect(unknownTable.status == 1 && unknownTable.stderr.contains("no neighbour '127.88.0.99'"), "\(unknownTable.stderr)")

            // routes filters: each one alone narrows the table; JSON too.
            func rows(_ filter: [String]) throws -> [RouteReport] {
                let r = try Built.ctl(socket, ["routes", "--json"] + filter)
                #expect(r.status == 0, "\(filter): \(r.stderr)")
                return try JSONDecoder().decode([RouteReport].self, from: Data(r.stdout.utf8))
            }
            #expect(try rows(["--mac", "02:00:00:00:00:02"]).map(\.rd) == ["10.1.1.1:101"])
            #expect(try rows(["--mac", "02:00:00:00:00:0A"]).isEmpty)
            #expect(try rows(["--ip", "10.0.0.1"]).map(\.mac) == ["02:00:00:00:00:01"])
            #expect(try rows(["--ip", "10.1.1.1"]).map(\.type) == [3])
            #expect(try rows(["--rd", "10.1.1.1:100"]).map(\.type).sorted() == [2, 3])
            #expect(try rows(["--rt", "65000:1002"]).map(\.mac) == ["02:00:00:00:00:02"])
            #expect(try rows(["--peer", originator.address]).count == 3)
            #expect(try rows(["--peer", receiver.address]).isEmpty)
            #expect(try rows(["--peer", originator.address, "--type", "2", "--vni", "1001"]).count == 1)
            // The reflector's own RT membership route (RFC 4684) is shown as such.
            let membership = try rows(["--type", "0"])
            #expect(membership.count == 1 && membership.first?.family == "ipv4/rtc" && membership.first?.prefix == "default", "\(membership)")
            let rtcTable = try Built.ctl(socket, ["routes", "--type", "0"])
            #expect(rtcTable.stdout.split(separator: "\n").dropFirst().first?.contains(" rtc ") == true, "\(rtcTable.stdout)")
            let badMAC = try Built.ctl(socket, ["routes", "--mac", "nonsense"])
            #expect(badMAC.status == 2 && badMAC.stderr.contains("--mac: invalid value 'nonsense'"), "\(badMAC.stderr)")

            // log-level at run time: at error, a warning is not logged; back at warning, it is.
            // The warning: a connection from outside the accepted range
            // (127.0.0.1), refused. The refusal is counted before it is
            // logged: the count says the reflector has dealt with it.
            func refusals() -> Double {
                let page = (try? String(decoding: f.client.get("/metrics").body, as: UTF8.self)) ?? ""
                return PrometheusText.sample(page, "swiftplane_errors_total", ["kind": "bgp_connection_refused"]) ?? 0
            }
            func refused() async throws -> Bool {
                let before = refusals()
                // Held open until the reflector closes it (at most 2 s): a
                // connection its client had already closed could go before
                // the reflector looked at it.
                _ = try Command.run("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(f.port); read -t 2 -u 3 || true"])
                return await eventually(5, every: .milliseconds(100)) { refusals() > before }
            }
            let refusal = "connection refused: outside every accepted range"
            #expect(try Built.ctl(socket, ["log-level"]).stdout == "log level info\n")
            let set = try Built.ctl(socket, ["log-level", "error"])
            #expect(set.status == 0 && set.stdout == "log level error (was info)\n", "\(set.stdout)\(set.stderr)")
            kill(rr.pid, SIGHUP)
            #expect(try await refused(), "the connection from 127.0.0.1 was not counted as refused")
            #expect(!rr.output.contains(refusal), "\(rr.output.suffix(600))")
            #expect(try Built.ctl(socket, ["log-level", "warning"]).status == 0)
            #expect(try await refused(), "the connection from 127.0.0.1 was not counted as refused")
            #expect(rr.output.contains(refusal), "\(rr.output.suffix(600))")
            kill(rr.pid, SIGHUP)
            #expect(await eventually(5, every: .milliseconds(100)) { rr.output.contains("SIGHUP ignored: no --config file to re-read") }, "\(rr.output.suffix(600))")
            // The SIGHUP sent at error left no line: the one there is the second's.
            #expect(rr.output.components(separatedBy: "SIGHUP ignored").count == 2, "\(rr.output.suffix(600))")
            #expect(try Built.ctl(socket, ["log-level", "loud"]).status == 2)

            // Without --socket: the reflector's socket in the run folder, said on stderr.
            let ctl = Built.ctl!
            let found = try Command.run("/usr/bin/env", ["SWIFTPLANE_RUN_DIR=\(folder.path)", ctl, "neighbors"])
            #expect(found.status == 0 && found.stderr == "swiftplanectl: using \(socket) (swiftplane-rr)\n", "\(found.stderr)")
            #expect(found.stdout.hasPrefix("NEIGHBOR") && found.stdout.contains(originator.address))
            // The agent's commands look for the agent's socket only.
            let none = try Command.run("/usr/bin/env", ["SWIFTPLANE_RUN_DIR=\(folder.path)", ctl, "endpoints"])
            #expect(none.status == 1 && none.stderr.contains("no daemon socket found (looked for \(folder.path)/agent.sock)"), "\(none.stderr)")
        }
    }

    /// `neighbors NAME` with graceful restart (RFC 4724) negotiated: our
    /// restart time as configured, the peer's as gobgpd offered it, the
    /// capability listed, End-of-RIB seen, nothing stale.
    @Test func neighborDetailShowsGracefulRestart() async throws {
        try await ReflectorWithClients.with(hint: "views-gr", octet: 86,
                                            arguments: ["--graceful-restart", "--restart-time", "90", "--selection-deferral-time", "0"],
                                            clientGracefulRestart: 45) { f in
            func detail() throws -> NeighborDetailReport {
                let json = try Built.ctl(f.socket, ["neighbors", f.originator.address, "--json"])
                return try JSONDecoder().decode(NeighborDetailReport.self, from: Data(json.stdout.utf8))
            }
            let now = try detail()
            #expect(now.gracefulRestart.localRestartTime == 90 && now.gracefulRestart.peerRestartTime == 45, "\(now.gracefulRestart)")
            #expect(now.capabilities.contains("graceful-restart"), "\(now.capabilities)")
            #expect(now.gracefulRestart.staleRoutes == 0)
            #expect(await eventually(10, every: .milliseconds(200)) {
                (try? detail().gracefulRestart.endOfRIBReceived.contains("l2vpn/evpn")) == true
            }, "End-of-RIB from gobgpd: \((try? detail().gracefulRestart).map { "\($0)" } ?? "no report")")
            let table = try Built.ctl(f.socket, ["neighbors", f.originator.address])
            #expect(table.stdout.contains("graceful restart: ours 90 s, theirs 45 s"), "\(table.stdout)")
        }
    }
}
