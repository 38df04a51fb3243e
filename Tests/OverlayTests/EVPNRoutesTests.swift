import BGP
import Overlay
import Testing
import TestSupport

@Suite("EVPN routes: endpoints to routes and back")
struct EVPNRoutesTests {
    static let asn: UInt32 = 65000
    static let instances = [SeedTopology.vni10, SeedTopology.vni11].compactMap { EVPNInstance.automatic(vni: $0, asn: asn) }

    static func localEndpoints(_ host: SeedTopology.Host) -> [Endpoint] {
        SeedTopology.state(of: host).endpoints.values.filter {
            if case .local = $0.location { return true }
            return false
        }
    }


    @Test("goplane1 advertises c1 and c2 as RFC 8365 type-2 routes and one type-3 route per VNI")
    func goplane1Advertisements() throws {
        let host = SeedTopology.hosts[0]
        let ads = EVPNRoutes.advertisements(endpoints: Self.localEndpoints(host), instances: Self.instances, vtep: host.vtep)
        #expect(ads.count == 4)
        let expected: [(UInt32, UInt16)] = [(10, 10), (11, 11)]
        for (ad, (vni, rdNumber)) in zip(ads.prefix(2), expected) {
            guard case let .macIPAdvertisement(route) = ad.route else {
                Issue.record("expected a type-2 route, got \(ad.route)")
                continue
            }
            #expect(route.rd == .ipv4(IPv4Address(10, 9, 9, 2), rdNumber))
            #expect(route.esi == .zero)
            #expect(route.ethernetTag == 0)
            #expect(route.mac == EthernetAddress(0x02, 0x42, 0xc0, 0xa8, 0x00, 0x02))
            #expect(route.ip == .v4(IPv4Address(192, 168, 0, 2)))
            #expect(route.label1.vni == vni)
            #expect(route.label2 == nil)
            #expect(ad.nextHop == .v4(IPv4Address(10, 9, 9, 2)))
            #expect(ad.attributes.routeTargets == [.twoOctetAS(asn: 65000, value: vni)])
            #expect(ad.attributes.extendedCommunities.contains(.encapsulation(tunnelType: 8)))
            #expect(ad.attributes.origin == .igp)
            #expect(ad.attributes.localPref == 100)
        }
        for (ad, vni) in zip(ads.suffix(2), [UInt32(10), 11]) {
            guard case let .inclusiveMulticastEthernetTag(route) = ad.route else {
                Issue.record("expected a type-3 route, got \(ad.route)")
                continue
            }
            #expect(route.originatingRouter == .v4(IPv4Address(10, 9, 9, 2)))
            #expect(route.ethernetTag == 0)
            let pmsi = try #require(ad.attributes.pmsiTunnel)
            #expect(pmsi.tunnelType == .ingressReplication)
            #expect(pmsi.label.vni == vni)
            #expect(pmsi.tunnelEndpoint == .v4(IPv4Address(10, 9, 9, 2)))
        }
    }

