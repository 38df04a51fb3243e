import BGP
import BGPSpeaker
import Testing
import TestSupport

/// Which EVPN routes name the same destination (RFC 7432 §7, RFC 9136 §3.1):
/// the RIB keys them by route key, so a withdrawal or re-announcement that
/// differs only outside the key acts on the route held.
struct RouteIdentityTests {
    /// One route and another NLRI, same key or not.
    struct Row: NamedRow {
        var name: String
        var held: EVPNRoute
        var other: EVPNRoute
        var sameKey: Bool
    }

    static let rd = RouteDistinguisher.ipv4(IPv4Address(10, 1, 1, 1), 100)
    static let esi = EthernetSegmentIdentifier(high: 0x0001, low: 0x0203_0405_0607_0809)
    static let mac = EthernetAddress(rawValue: 0x0200_0000_0001)
    static let vtep = IPAddress.v4(IPv4Address(10, 1, 1, 1))

    static func ad(esi: EthernetSegmentIdentifier = esi, tag: UInt32 = 0, label: UInt32 = 100) -> EVPNRoute {
        .ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: rd, esi: esi, ethernetTag: tag, label: .vni(label)))
    }
    static func macIP(esi: EthernetSegmentIdentifier = .zero, ip: IPAddress? = .v4(IPv4Address(192, 0, 2, 1)),
                      label1: UInt32 = 100, label2: UInt32? = nil, mac: EthernetAddress = mac) -> EVPNRoute {
        .macIPAdvertisement(MACIPAdvertisementRoute(rd: rd, esi: esi, mac: mac, ip: ip, label1: .vni(label1), label2: label2.map { .vni($0) }))
    }
    static func imet(tag: UInt32 = 0, router: IPAddress = vtep) -> EVPNRoute {
        .inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd, ethernetTag: tag, originatingRouter: router))
    }
    static func es(esi: EthernetSegmentIdentifier = esi, router: IPAddress = vtep) -> EVPNRoute {
        .ethernetSegment(EthernetSegmentRoute(rd: rd, esi: esi, originatingRouter: router))
    }
    static func prefix(esi: EthernetSegmentIdentifier = .zero, length: UInt8 = 24, gateway: IPAddress = .v4(IPv4Address(0, 0, 0, 0)),
                       label: UInt32 = 5000, v6: Bool = false) -> EVPNRoute {
        let p: IPAddress = v6 ? IPAddress("2001:db8::")! : .v4(IPv4Address(198, 51, 100, 0))
        let g: IPAddress = v6 ? (gateway == .v4(IPv4Address(0, 0, 0, 0)) ? IPAddress("::")! : IPAddress("2001:db8::1")!) : gateway
        return .ipPrefix(IPPrefixRoute(rd: rd, esi: esi, prefix: p, prefixLength: length, gateway: g, label: .vni(label)))
    }

    static let rows: [Row] = [
        Row(name: "1 A-D: another label", held: ad(), other: ad(label: 0), sameKey: true),
        Row(name: "1 A-D: another ESI", held: ad(), other: ad(esi: .zero), sameKey: false),
        Row(name: "1 A-D: another tag", held: ad(), other: ad(tag: 7), sameKey: false),
        Row(name: "2 MAC/IP: label 0", held: macIP(), other: macIP(label1: 0), sameKey: true),
        Row(name: "2 MAC/IP: a second label", held: macIP(), other: macIP(label2: 5000), sameKey: true),
        Row(name: "2 MAC/IP: another ESI", held: macIP(), other: macIP(esi: esi), sameKey: true),
        Row(name: "2 MAC/IP: MAC only", held: macIP(), other: macIP(ip: nil), sameKey: false),
        Row(name: "2 MAC/IP: another MAC", held: macIP(), other: macIP(mac: EthernetAddress(rawValue: 0x0200_0000_0002)), sameKey: false),
        Row(name: "3 IMET: another originator", held: imet(), other: imet(router: .v4(IPv4Address(10, 1, 1, 2))), sameKey: false),
        Row(name: "3 IMET: another tag", held: imet(), other: imet(tag: 9), sameKey: false),
        Row(name: "4 ES: another ESI", held: es(), other: es(esi: .zero), sameKey: false),
        Row(name: "4 ES: IPv6 originator", held: es(), other: es(router: IPAddress("2001:db8::1")!), sameKey: false),
        Row(name: "5 prefix: another label", held: prefix(), other: prefix(label: 0), sameKey: true),
        Row(name: "5 prefix: another gateway", held: prefix(), other: prefix(gateway: .v4(IPv4Address(10, 1, 1, 1))), sameKey: true),
        Row(name: "5 prefix: another ESI", held: prefix(), other: prefix(esi: esi), sameKey: true),
        Row(name: "5 prefix: IPv6, another gateway and label", held: prefix(v6: true), other: prefix(gateway: vtep, label: 1, v6: true), sameKey: true),
        Row(name: "5 prefix: another length", held: prefix(), other: prefix(length: 25), sameKey: false),
        Row(name: "5 prefix: IPv6 against IPv4", held: prefix(), other: prefix(v6: true), sameKey: false),
        Row(name: "unknown type: other bytes", held: .unknown(type: 9, value: [1, 2, 3]), other: .unknown(type: 9, value: [1, 2, 4]), sameKey: false),
    ]

    let a = PeerID(1), b = PeerID(2)

    func rib() -> RIB {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        rib.addPeer(a, Routes.peer(2))
        rib.addPeer(b, Routes.peer(3))
        _ = rib.pendingUpdates(for: a)
        _ = rib.pendingUpdates(for: b)
        return rib
    }

    /// A withdrawal naming the other NLRI removes the route exactly when the keys match.
    @Test(arguments: rows)
    func withdrawal(_ row: Row) {
        var rib = rib()
        rib.apply(Routes.announce([.evpn(row.held)], Routes.attributes()), from: a)
        #expect(rib.pendingUpdates(for: b).first?.reach?.nlri == [.evpn(row.held)])
        let change = rib.apply(Routes.withdraw([.evpn(row.other)]), from: a)
        #expect(change.withdrawn == (row.sameKey ? 1 : 0))
        #expect((rib.best(.evpn(row.held)) == nil) == row.sameKey)
        #expect(rib.routeCount == (row.sameKey ? 0 : 1))
        // The receiver is told, in the NLRI it holds.
        #expect(rib.pendingUpdates(for: b).flatMap(\.unreach) == (row.sameKey ? [.evpn(row.held)] : []))
    }

    /// Announcing the other NLRI replaces the route when the keys match
    /// (implicit withdraw), and adds a second destination when they do not.
    @Test(arguments: rows)
    func reannouncement(_ row: Row) throws {
        var rib = rib()
        rib.apply(Routes.announce([.evpn(row.held)], Routes.attributes()), from: a)
        _ = rib.pendingUpdates(for: b)
        rib.apply(Routes.announce([.evpn(row.other)], Routes.attributes()), from: a)
        #expect(rib.routeCount == (row.sameKey ? 1 : 2))
        #expect(rib.prefixCount(a) == (row.sameKey ? 1 : 2))
        // The receiver gets the new NLRI even though the attributes did not change.
        let toB = rib.pendingUpdates(for: b)
        #expect(toB.flatMap { $0.reach?.nlri ?? [] } == [.evpn(row.other)])
        #expect(toB.flatMap(\.unreach).isEmpty)
        #expect(Set(rib.advertised(to: b).keys) == (row.sameKey ? [.evpn(row.other)] : [.evpn(row.held), .evpn(row.other)]))
        // Withdrawing by the first NLRI then leaves nothing of a shared key.
        rib.apply(Routes.withdraw([.evpn(row.held)]), from: a)
        #expect(rib.routeCount == (row.sameKey ? 0 : 1))
        #expect(rib.pendingUpdates(for: b).flatMap(\.unreach) == [.evpn(row.sameKey ? row.other : row.held)])
    }

    /// A route relabelled, then withdrawn before the receiver was sent the
    /// new label: it is still withdrawn there.
    @Test func relabelledThenWithdrawnBeforeSending() {
        var rib = rib()
        let held = Self.macIP(), relabelled = Self.macIP(label1: 200)
        rib.apply(Routes.announce([.evpn(held)], Routes.attributes()), from: a)
        _ = rib.pendingUpdates(for: b)
        rib.apply(Routes.announce([.evpn(relabelled)], Routes.attributes()), from: a)
        rib.apply(Routes.withdraw([.evpn(Self.macIP(label1: 0))]), from: a)
        #expect(rib.pendingUpdates(for: b).flatMap(\.unreach).count == 1)
        #expect(rib.advertised(to: b).isEmpty)
    }

    /// The speaker's own routes (`replaceRoutes`): a new label for the same
    /// key is one route replaced, not one withdrawn and one added.
    @Test func localRouteRelabelled() {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        let local = PeerID(0)
        rib.addPeer(local, RIBPeer(address: .v4(Routes.rr), routerID: Routes.rr, routeReflectorClient: false, families: [.l2vpnEVPN], local: true))
        rib.addPeer(b, Routes.peer(3))
        _ = rib.pendingUpdates(for: b)
        let attributes = RouteAttributes(attributes: PathAttributes(Routes.attributes()), nextHop: [10, 255, 0, 1])
        rib.replaceRoutes([.evpn(Self.macIP()): attributes], from: local)
        _ = rib.pendingUpdates(for: b)
        let change = rib.replaceRoutes([.evpn(Self.macIP(label1: 300)): attributes], from: local)
        #expect(change.withdrawn == 0)
        #expect(change.announced == 1)
        let toB = rib.pendingUpdates(for: b)
        #expect(toB.flatMap(\.unreach).isEmpty)
        #expect(toB.flatMap { $0.reach?.nlri ?? [] } == [.evpn(Self.macIP(label1: 300))])
    }
}
