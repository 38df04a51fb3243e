import AdminAPI
import Agent
import BGP
import Foundation
import Overlay
import Testing
@testable import swiftplane_agent

/// The age column of `swiftplanectl evpn macs`: a configured or OVSDB MAC's
/// since it appeared (or changed) on its port, a remote one's since its
/// route arrived, a learned one's since it was last seen.
struct MACAgeTests {
    static let t0 = ContinuousClock.now

    @Test func stampsKeepWhileUnchangedAndRenewOnChange() {
        var ages = MACAges()
        let a = Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))
        ages.stamp("br0", .init(ports: [1: vni, 2: vni], endpoints: [a]), at: Self.t0)
        ages.observe(.portsChanged(bridge: "br0", ports: .init(ports: [1: vni, 2: vni], endpoints: [a]), tunnelProblem: nil),
                     at: Self.t0 + .seconds(5))
        #expect(ages.localSince("br0", a.key) == Self.t0, "unchanged: the first stamp stays")
        var moved = a
        moved.location = .local(port: 2)
        ages.observe(.databaseRead(bridge: "br0", datapathID: nil, ports: .init(ports: [1: vni, 2: vni], endpoints: [moved]),
                                   tunnelProblem: nil), at: Self.t0 + .seconds(9))
        #expect(ages.localSince("br0", a.key) == Self.t0 + .seconds(9), "moved to another port: stamped again")
        ages.observe(.portsChanged(bridge: "br0", ports: .init(ports: [1: vni, 2: vni], endpoints: []), tunnelProblem: nil),
                     at: Self.t0 + .seconds(10))
        #expect(ages.localSince("br0", a.key) == nil, "gone from the port")

        let b = Endpoint(vni: vni, mac: macB, ipv4: [ipB], location: .remote(vtep: remoteVTEP))
        let routes = remoteRoutes(b)
        ages.observe(.routesChanged(routes.map { ($0.route, $0) }), at: Self.t0 + .seconds(20))
        #expect(ages.remoteSince(macB) == Self.t0 + .seconds(20))
        ages.observe(.routesChanged(routes.map { ($0.route, nil) }), at: Self.t0 + .seconds(30))
        #expect(ages.remoteSince(macB) == Self.t0 + .seconds(20), "a withdrawal stamps nothing")
        ages.prune(remoteMACs: [])
        #expect(ages.remoteSince(macB) == nil, "pruned once no route holds it")
    }

    @Test func macsViewGivesEachSourceItsAge() async throws {
        let daemon = try viewDaemon(vnis: "[{vni: 10}]")
        try await Task.sleep(for: .milliseconds(300))
        let b = Endpoint(vni: vni, mac: macB, ipv4: [ipB], location: .remote(vtep: remoteVTEP))
        await daemon.handle(.routesChanged(remoteRoutes(b).map { ($0.route, $0) }))
        let router = daemon.adminRouter(metrics: nil)
        let response = await router.respond(to: AdminRequest(path: "/evpn/macs"))
        let macs = try JSONDecoder().decode([MACReport].self, from: Data(response.body))
        let configured = try #require(macs.first { $0.mac == "02:00:00:00:00:0a" }, "\(macs)")
        let remote = try #require(macs.first { $0.mac == "\(macB)" }, "\(macs)")
        #expect(configured.source == .static && remote.source == .bgp, "\(macs)")
        let (configuredAge, remoteAge) = (try #require(configured.ageSeconds), try #require(remote.ageSeconds))
        // The static MAC is as old as the daemon; the remote one arrived 300 ms later.
        #expect(configuredAge >= 0.3 && configuredAge < 60 && remoteAge >= 0 && configuredAge - remoteAge >= 0.25,
                "configured \(configuredAge) s, remote \(remoteAge) s")
    }
}
