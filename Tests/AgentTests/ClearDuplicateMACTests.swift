import AdminAPI
import Agent
import AgentConfiguration
import Foundation
import Logging
import Overlay
import Testing
@testable import swiftplane_agent

extension AgentDaemon {
    /// For tests: the core as a test built it (a MAC frozen by a bounce).
    func replaceCore(_ next: AgentCore) {
        machine = AgentStateMachine(core: next, bridges: configuration.bridgeIdentities, deferral: machine.deferral,
                                    advertises: speaker != nil, startedAt: .now)
    }
}

/// `swiftplanectl evpn macs --duplicate` and `clear dup-mac` through the
/// agent's own admin router, on a MAC that duplicate detection really
/// froze (the bounce of `DuplicateMACTests`): listed as frozen, a wrong MAC
/// refused with the frozen ones named, the right one thawed and gone from
/// the list.
struct ClearDuplicateMACTests {
    static let yaml = """
        vtep: 10.0.0.1
        as: 65000
        controller: {listen: '127.0.0.1:0'}
        bridges: [{name: br0, vxlan-port: 100}]
        vnis: [{vni: 10}]
        """

    func decode<T: Decodable>(_ type: T.Type, _ response: AdminResponse) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    @Test func frozenMACIsListedAndClearedThroughTheAdminAPI() async throws {
        var frozen = core(duplicates: .init(maximumMoves: 4, window: .seconds(180)))
        let frame = try #require(try fixture("icmp-echo.pcap").first)
        DuplicateMACTests().bounce(&frozen, remote: Endpoint(vni: vni, mac: macA, location: .remote(vtep: remoteVTEP)), frame: frame,
                                   tick: SecondClock().tick)
        try #require(frozen.frozenMACs.map(\.key.mac) == [macA])

        let daemon = try AgentDaemon(configuration: try AgentConfiguration.parse(yaml: Self.yaml, file: "agent.yaml"),
                                     logger: Logger(label: "test"))
        await daemon.replaceCore(frozen)
        let router = daemon.adminRouter(metrics: nil)

        // The MAC is here (gleaned, our sequence 5) and at the remote VTEP: both rows say frozen.
        let listed = try decode([MACReport].self, await router.respond(to: AdminRequest(path: "/evpn/macs", query: ["duplicate": "1"])))
        #expect(listed.map(\.mac) == ["02:00:00:00:00:01", "02:00:00:00:00:01"] && listed.allSatisfy { $0.frozen && $0.moves == 5 }, "\(listed)")
        let local = try #require(listed.first { $0.location == "local" })
        #expect(local.source == .learned && local.sequence == 5 && local.port == "1" && (local.frozenSeconds ?? -1) >= 0, "\(local)")
        // Its age is its silence as the core keeps it: the bounce's last frame was seconds of its clock ago.
        #expect(local.ageSeconds.map { $0 >= 0 } == true, "\(local)")
        #expect(listed.first { $0.location == "remote" }.map { ($0.source, $0.vtep) } ?? (nil, nil) == (.bgp, "10.0.0.2"), "\(listed)")
        #expect(try decode([MACReport].self, await router.respond(to: AdminRequest(path: "/evpn/macs", query: ["vni": "11"]))).isEmpty)

        let wrong = await router.respond(to: AdminRequest(method: "POST", path: "/clear/dup-mac", query: ["mac": "02:00:00:00:00:77"]))
        #expect(wrong.status == 404)
        #expect(String(decoding: wrong.body, as: UTF8.self).contains("02:00:00:00:00:77 is not frozen; frozen: 02:00:00:00:00:01 (VNI 10)"))
        let unread = await router.respond(to: AdminRequest(path: "/clear/dup-mac", query: ["all": "1"]))
        #expect(unread.status == 404, "an action is POST only")

        let cleared = await router.respond(to: AdminRequest(method: "POST", path: "/clear/dup-mac", query: ["mac": "02:00:00:00:00:01"]))
        #expect(cleared.status == 200)
        #expect(try decode(ClearReport.self, cleared).cleared == ["02:00:00:00:00:01"])
        #expect(try decode([MACReport].self, await router.respond(to: AdminRequest(path: "/evpn/macs", query: ["duplicate": "1"]))).isEmpty)
        let again = await router.respond(to: AdminRequest(method: "POST", path: "/clear/dup-mac", query: ["all": "1"]))
        #expect(try decode(ClearReport.self, again).cleared.isEmpty)
    }
}
