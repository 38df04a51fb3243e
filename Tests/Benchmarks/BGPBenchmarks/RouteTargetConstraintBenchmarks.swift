import BGP
import BGPSpeaker
import Benchmark

/// What route target constraint (RFC 4684) costs a reflector's RIB at scale:
/// a client's membership change (the rescan of the Loc-RIB it causes), and
/// many clients announcing the same membership NLRI (one destination with
/// as many paths: every host of a tenant announces it alike).
enum RouteTargetConstraintBenchmarks {
    static let tenants = 10

    static func target(_ tenant: Int) -> RouteTarget { .twoOctetAS(asn: 65000, value: UInt32(10 + tenant)) }

    static func membership(_ tenant: Int, withdraw: Bool = false) -> Update {
        let nlri = [NLRI.routeTargetMembership(RouteTargetMembershipNLRI(originAS: 65000, routeTarget: target(tenant)))]
        if withdraw { return Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .routeTargetConstraint, nlri: nlri)))])) }
        return Update(attributes: PathAttributes([
            PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
            PathAttribute(.mpReachNLRI(MPReachNLRI(family: .routeTargetConstraint, nextHop: .v4(IPv4Address(10, 0, 0, 2)), nlri: nlri))),
        ]))
    }

    static func client(_ n: Int) -> RIBPeer {
        let a = IPv4Address(rawValue: 0x0a01_0000 | UInt32(n))
        return RIBPeer(address: .v4(a), routerID: a, families: [.l2vpnEVPN, .routeTargetConstraint])
    }

    /// A reflector holding `routes` type-2 routes of `tenants` tenants from one source, and `clients` constrained clients, tables sent.
    static func reflector(routes: Int, clients: Int) -> RIB {
        var rib = RIB(routerID: IPv4Address(10, 255, 0, 1), clusterID: IPv4Address(10, 255, 0, 1))
        rib.addPeer(PeerID(1), RIBPeer(address: .v4(IPv4Address(10, 0, 0, 1)), routerID: IPv4Address(10, 0, 0, 1)))
        for tenant in 0..<tenants {
            let attributes = PathAttributes([
                PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
                PathAttribute(.extendedCommunities([.routeTarget(target(tenant)), .vxlanEncapsulation])),
            ])
            let nlri: [NLRI] = stride(from: tenant, to: routes, by: tenants).map { i in
                .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
                    rd: .ipv4(IPv4Address(10, 0, 0, 1), UInt16(10 + tenant)), mac: EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(i)),
                    ip: nil, label1: .vni(UInt32(10 + tenant)))))
            }
            var p = attributes
            p.attributes.append(PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(IPv4Address(10, 0, 0, 1)), nlri: nlri))))
            rib.apply(Update(attributes: p), from: PeerID(1))
        }
        for n in 0..<clients {
            let id = PeerID(UInt32(100 + n))
            rib.addPeer(id, client(n))
            rib.apply(membership(n % tenants), from: id)
            rib.apply(.endOfRIB(.routeTargetConstraint), from: id)
            _ = rib.pendingUpdates(for: id)
        }
        return rib
    }

    static func register() {
        let configuration = Benchmark.Configuration(
            metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 200)

        // One iteration: a client leaves its tenant for the next and is sent the difference (10,000 withdrawn, 10,000 announced).
        Benchmark("RTC: a client changes tenant, 100,000 routes in 10 tenants (rescan + 20,000 NLRI)", configuration: configuration) { benchmark in
            var rib = reflector(routes: 100_000, clients: 1)
            var tenant = 0
            let id = PeerID(100)
            for _ in benchmark.scaledIterations {
                rib.apply(membership(tenant, withdraw: true), from: id)
                tenant = (tenant + 1) % tenants
                rib.apply(membership(tenant), from: id)
                blackHole(rib.pendingUpdates(for: id).count)
            }
        }

        // One iteration: 1,000 clients come up and announce the same membership NLRI (one destination, 1,000 paths).
        Benchmark("RTC: 1,000 clients announce the same membership route", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                var rib = RIB(routerID: IPv4Address(10, 255, 0, 1), clusterID: IPv4Address(10, 255, 0, 1))
                for n in 0..<1_000 {
                    let id = PeerID(UInt32(100 + n))
                    rib.addPeer(id, client(n))
                    rib.apply(membership(0), from: id)
                }
                blackHole(rib.routeCount)
            }
        }
    }
}
