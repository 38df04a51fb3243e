import BGP
import NIOCore

/// The pre-encoded load of one run: N distinct EVPN type-2 routes packed
/// 100 NLRI per UPDATE, as whole wire messages, so the injector only writes
/// bytes and is never the bottleneck.
struct BGPBenchLoad: Sendable {
    static let nlriPerUpdate = 100
    static let asn: UInt32 = 65000
    static let vni: UInt32 = 10

    var routes: Int
    /// Announcements then withdrawals, each a few large buffers of whole messages.
    var announcements: [ByteBuffer]
    var withdrawals: [ByteBuffer]

    /// The MAC of route `index`: locally administered, the index in the low
    /// 32 bits, so a receiver can tell exactly which routes it holds.
    static func mac(_ index: Int) -> EthernetAddress {
        EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(UInt32(truncatingIfNeeded: index)))
    }

    static func nlri(_ index: Int, nextHop: IPv4Address) -> NLRI {
        .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
            rd: .ipv4(nextHop, UInt16(vni)), mac: mac(index), ip: nil, label1: .vni(vni))))
    }

    init(routes: Int, nextHop: IPv4Address) {
        self.routes = routes
        let options = SessionOptions(fourOctetAS: true, internalPeer: true)
        let base: [PathAttribute] = [
            PathAttribute(.origin(.igp)),
            PathAttribute(.asPath(ASPath())),
            PathAttribute(.localPref(100)),
            PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: UInt16(Self.asn), value: Self.vni)), .vxlanEncapsulation])),
        ]
        var announce: [ByteBuffer] = [], withdraw: [ByteBuffer] = []
        var a = ByteBuffer(), w = ByteBuffer()
        var start = 0
        while start < routes {
            let batch = (start..<min(start + Self.nlriPerUpdate, routes)).map { Self.nlri($0, nextHop: nextHop) }
            let reach = Update(attributes: PathAttributes(base + [PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(nextHop), nlri: batch)))]))
            let unreach = Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: batch)))]))
            BGPMessage.update(reach).encode(into: &a, options: options)
            BGPMessage.update(unreach).encode(into: &w, options: options)
            start += Self.nlriPerUpdate
            // About 256 KiB per write: large enough to keep syscalls few.
            if a.readableBytes >= 1 << 18 { announce.append(a); a = ByteBuffer() }
            if w.readableBytes >= 1 << 18 { withdraw.append(w); w = ByteBuffer() }
        }
        if a.readableBytes > 0 { announce.append(a) }
        if w.readableBytes > 0 { withdraw.append(w) }
        announcements = announce
        withdrawals = withdraw
    }

    /// OPEN with l2vpn/evpn multiprotocol and 4-octet AS.
    static func open(routerID: IPv4Address, holdTime: UInt16) -> ByteBuffer {
        BGPMessage.open(Open(asn: asn, holdTime: holdTime, bgpIdentifier: routerID,
                             capabilities: [.multiprotocol(.l2vpnEVPN), .fourOctetAS(asn)])).encoded()
    }

    static let keepalive: ByteBuffer = BGPMessage.keepalive.encoded()
}
