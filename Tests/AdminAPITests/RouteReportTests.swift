import AdminAPI
import BGP
import BGPSpeaker
import SpeakerAdmin
import Testing
import TestSupport

/// RIB paths as `/routes` reports them: the EVPN fields of each route type,
/// the VNI from the label or the PMSI tunnel, next hops of each length.
struct RouteReportTests {
    static let vtep = IPv4Address(10, 1, 1, 1)
    static let rd = RouteDistinguisher.ipv4(vtep, 10)

    struct Row: NamedRow {
        var name: String
        var nlri: NLRI
        var attributes: [PathAttribute]
        var nextHop: [UInt8]
        var expected: RouteReport
    }

    static func report(type: Int, mac: String? = nil, ip: String? = nil, vni: UInt32?, nextHop: String = "10.1.1.1",
                       originator: String? = nil, clusters: [String] = [], prefix: String) -> RouteReport {
        RouteReport(type: type, rd: type == 0 ? nil : "10.1.1.1:10", ethernetTag: type == 0 || type == 4 ? nil : 0, mac: mac, ip: ip, vni: vni,
                    prefix: prefix, nextHop: nextHop, originatorID: originator, clusterList: clusters, routeTargets: [],
                    best: true, stale: false, fromPeer: "10.0.0.2", family: type == 0 ? "ipv4/rtc" : "l2vpn/evpn")
    }

    static let type2 = NLRI.evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
        rd: rd, mac: EthernetAddress(0x02, 0, 0, 0, 0, 1), ip: .v4(IPv4Address(10, 0, 0, 1)), label1: .vni(1001))))
    static let type3 = NLRI.evpn(.inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd, originatingRouter: .v4(vtep))))
    static let pmsi = PathAttribute(.pmsiTunnel(PMSITunnel(tunnelType: .ingressReplication, label: .vni(1002), tunnelIdentifier: [10, 1, 1, 1])))
    static let reflected = [PathAttribute(.originatorID(IPv4Address(10, 0, 0, 9))),
                            PathAttribute(.clusterList(ClusterList([IPv4Address(10, 255, 0, 1), IPv4Address(10, 255, 0, 2)])))]

    static let rows: [Row] = [
        Row(name: "type 2, label is the VNI", nlri: type2, attributes: [], nextHop: [10, 1, 1, 1],
            expected: report(type: 2, mac: "02:00:00:00:00:01", ip: "10.0.0.1", vni: 1001, prefix: "[2]:[0]:[48]:[02:00:00:00:00:01]:[32]:[10.0.0.1]")),
        Row(name: "type 2 reflected", nlri: type2, attributes: reflected, nextHop: [10, 1, 1, 1],
            expected: report(type: 2, mac: "02:00:00:00:00:01", ip: "10.0.0.1", vni: 1001, originator: "10.0.0.9",
                             clusters: ["10.255.0.1", "10.255.0.2"], prefix: "[2]:[0]:[48]:[02:00:00:00:00:01]:[32]:[10.0.0.1]")),
        Row(name: "type 3, VNI from the PMSI tunnel", nlri: type3, attributes: [pmsi], nextHop: [10, 1, 1, 1],
            expected: report(type: 3, ip: "10.1.1.1", vni: 1002, prefix: "[3]:[0]:[32]:[10.1.1.1]")),
        Row(name: "type 3 without PMSI", nlri: type3, attributes: [], nextHop: [10, 1, 1, 1],
            expected: report(type: 3, ip: "10.1.1.1", vni: nil, prefix: "[3]:[0]:[32]:[10.1.1.1]")),
        Row(name: "IPv6 next hop", nlri: type3, attributes: [], nextHop: [0xfd] + [UInt8](repeating: 0, count: 14) + [1],
            expected: report(type: 3, ip: "10.1.1.1", vni: nil, nextHop: "fd00::1", prefix: "[3]:[0]:[32]:[10.1.1.1]")),
        Row(name: "odd next hop as hex", nlri: type3, attributes: [], nextHop: [1, 2, 0xab],
            expected: report(type: 3, ip: "10.1.1.1", vni: nil, nextHop: "1:2:ab", prefix: "[3]:[0]:[32]:[10.1.1.1]")),
    ]

    @Test(arguments: rows)
    func pathsBecomeReports(_ row: Row) {
        let path = RIBPath(nlri: row.nlri, peer: PeerID(1), attributes: RouteAttributes(attributes: PathAttributes(row.attributes), nextHop: row.nextHop),
                           best: true, stale: false)
        #expect(RouteReport(path, fromPeer: "10.0.0.2") == row.expected)
    }

    @Test func routeTargetsAreListed() {
        let rt = PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: 65000, value: 10))]))
        let path = RIBPath(nlri: Self.type2, peer: PeerID(1), attributes: RouteAttributes(attributes: PathAttributes([rt]), nextHop: [10, 1, 1, 1]),
                           best: false, stale: true)
        let report = RouteReport(path, fromPeer: "local")
        #expect(report.routeTargets.count == 1 && report.routeTargets[0].contains("65000:10"))
        #expect(!report.best && report.stale && report.fromPeer == "local")
    }
}
