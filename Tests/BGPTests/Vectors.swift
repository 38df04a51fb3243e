import BGP
import NIOCore
import TestSupport

/// Builders for wire test vectors: the header is written here by hand so the
/// vectors' bodies can be written straight from the RFC layouts.
enum Wire {
    static let marker = String(repeating: "ff", count: 16)

    /// A whole message: marker, length, type, then `body` (hex).
    static func message(type: UInt8, _ body: String) -> [UInt8] {
        let b = Hex.bytes(body) ?? []
        let length = 19 + b.count
        return (Hex.bytes(marker) ?? []) + [UInt8(length >> 8), UInt8(length & 0xff), type] + b
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    static func bytes(_ b: ByteBuffer) -> [UInt8] { b.getBytes(at: b.readerIndex, length: b.readableBytes) ?? [] }

    static func encode(_ m: BGPMessage, _ options: SessionOptions = SessionOptions()) -> [UInt8] { bytes(m.encoded(options: options)) }
}

/// Values used across suites.
enum Sample {
    static let rd = RouteDistinguisher.ipv4(IPv4Address(10, 0, 0, 1), 5)
    static let mac = EthernetAddress(rawValue: 0x5254_0012_3456)
    static let vtep = IPAddress.v4(IPv4Address(10, 0, 0, 1))
    static let rt = ExtendedCommunity.routeTarget(.twoOctetAS(asn: 65000, value: 10000))

    static let type2 = EVPNRoute.macIPAdvertisement(MACIPAdvertisementRoute(
        rd: rd, mac: mac, ip: .v4(IPv4Address(10, 0, 0, 11)), label1: .vni(10000)))
    static let type3 = EVPNRoute.inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd, originatingRouter: vtep))

    static func evpnUpdate(_ routes: [EVPNRoute], pmsi: Bool = false) -> Update {
        var attrs: [PathAttribute] = [
            // Extended length, as GoBGP and FRR write MP_REACH_NLRI.
            PathAttribute(flags: [.optional, .extendedLength], value: .mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: vtep, nlri: routes.map { .evpn($0) }))),
            PathAttribute(.origin(.igp)),
            PathAttribute(.asPath(ASPath())),
            PathAttribute(.localPref(100)),
            PathAttribute(.extendedCommunities([rt, .vxlanEncapsulation])),
        ]
        if pmsi { attrs.append(PathAttribute(.pmsiTunnel(.ingressReplication(vni: 10000, endpoint: vtep)))) }
        return Update(attributes: PathAttributes(attrs))
    }
}
