import BGP
import NIOCore

/// The endpoints the scale drill injects and their EVPN type-2 routes, as
/// whole UPDATE messages. Endpoint `i` has MAC 02:5c:ii:ii:ii:ii (the index
/// in the low 32 bits) and IPv4 10.128.0.0 + i + 1, in VNI 10 with route
/// target AS:10 (the demo's tenant convention). Every route carries one RD,
/// the injector's address:VNI, so a move is the same NLRI with another next
/// hop: one UPDATE that replaces the path (implicit withdrawal).
struct ScaleDrillRoutes: Sendable {
    static let nlriPerUpdate = 100
    static let macPrefix: UInt64 = 0x025c
    static let firstIP: UInt32 = 0x0a80_0001   // 10.128.0.1

    let vni: UInt32
    let asn: UInt32
    let routeDistinguisher: RouteDistinguisher
    let nextHops: [IPv4Address]

    init(injector: IPv4Address, nextHops: [IPv4Address], vni: UInt32 = BGPBenchLoad.vni, asn: UInt32 = BGPBenchLoad.asn) {
        self.vni = vni
        self.asn = asn
        self.nextHops = nextHops
        routeDistinguisher = .ipv4(injector, UInt16(truncatingIfNeeded: vni))
    }

    static func mac(_ index: Int) -> EthernetAddress {
        EthernetAddress(rawValue: macPrefix << 32 | UInt64(UInt32(truncatingIfNeeded: index)))
    }

    static func ip(_ index: Int) -> IPv4Address { IPv4Address(rawValue: firstIP &+ UInt32(truncatingIfNeeded: index)) }

    /// The endpoint a MAC belongs to, nil for any other MAC.
    static func index(mac: UInt64) -> Int? { mac >> 32 == macPrefix ? Int(mac & 0xffff_ffff) : nil }

    /// The endpoint an IPv4 address belongs to (10.128.0.0/9), nil for any other.
    static func index(ip: UInt32) -> Int? { ip >> 23 == firstIP >> 23 && ip >= firstIP ? Int(ip - firstIP) : nil }

    /// Where endpoint `index` first lives: the next hops take turns.
    func nextHop(_ index: Int) -> IPv4Address { nextHops[index % nextHops.count] }

    /// The next hop after `vtep`, where a move takes an endpoint.
    func nextHop(after vtep: IPv4Address) -> IPv4Address {
        nextHops[((nextHops.firstIndex(of: vtep) ?? 0) + 1) % nextHops.count]
    }

    func nlri(_ index: Int) -> NLRI {
        .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
            rd: routeDistinguisher, mac: Self.mac(index), ip: .v4(Self.ip(index)), label1: .vni(vni))))
    }

    /// UPDATEs announcing `routes` (index, next hop), 100 NLRI each, packed
    /// into buffers of about 256 KiB so a large load is few writes.
    func announce(_ routes: [(index: Int, nextHop: IPv4Address)]) -> [ByteBuffer] {
        var byNextHop: [IPv4Address: [Int]] = [:]
        var order: [IPv4Address] = []
        for route in routes {
            if byNextHop[route.nextHop] == nil { order.append(route.nextHop) }
            byNextHop[route.nextHop, default: []].append(route.index)
        }
        let base = [
            PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
            PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: UInt16(truncatingIfNeeded: asn), value: vni)),
                                                .vxlanEncapsulation])),
        ]
        return Self.pack(order.flatMap { hop in
            Self.batches(byNextHop[hop] ?? []).map { batch in
                Update(attributes: PathAttributes(base + [PathAttribute(.mpReachNLRI(MPReachNLRI(
                    family: .l2vpnEVPN, nextHop: .v4(hop), nlri: batch.map(nlri))))]))
            }
        })
    }

    /// UPDATEs withdrawing `indices`.
    func withdraw(_ indices: [Int]) -> [ByteBuffer] {
        Self.pack(Self.batches(indices).map { batch in
            Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: batch.map(nlri))))]))
        })
    }

    private static func batches(_ indices: [Int]) -> [ArraySlice<Int>] {
        stride(from: 0, to: indices.count, by: nlriPerUpdate).map { indices[$0..<min($0 + nlriPerUpdate, indices.count)] }
    }

    private static func pack(_ updates: [Update]) -> [ByteBuffer] {
        let options = SessionOptions(fourOctetAS: true, internalPeer: true)
        var out: [ByteBuffer] = [], b = ByteBuffer()
        for update in updates {
            BGPMessage.update(update).encode(into: &b, options: options)
            if b.readableBytes >= 1 << 18 { out.append(b); b = ByteBuffer() }
        }
        if b.readableBytes > 0 { out.append(b) }
        return out
    }
}