    @Test("the advertisements encode into an UPDATE that decodes to the same routes")
    func encodesAsUpdate() throws {
        let host = SeedTopology.hosts[0]
        let ads = EVPNRoutes.advertisements(endpoints: Self.localEndpoints(host), instances: Self.instances, vtep: host.vtep)
        for ad in ads {
            var attributes = ad.attributes
            attributes.set(PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: try #require(ad.nextHop), nlri: [.evpn(ad.route)]))))
            let bytes = BGPMessage.update(Update(attributes: attributes)).encoded()
            let decoded = try BGPMessage.decode(bytes)
            guard case let .update(update) = decoded else {
                Issue.record("decoded \(decoded)")
                continue
            }
            #expect(update.announced.map(\.route) == [.evpn(ad.route)])
        }
    }

    /// Each host's remote endpoints, learned from the other two hosts' routes,
    /// are exactly the seed topology's, so its flows are the golden ones.
    @Test("routes of the other hosts give each host exactly its remote endpoints", arguments: SeedTopology.hosts)
    func remoteEndpointsFromRoutes(host: SeedTopology.Host) {
        var routes: [EVPNPath] = []
        for other in SeedTopology.hosts {
            routes += (EVPNRoutes.advertisements(
                endpoints: Self.localEndpoints(other), instances: Self.instances, vtep: other.vtep))
        }
        let remote = EVPNRoutes.remoteEndpoints(from: routes, instances: Self.instances, localVTEP: host.vtep)
        let expected = SeedTopology.state(of: host).endpoints.values.filter {
            if case .remote = $0.location { return true }
            return false
        }
        #expect(Set(remote) == Set(expected))
        #expect(remote.count == 4)
    }

    static let c3Key = EndpointKey(vni: SeedTopology.vni10, mac: SeedTopology.mac(3))

    static func c3(at vtep: VTEP, sequence: UInt32) -> [EVPNPath] {
        let endpoint = Endpoint(vni: SeedTopology.vni10, mac: SeedTopology.mac(3), ipv4: [SeedTopology.ip(3)],
                                location: .local(port: 1))
        return (EVPNRoutes.advertisements(endpoints: [endpoint], instances: [instances[0]], vtep: vtep,
                                                  mobility: [c3Key: sequence]))
    }

    struct MobilityCase: NamedRow {
        var name: String
        var goplane2Sequence: UInt32
        var goplane3Sequence: UInt32
        var winner: VTEP
    }

    @Test("a MAC advertised from two VTEPs: the highest mobility sequence wins, then the lowest address",
          arguments: [
              MobilityCase(name: "moved to goplane3", goplane2Sequence: 0, goplane3Sequence: 1, winner: .v4(IPv4Address(10, 9, 9, 4))),
              MobilityCase(name: "moved back to goplane2", goplane2Sequence: 2, goplane3Sequence: 1, winner: .v4(IPv4Address(10, 9, 9, 3))),
              MobilityCase(name: "a tie goes to the lower VTEP", goplane2Sequence: 5, goplane3Sequence: 5, winner: .v4(IPv4Address(10, 9, 9, 3))),
          ])
    func mobility(_ test: MobilityCase) {
        let routes = Self.c3(at: .v4(IPv4Address(10, 9, 9, 3)), sequence: test.goplane2Sequence)
            + Self.c3(at: .v4(IPv4Address(10, 9, 9, 4)), sequence: test.goplane3Sequence)
        let remote = EVPNRoutes.remoteEndpoints(from: routes, instances: Self.instances, localVTEP: .v4(IPv4Address(10, 9, 9, 2)))
        #expect(remote.map(\.location) == [.remote(vtep: test.winner)])
        if test.goplane3Sequence > 0 {
            let goplane3Type2 = routes.last { route in
                if case .macIPAdvertisement = route.route { return true }
                return false
            }
            let communities = goplane3Type2?.attributes.extendedCommunities ?? []
            #expect(communities.contains(.macMobility(sticky: false, sequence: test.goplane3Sequence)))
        }
    }

    @Test("routes of other tenants and our own routes are not imported")
    func importFilter() {
        let foreign = EVPNInstance(vni: VNI(rawValue: 99)!, routeTarget: .twoOctetAS(asn: 65000, value: 99))
        let endpoint = Endpoint(vni: VNI(rawValue: 99)!, mac: SeedTopology.mac(7), ipv4: [SeedTopology.ip(7)],
                                location: .local(port: 1))
        let other = (EVPNRoutes.advertisements(endpoints: [endpoint], instances: [foreign],
                                                            vtep: .v4(IPv4Address(10, 9, 9, 3))))
        let own = Self.c3(at: .v4(IPv4Address(10, 9, 9, 2)), sequence: 0)
        #expect(EVPNRoutes.remoteEndpoints(from: other + own, instances: Self.instances,
                                           localVTEP: .v4(IPv4Address(10, 9, 9, 2))).isEmpty)
    }

    @Test("type-3 routes give each tenant the VTEPs to replicate its broadcast to")
    func floodList() {
        var routes: [EVPNPath] = []
        for other in SeedTopology.hosts {
            routes += (EVPNRoutes.advertisements(
                endpoints: Self.localEndpoints(other), instances: Self.instances, vtep: other.vtep))
        }
        let flood = EVPNRoutes.floodList(from: routes, instances: Self.instances, localVTEP: .v4(IPv4Address(10, 9, 9, 2)))
        #expect(flood == [SeedTopology.vni10: [.v4(IPv4Address(10, 9, 9, 3)), .v4(IPv4Address(10, 9, 9, 4))],
                          SeedTopology.vni11: [.v4(IPv4Address(10, 9, 9, 3)), .v4(IPv4Address(10, 9, 9, 4))]])
    }

    @Test("a 4-octet AS gets no automatic route target")
    func fourOctetAS() {
        #expect(EVPNInstance.automatic(vni: SeedTopology.vni10, asn: 4_200_000_000) == nil)
        #expect(EVPNInstance.automatic(vni: SeedTopology.vni10, asn: 65000)?.routeTarget == .twoOctetAS(asn: 65000, value: 10))
    }
}
