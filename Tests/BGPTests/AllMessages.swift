import BGP

/// One message of every kind, with every route type, capability, attribute and
/// extended community the codec names: the value round-trip table.
let allMessages: [BGPMessage] = {
    let rd0 = RouteDistinguisher.twoOctetAS(65000, 1)
    let rd2 = RouteDistinguisher.fourOctetAS(4_200_000_001, 2)
    let esi = EthernetSegmentIdentifier(high: 0x0001, low: 0x0203_0405_0607_0809)
    let v6 = IPAddress.v6(IPv6Address("2001:db8::1")!)
    let routes: [EVPNRoute] = [
        .ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: rd0, esi: esi, ethernetTag: 0xffff_ffff, label: .vni(100))),
        Sample.type2,
        .macIPAdvertisement(MACIPAdvertisementRoute(rd: rd2, mac: Sample.mac, ip: nil, label1: .vni(0xff_ffff))),
        .macIPAdvertisement(MACIPAdvertisementRoute(rd: rd0, esi: esi, ethernetTag: 3, mac: Sample.mac, ip: v6, label1: .vni(1), label2: .vni(2))),
        Sample.type3,
        .inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd2, ethernetTag: 9, originatingRouter: v6)),
        .ethernetSegment(EthernetSegmentRoute(rd: rd0, esi: esi, originatingRouter: Sample.vtep)),
        .ethernetSegment(EthernetSegmentRoute(rd: rd0, esi: esi, originatingRouter: v6)),
        .ipPrefix(IPPrefixRoute(rd: rd0, prefix: .v4(IPv4Address(10, 9, 0, 0)), prefixLength: 16, gateway: .v4(IPv4Address(0, 0, 0, 0)), label: .vni(5000))),
        .ipPrefix(IPPrefixRoute(rd: rd0, prefix: v6, prefixLength: 64, gateway: v6, label: .vni(5001))),
        .unknown(type: 11, value: [1, 2, 3]),
    ]
    let everyAttribute = PathAttributes([
        PathAttribute(.origin(.egp)),
        PathAttribute(.asPath(ASPath([
            ASPathSegment(.confedSequence, [64512]), ASPathSegment(.confedSet, [64513, 64514]),
            ASPathSegment(.asSequence, [4_200_000_000, 65000]), ASPathSegment(.asSet, [1, 2]),
        ]))),
        PathAttribute(.nextHop(IPv4Address(10, 0, 0, 1))),
        PathAttribute(.multiExitDisc(50)),
        PathAttribute(.localPref(200)),
        PathAttribute(.atomicAggregate),
        PathAttribute(.aggregator(Aggregator(asn: 65000, address: IPv4Address(10, 0, 0, 9)))),
        PathAttribute(.communities([Community(asn: 65000, value: 1), .noExport])),
        PathAttribute(.originatorID(IPv4Address(10, 0, 0, 2))),
        PathAttribute(.clusterList(ClusterList([IPv4Address(1, 1, 1, 1), IPv4Address(2, 2, 2, 2)]))),
        PathAttribute(.extendedCommunities([
            Sample.rt, .routeTarget(.ipv4(address: IPv4Address(10, 0, 0, 1), value: 3)),
            .routeTarget(.fourOctetAS(asn: 4_200_000_000, value: 4)), .vxlanEncapsulation,
            .macMobility(sticky: true, sequence: 9), .defaultGateway, .routersMAC(Sample.mac),
            .esiLabel(singleActive: false, label: .vni(7)), .esImport(Sample.mac), .opaque(0x4300_0000_0000_0001),
        ])),
        PathAttribute(.as4Path(ASPath.sequence([4_200_000_000]))),
        PathAttribute(.as4Aggregator(Aggregator(asn: 4_200_000_000, address: IPv4Address(10, 0, 0, 9)))),
        PathAttribute(.pmsiTunnel(PMSITunnel(flags: 1, tunnelType: .ingressReplication, label: .vni(10000), tunnelIdentifier: v6.bytes))),
        PathAttribute(.largeCommunities([LargeCommunity(65000, 1, 2)])),
        PathAttribute(flags: [.optional, .transitive, .partial], value: .unknown(typeCode: 99, data: [0xde, 0xad])),
        PathAttribute(flags: [.optional, .extendedLength], value: .mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: Sample.vtep, nlri: routes.map { .evpn($0) }))),
        PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: [.evpn(Sample.type3)]))),
    ])
    let capabilities: [Capability] = [
        .multiprotocol(.ipv4Unicast), .multiprotocol(.ipv6Unicast), .multiprotocol(.l2vpnEVPN),
        .routeRefresh, .enhancedRouteRefresh, .extendedMessage,
        .extendedNextHop([ExtendedNextHop(nlriAFI: .ipv4, nlriSAFI: 1, nextHopAFI: .ipv6)]),
        .gracefulRestart(GracefulRestart(flags: 0xc, restartTime: 120, families: [GracefulRestart.Family(.l2vpnEVPN, flags: 0x80)])),
        .fourOctetAS(4_200_000_000),
        .addPath([AddPathFamily(.l2vpnEVPN, mode: [.send, .receive])]),
        .longLivedGracefulRestart([LongLivedGracefulRestartFamily(.l2vpnEVPN, flags: 0x80, staleTime: 86400)]),
        .fqdn(hostname: "host1", domain: "example.net"),
        .unknown(code: 200, value: [1, 2]),
    ]
    return [
        .keepalive,
        .open(Open(asn: 4_200_000_000, holdTime: 90, bgpIdentifier: IPv4Address(10, 0, 0, 1), capabilities: capabilities)),
        .open(Open(myAS: 1, holdTime: 0, bgpIdentifier: IPv4Address(1, 2, 3, 4), parameters: [.unknown(type: 1, value: [9])])),
        .open(Open(myAS: 1, holdTime: 3, bgpIdentifier: IPv4Address(1, 2, 3, 4), parameters: [.capabilities([.routeRefresh])], extendedParameters: true)),
        .update(Update(attributes: everyAttribute)),
        .update(Update(
            withdrawnRoutes: [.ipv4(IPv4Prefix(IPv4Address(10, 0, 0, 0), length: 8)), .ipv4(IPv4Prefix(IPv4Address(0, 0, 0, 0), length: 0))],
            attributes: PathAttributes([
                PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath.sequence([65000]))), PathAttribute(.nextHop(IPv4Address(10, 0, 0, 1))),
                PathAttribute(.mpReachNLRI(MPReachNLRI(family: .ipv6Unicast, nextHop: Hex6.pair, nlri: [.ipv6(IPv6Prefix(IPv6Address("2001:db8:1::")!, length: 48))]))),
            ]),
            nlri: [.ipv4(IPv4Prefix(IPv4Address(192, 168, 0, 0), length: 23)), .ipv4(IPv4Prefix(IPv4Address(10, 1, 2, 3), length: 32))])),
        .update(Update.endOfRIB(.l2vpnEVPN)),
        .update(Update()),
        .notification(Notification(.updateMessage(.malformedASPath))),
        .notification(Notification(code: 42, subcode: 7, data: [1])),
        .routeRefresh(RouteRefresh(family: .ipv4Unicast)),
        .routeRefresh(RouteRefresh(family: .l2vpnEVPN, subtype: .beginningOfRouteRefresh)),
    ]
}()

enum Hex6 {
    /// Global + link-local next hop (32 octets).
    static let pair: [UInt8] = IPv6Address("2001:db8::1")!.bytes + IPv6Address("fe80::1")!.bytes
}
