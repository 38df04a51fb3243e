import Agent
import BGP
import Overlay
import Testing

/// A route from another host that claims a MAC local here must not
/// take it away from its port unless MAC mobility (RFC 7432 section 15) says
/// it moved: a configured endpoint (OVSDB or static) never yields its port, a
/// gleaned one yields only to a strictly higher sequence than ours. Either
/// stops advertising the MAC when a strictly higher sequence than ours is
/// received (RFC 7432 section 15): the other hosts follow that one anyway.
struct MACStealingTests {
    enum Origin: String, Sendable { case configured, gleaned }

    struct Row: Sendable, CustomTestStringConvertible {
        var origin: Origin
        /// MAC mobility sequences the other host advertises, in turn (0: no extended community).
        var claims: [UInt32]
        var staysLocal: Bool
        /// Whether we still advertise it afterwards.
        var advertised: Bool
        var testDescription: String {
            "\(origin), claims \(claims) -> \(staysLocal ? "stays local" : "moves")\(advertised ? ", advertised" : ", withdrawn")"
        }
    }

    static let rows: [Row] = [
        // A configured MAC claims once (the first remote sequence + 1).
        Row(origin: .configured, claims: [0], staysLocal: true, advertised: true),
        Row(origin: .configured, claims: [7], staysLocal: true, advertised: true),
        // Ours is 1 after the first claim; 2 outbids it.
        Row(origin: .configured, claims: [0, 1, 2, 1_000_000], staysLocal: true, advertised: false),
        Row(origin: .gleaned, claims: [0], staysLocal: true, advertised: true),
        Row(origin: .gleaned, claims: [0, 0, 0], staysLocal: true, advertised: true),
        // A move by the rules: a higher sequence than ours.
        Row(origin: .gleaned, claims: [1], staysLocal: false, advertised: false),
        Row(origin: .gleaned, claims: [0, 3], staysLocal: false, advertised: false),
    ]

    @Test(arguments: rows)
    func remoteClaimOnALocalMAC(_ row: Row) throws {
        let local = Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))
        var agent = row.origin == .configured ? core(endpoints: [local]) : core()
        if row.origin == .gleaned {
            let frames = try fixture("icmp-echo.pcap")
            _ = agent.handlePacketIn(packetIn(frames[0], port: 1), bridge: "br0", at: .now)
        }
        try #require(agent.bridgeState("br0")?.endpoints[local.key]?.location == .local(port: 1))
        for claim in row.claims {
            agent.setReceivedRoutes(remoteRoutes(Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .remote(vtep: remoteVTEP)),
                                                 sequence: claim), at: .now)
        }
        let location = agent.bridgeState("br0")?.endpoints[local.key]?.location
        #expect(location == (row.staysLocal ? .local(port: 1) : .remote(vtep: remoteVTEP)))
        // Whether we go on advertising it from our VTEP.
        #expect(agent.advertisements.contains { path in
            if case let .macIPAdvertisement(route) = path.route { route.mac == macA } else { false }
        } == row.advertised)
    }
}
