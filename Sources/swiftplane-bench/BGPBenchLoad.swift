import BGP
import NIOCore

/// The pre-encoded load of one run: N distinct EVPN type-2 routes packed
/// 100 NLRI per UPDATE, as whole wire messages, so the injector only writes
/// bytes and is never the bottleneck. With tenants, route i belongs to
/// tenant i mod T and carries its route target (65000:10+t).
struct BGPBenchLoad: Sendable {
    static let nlriPerUpdate = 100
    static let asn: UInt32 = 65000
    static let vni: UInt32 = 10

    var routes: Int
    /// 0: one tenant (VNI 10), receivers without route target constraint.
    var tenants: Int
    /// Announcements then withdrawals, each a few large buffers of whole messages.
    var announcements: [ByteBuffer]
    var withdrawals: [ByteBuffer]

    /// The MAC of route `index`: locally administered, the index in the low
    /// 32 bits, so a receiver can tell exactly which routes it holds.
    static func mac(_ index: Int) -> EthernetAddress {
        EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(UInt32(truncatingIfNeeded: index)))
    }

    /// Tenant `t`'s VNI, the value of its route target.
    static func vni(tenant: Int) -> UInt32 { vni + UInt32(tenant) }

    static func routeTarget(tenant: Int) -> RouteTarget { .twoOctetAS(asn: UInt16(asn), value: vni(tenant: tenant)) }

    static func nlri(_ index: Int, nextHop: IPv4Address, tenant: Int = 0) -> NLRI {
        let v = vni(tenant: tenant)
        return .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
            rd: .ipv4(nextHop, UInt16(truncatingIfNeeded: v)), mac: mac(index), ip: nil, label1: .vni(v))))
    }

    init(routes: Int, nextHop: IPv4Address, tenants: Int = 0) {
        self.routes = routes
        self.tenants = tenants
        let options = SessionOptions(fourOctetAS: true, internalPeer: true)
        var announce: [ByteBuffer] = [], withdraw: [ByteBuffer] = []
        var a = ByteBuffer(), w = ByteBuffer()
        // Each UPDATE holds one tenant's routes (they share the route target);
        // the tenants take turns, so every tenant's last routes come at the end.
        let count = max(tenants, 1)
        let bases: [[PathAttribute]] = (0..<count).map { tenant in [
            PathAttribute(.origin(.igp)),
            PathAttribute(.asPath(ASPath())),
            PathAttribute(.localPref(100)),
            PathAttribute(.extendedCommunities([.routeTarget(Self.routeTarget(tenant: tenant)), .vxlanEncapsulation])),
        ] }
        let indices = (0..<count).map { tenant in Array(stride(from: tenant, to: routes, by: count)) }
        for start in stride(from: 0, to: indices[0].count, by: Self.nlriPerUpdate) {
            for tenant in 0..<count where start < indices[tenant].count {
                let batch = indices[tenant][start..<min(start + Self.nlriPerUpdate, indices[tenant].count)]
                    .map { Self.nlri($0, nextHop: nextHop, tenant: tenant) }
                let reach = Update(attributes: PathAttributes(bases[tenant] + [PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(nextHop), nlri: batch)))]))
                let unreach = Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: batch)))]))
                BGPMessage.update(reach).encode(into: &a, options: options)
                BGPMessage.update(unreach).encode(into: &w, options: options)
                // About 256 KiB per write: large enough to keep syscalls few.
                if a.readableBytes >= 1 << 18 { announce.append(a); a = ByteBuffer() }
                if w.readableBytes >= 1 << 18 { withdraw.append(w); w = ByteBuffer() }
            }
        }
        if a.readableBytes > 0 { announce.append(a) }
        if w.readableBytes > 0 { withdraw.append(w) }
        announcements = announce
        withdrawals = withdraw
    }

    /// OPEN with l2vpn/evpn multiprotocol (and ipv4/rtc for a receiver that imports one tenant) and 4-octet AS.
    static func open(routerID: IPv4Address, holdTime: UInt16, routeTargetConstraint: Bool = false) -> ByteBuffer {
        let families: [AddressFamily] = routeTargetConstraint ? [.l2vpnEVPN, .routeTargetConstraint] : [.l2vpnEVPN]
        return BGPMessage.open(Open(asn: asn, holdTime: holdTime, bgpIdentifier: routerID,
                                    capabilities: families.map { .multiprotocol($0) } + [.fourOctetAS(asn)])).encoded()
    }

    /// A receiver's RT membership of its tenants (RFC 4684), then its End-of-RIB for the family.
    static func membership(tenants: [Int], routerID: IPv4Address) -> ByteBuffer {
        let options = SessionOptions(fourOctetAS: true, internalPeer: true)
        let nlri = tenants.map { NLRI.routeTargetMembership(RouteTargetMembershipNLRI(originAS: asn, routeTarget: routeTarget(tenant: $0))) }
        let reach = Update(attributes: PathAttributes([
            PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
            PathAttribute(.mpReachNLRI(MPReachNLRI(family: .routeTargetConstraint, nextHop: .v4(routerID), nlri: nlri))),
        ]))
        var b = ByteBuffer()
        BGPMessage.update(reach).encode(into: &b, options: options)
        BGPMessage.update(.endOfRIB(.routeTargetConstraint)).encode(into: &b, options: options)
        return b
    }

    static let keepalive: ByteBuffer = BGPMessage.keepalive.encoded()
}
