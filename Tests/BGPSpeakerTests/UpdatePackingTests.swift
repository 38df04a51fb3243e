import BGP
@testable import BGPSpeaker
import Testing

/// The packer's NLRI lengths against the codec's own encoding.
struct UpdatePackingTests {
    static let routes: [NLRI] = [
        Routes.macIP(1),
        .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(rd: .ipv4(IPv4Address(10, 1, 1, 1), 1), mac: EthernetAddress(rawValue: 2), ip: nil, label1: .vni(5)))),
        .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(rd: .ipv4(IPv4Address(10, 1, 1, 1), 1), mac: EthernetAddress(rawValue: 2),
                                                          ip: IPAddress("2001:db8::1"), label1: .vni(5), label2: .vni(9)))),
        Routes.multicast(vni: 7, vtep: IPv4Address(10, 2, 2, 2)),
        .evpn(.inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: .twoOctetAS(65000, 7), originatingRouter: .v6(IPv6Address(high: 1, low: 2))))),
        .evpn(.ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: .ipv4(IPv4Address(1, 1, 1, 1), 1), esi: .zero, ethernetTag: 0, label: .vni(1)))),
        .evpn(.ethernetSegment(EthernetSegmentRoute(rd: .ipv4(IPv4Address(1, 1, 1, 1), 1), esi: EthernetSegmentIdentifier(high: 0x100, low: 5), originatingRouter: .v4(IPv4Address(1, 1, 1, 1))))),
        .evpn(.ipPrefix(IPPrefixRoute(rd: .ipv4(IPv4Address(1, 1, 1, 1), 1), esi: .zero, ethernetTag: 0, prefix: .v4(IPv4Address(10, 0, 0, 0)), prefixLength: 8,
                                      gateway: .v4(IPv4Address(0, 0, 0, 0)), label: .vni(3)))),
        .evpn(.unknown(type: 9, value: [1, 2, 3, 4])),
    ]

    @Test(arguments: routes)
    func lengthMatchesTheCodec(_ n: NLRI) {
        func update(_ nlri: [NLRI]) -> Int {
            BGPMessage.update(Update(attributes: PathAttributes([PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(IPv4Address(1, 1, 1, 1)), nlri: nlri)))]))).encodedLength()
        }
        #expect(update([n]) - update([]) == UpdatePacker.length(of: n))
    }

    @Test func greedyChunksStayUnderTheLimit() {
        let nlri = (0..<1000).map { Routes.macIP($0) }
        let make = { (chunk: [NLRI]) in Routes.announce(chunk, Routes.attributes()) }
        let out = UpdatePacker.pack(nlri, options: SessionOptions(), make)
        #expect(out.flatMap { $0.reach?.nlri ?? [] } == nlri)
        let lengths = out.map { BGPMessage.update($0).encodedLength() }
        #expect(lengths.allSatisfy { $0 <= 4096 })
        // Every chunk but the last is full: another NLRI would not have fitted.
        let perNLRI = UpdatePacker.length(of: nlri[0])
        #expect(lengths.dropLast().allSatisfy { $0 + perNLRI > 4096 })
    }

    /// Attributes with `n` route targets (8 octets each).
    static func attributes(routeTargets n: Int) -> [PathAttribute] {
        [PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
         PathAttribute(.extendedCommunities((0..<n).map { .routeTarget(.twoOctetAS(asn: 65000, value: UInt32($0))) }))]
    }

    /// Attributes with which a client's UPDATE of one route is exactly
    /// `length` octets: route targets, then an unknown optional transitive
    /// attribute (passed on unchanged in length) to make up the rest.
    static func attributes(clientLength length: Int) -> [PathAttribute] {
        func size(_ a: [PathAttribute]) -> Int { BGPMessage.update(Routes.announce([Routes.macIP(1)], a)).encodedLength() }
        var n = 400
        while size(attributes(routeTargets: n + 1)) + 4 <= length { n += 1 }
        let a = attributes(routeTargets: n)
        let padding = PathAttribute(flags: .optionalTransitive, value: .unknown(typeCode: 99, data: Array(repeating: 0, count: length - size(a) - 3)))
        return a + [padding]
    }

    /// Client UPDATEs of 4083 to 4096 octets grow past 4096
    /// when reflected (ORIGINATOR_ID and CLUSTER_LIST). No message over the
    /// peer's maximum goes out; a route that cannot fit alone is not sent
    /// (counted), a smaller route still is, and a peer with the extended
    /// message capability gets it.
    @Test(arguments: [4083, 4090, 4096])
    func reflectedRoutesNeverExceedTheMaximum(_ clientLength: Int) throws {
        let a = PeerID(1), b = PeerID(2)
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        rib.addPeer(a, Routes.peer(2))
        rib.addPeer(b, Routes.peer(3))
        _ = rib.pendingUpdates(for: a)
        _ = rib.pendingUpdates(for: b)
        let large = Routes.announce([Routes.macIP(1)], Self.attributes(clientLength: clientLength))
        #expect(BGPMessage.update(large).encodedLength() == clientLength)
        rib.apply(large, from: a)
        rib.apply(Routes.announce([Routes.macIP(2)], Routes.attributes()), from: a)
        let toB = rib.pendingUpdates(for: b)
        #expect(toB.map { BGPMessage.update($0).encodedLength() }.allSatisfy { $0 <= 4096 })
        #expect(toB.flatMap { $0.reach?.nlri ?? [] } == [Routes.macIP(2)])
        #expect(rib.unsendableCount(b) == 1)
        #expect(Set(rib.advertised(to: b).keys) == [Routes.macIP(2)])
        // Withdrawn toward it: a route it was sent before that grows too large is withdrawn there.
        rib.apply(Routes.announce([Routes.macIP(2)], Self.attributes(clientLength: clientLength)), from: a)
        #expect(rib.pendingUpdates(for: b).flatMap(\.unreach) == [Routes.macIP(2)])
        #expect(rib.advertised(to: b).isEmpty)
        // With the extended message capability both go.
        rib.refresh(b)
        let extended = SessionOptions(extendedMessage: true)
        let all = rib.pendingUpdates(for: b, options: extended)
        #expect(Set(all.flatMap { $0.reach?.nlri ?? [] }) == [Routes.macIP(1), Routes.macIP(2)])
    }
}
