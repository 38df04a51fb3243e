import BGP
import Foundation
import Testing
import TestSupport

/// Route target constraint (RFC 4684) between the built swiftplane-rr and
/// real gobgpd: a client that negotiated "rtc" gets only the EVPN routes of
/// the route targets it announced membership of (GoBGP announces one per
/// import route target of its VRFs), and more as a VRF is added, while a
/// client without the family still gets every route. (Removing a VRF is left
/// out: gobgpd 3.10 crashes in deleteRTCPathsByVrf when it holds the default
/// membership route a reflector sends; the speaker tests cover withdrawal.)
@Suite(.serialized, .enabled(if: GoBGPDaemon.available && ReflectorProcess.available && Command.builtProduct("swiftplanectl") != nil,
                             "gobgpd, swiftplane-rr or swiftplanectl missing (apt install gobgpd; swift build --build-tests)"))
struct RouteTargetConstraintInteropTests {
    /// The MAC addresses of the type-2 routes in a gobgpd's EVPN table.
    static func macs(_ d: GoBGPDaemon) throws -> Set<String> {
        Set(try d.evpnRIB().values.flatMap { $0 }.compactMap { path in
            ((path["nlri"] as? [String: Any])?["value"] as? [String: Any])?["mac"] as? String
        })
    }

    /// What `swiftplanectl neighbors --json` says each neighbour imports (nil: no route target constraint).
    static func imports(_ socket: String) throws -> [String: [String]?] {
        let r = try Command.run(Command.builtProduct("swiftplanectl") ?? "swiftplanectl", ["neighbors", "--json", "--socket", socket])
        let rows = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String: Any]] ?? []
        return Dictionary(rows.compactMap { row in (row["address"] as? String).map { ($0, row["routeTargets"] as? [String]) } },
                          uniquingKeysWith: { a, _ in a })
    }

    @Test func goBGPClientGetsOnlyItsMembersRoutes() async throws {
        let net = UInt8.random(in: 10...250)
        let port = freeLoopbackPort()
        let folder = try TemporaryFolder.create("swiftplane-rtc")
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("rr.sock").path
        // Route target constraint is on by default.
        let rr = try ReflectorProcess.start(["--as", "65000", "--router-id", "127.0.0.1", "--listen", "127.0.0.1:\(port)",
                                             "--accept", "127.92.0.0/16", "--log-level", "error", "--admin-socket", socket])
        defer { rr.stop() }
        let originator = try GoBGPDaemon(address: "127.92.\(net).2", peer: "127.0.0.1", peerPort: port)
        defer { originator.stop() }
        let constrained = try GoBGPDaemon(address: "127.92.\(net).3",
                                          neighbors: [.init(address: "127.0.0.1", port: port, routeTargetConstraint: true)])
        defer { constrained.stop() }
        let plain = try GoBGPDaemon(address: "127.92.\(net).4", peer: "127.0.0.1", peerPort: port)
        defer { plain.stop() }

        // The constrained client imports tenant 10 only.
        let vrfAdded = try await eventually(10, every: .milliseconds(200)) { try constrained.vrf("t10", routeTarget: "65000:10") }
        #expect(vrfAdded, "gobgp vrf add failed: \(constrained.log.suffix(400))")
        let mac10 = "02:00:00:00:00:0a", mac20 = "02:00:00:00:00:14"
        let routesAdded = try await eventually(10, every: .milliseconds(200)) {
            try originator.evpn(GoBGPDaemon.macadv(mac10, "10.0.0.10", vni: 10, vtep: "10.1.1.1", rd: 10))
        }
        #expect(routesAdded)
        #expect(try originator.evpn(GoBGPDaemon.macadv(mac20, "10.0.0.20", vni: 20, vtep: "10.1.1.1", rd: 20)))

        // The plain client gets both tenants' routes: both reached the reflector.
        var seen: Set<String> = []
        let plainGotAll = try await eventually(30, every: .milliseconds(200)) {
            seen = try Self.macs(plain)
            return seen == [mac10, mac20]
        }
        #expect(plainGotAll, "plain client holds \(seen): \(plain.log.suffix(400))")
        // The constrained one gets tenant 10's, and not tenant 20's: a later
        // tenant-10 route from the same originator arrives after the
        // reflector has dealt with tenant 20's, so holding it proves the
        // absence is not merely "not yet"; then it is withdrawn again.
        let gotTenant10 = try await eventually(10, every: .milliseconds(200)) {
            seen = try Self.macs(constrained)
            return seen == [mac10]
        }
        #expect(gotTenant10, "constrained client holds \(seen): \(constrained.log.suffix(400))")
        let marker = GoBGPDaemon.macadv("02:00:00:00:00:0b", "10.0.0.11", vni: 10, vtep: "10.1.1.1", rd: 10)
        #expect(try originator.evpn(marker))
        let gotMarker = try await eventually(10, every: .milliseconds(200)) {
            seen = try Self.macs(constrained)
            return seen.contains("02:00:00:00:00:0b")
        }
        #expect(gotMarker && seen == [mac10, "02:00:00:00:00:0b"], "constrained client holds \(seen)")
        #expect(try originator.evpn(marker, delete: true))
        #expect(try await eventually(10, every: .milliseconds(200)) { try Self.macs(constrained) == [mac10] })
        // The operator's view: what each client imports.
        let expected: [String: [String]?] = [constrained.address: ["65000:10"], plain.address: nil, originator.address: nil]
        #expect(try Self.imports(socket) == expected)

        // Membership of tenant 20 added: its route follows.
        #expect(try constrained.vrf("t20", routeTarget: "65000:20"))
        let gotBoth = try await eventually(10, every: .milliseconds(200)) {
            seen = try Self.macs(constrained)
            return seen == [mac10, mac20]
        }
        #expect(gotBoth, "constrained client holds \(seen)")
        #expect(try Self.imports(socket)[constrained.address] == .some(["65000:10", "65000:20"]))
        #expect(try Self.macs(plain) == [mac10, mac20])
    }
}
