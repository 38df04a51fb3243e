import BGP
import NIOCore
import Testing
import TestSupport

/// EVPN routes of an IPv6 VTEP (RFC 8365 section 5.1.3: the next hop, and
/// the type-3 route's originating router and PMSI tunnel endpoint, may be
/// IPv6): 16 octets on the wire, the same values back.
struct IPv6VTEPTests {
    static let vtep = IPAddress.v6(IPv6Address("fd00:9::1")!)
    static let rd = RouteDistinguisher.ipv4(IPv4Address(10, 0, 0, 1), 5)

    static func update(_ route: EVPNRoute, pmsi: Bool) -> Update {
        var attrs: [PathAttribute] = [
            PathAttribute(flags: [.optional, .extendedLength],
                          value: .mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: vtep, nlri: [.evpn(route)]))),
            PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
        ]
        if pmsi { attrs.append(PathAttribute(.pmsiTunnel(.ingressReplication(vni: 10000, endpoint: vtep)))) }
        return Update(attributes: PathAttributes(attrs))
    }

    static let routes: [(String, EVPNRoute, Bool)] = [
        ("type 2 with an IPv6 address", .macIPAdvertisement(MACIPAdvertisementRoute(
            rd: rd, mac: EthernetAddress(rawValue: 0x0200_0000_0001), ip: .v6(IPv6Address("fd00::10")!), label1: .vni(10000))), false),
        ("type 3 of an IPv6 VTEP with its PMSI tunnel", .inclusiveMulticastEthernetTag(
            InclusiveMulticastEthernetTagRoute(rd: rd, originatingRouter: vtep)), true),
    ]

    @Test(arguments: routes)
    func roundTrip(_ name: String, _ route: EVPNRoute, _ pmsi: Bool) throws {
        let bytes = Wire.encode(.update(Self.update(route, pmsi: pmsi)))
        // MP_REACH_NLRI: flags, type 14, 2-octet length, AFI 25, SAFI 70, next-hop length 16, the address.
        let at = try #require((0..<bytes.count - 6).first { bytes[$0] == 0x90 && bytes[$0 + 1] == 14 })
        #expect(Array(bytes[(at + 4)...(at + 7)]) == [0, 25, 70, 16], "\(name)")
        #expect(Array(bytes[(at + 8)..<(at + 24)]) == Self.vtep.bytes, "\(name)")
        guard case let .update(decoded) = try BGPMessage.decode(ByteBuffer(bytes: bytes)) else {
            Issue.record("\(name): not an UPDATE")
            return
        }
        let reach = try #require(decoded.attributes.mpReachNLRI)
        #expect(reach.nextHopAddresses == [Self.vtep], "\(name)")
        #expect(reach.nlri == [.evpn(route)], "\(name)")
        if pmsi {
            #expect(decoded.attributes.pmsiTunnel?.tunnelEndpoint == Self.vtep, "\(name)")
            #expect(decoded.attributes.pmsiTunnel?.tunnelType == .ingressReplication, "\(name)")
        }
    }
}
