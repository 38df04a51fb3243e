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
}
