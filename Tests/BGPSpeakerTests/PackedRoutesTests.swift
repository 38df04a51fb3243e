import BGP
@testable import BGPSpeaker
import NIOCore
import Testing
import TestSupport

/// The RIB's packed NLRI (`PackedRoutes`): every shape comes back as it
/// went in, is written as `NLRI.encode` writes it, and compares and hashes
/// by key exactly as `NLRI` does.
struct PackedRoutesTests {
    struct Shape: NamedRow {
        var name: String
        var nlri: NLRI
        /// Kept inline as plain bytes (else out of line).
        var inline: Bool
    }

    static let rd = RouteDistinguisher.ipv4(IPv4Address(10, 1, 1, 1), 100)
    static let esi = EthernetSegmentIdentifier(high: 0x0001, low: 0x0203_0405_0607_0809)
    static let mac = EthernetAddress(rawValue: 0x02_00_00_00_12_34)
    static let v4 = IPAddress.v4(IPv4Address(10, 0, 0, 7))
    static let v6 = IPAddress.v6(IPv6Address(high: 0xfd00_0000_0000_0001, low: 0x0000_0000_0000_0007))

    static func macIP(ip: IPAddress?, esi: EthernetSegmentIdentifier = .zero, tag: UInt32 = 0, label1: UInt32 = 100,
                      label2: UInt32? = nil, pathID: UInt32? = nil) -> NLRI {
        .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(rd: rd, esi: esi, ethernetTag: tag, mac: mac, ip: ip,
                                                          label1: .vni(label1), label2: label2.map { .vni($0) })), pathID: pathID)
    }

    static func ipPrefix(_ prefix: IPAddress, length: UInt8, gateway: IPAddress, label: UInt32 = 5000, pathID: UInt32? = nil) -> NLRI {
        .evpn(.ipPrefix(IPPrefixRoute(rd: rd, ethernetTag: 0, prefix: prefix, prefixLength: length, gateway: gateway, label: .vni(label))),
              pathID: pathID)
    }

    static let shapes: [Shape] = [
        Shape(name: "type 2, MAC only", nlri: macIP(ip: nil), inline: true),
        Shape(name: "type 2, IPv4", nlri: macIP(ip: v4), inline: true),
        Shape(name: "type 2, IPv4, two labels, ESI, tag", nlri: macIP(ip: v4, esi: esi, tag: 7, label2: 9000), inline: true),
        Shape(name: "type 2, IPv6, two labels, path id", nlri: macIP(ip: v6, label2: 9000, pathID: 3), inline: true),
        Shape(name: "type 1", nlri: .evpn(.ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: rd, esi: esi, ethernetTag: 0xffff_ffff, label: .vni(1)))), inline: true),
        Shape(name: "type 3, IPv4", nlri: .evpn(.inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd, originatingRouter: v4))), inline: true),
        Shape(name: "type 3, IPv6, path id", nlri: .evpn(.inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd, ethernetTag: 4, originatingRouter: v6)), pathID: 1), inline: true),
        Shape(name: "type 4", nlri: .evpn(.ethernetSegment(EthernetSegmentRoute(rd: rd, esi: esi, originatingRouter: v6))), inline: true),
        Shape(name: "type 5, IPv4", nlri: ipPrefix(.v4(IPv4Address(192, 168, 1, 0)), length: 24, gateway: v4), inline: true),
        Shape(name: "type 5, IPv6, path id (the longest)", nlri: ipPrefix(v6, length: 128, gateway: v6, pathID: 0xffff_ffff), inline: true),
        Shape(name: "unknown EVPN type", nlri: .evpn(.unknown(type: 9, value: [1, 2, 3, 4, 5])), inline: false),
        Shape(name: "opaque", nlri: NLRI(.opaque([0x18, 10, 1, 2])), inline: false),
        Shape(name: "IPv4 /24", nlri: .ipv4(IPv4Prefix(IPv4Address(10, 1, 2, 0), length: 24)), inline: true),
        Shape(name: "IPv4 /24 with a host bit set past it", nlri: .ipv4(IPv4Prefix(IPv4Address(10, 1, 2, 3), length: 24)), inline: false),
        Shape(name: "IPv6 /64, path id", nlri: .ipv6(IPv6Prefix(IPv6Address(high: 0xfd00_0000_0000_0001, low: 0), length: 64), pathID: 2), inline: true),
        Shape(name: "RT membership, one route target", nlri: .routeTargetMembership(RouteTargetMembershipNLRI(originAS: 65000, routeTarget: .twoOctetAS(asn: 65000, value: 100))), inline: true),
        Shape(name: "RT membership, default", nlri: .routeTargetMembership(.default), inline: true),
        Shape(name: "RT membership, 40 bits with bits set past them", nlri: .routeTargetMembership(RouteTargetMembershipNLRI(length: 40, originAS: 65000, routeTarget: 0x0002_fde8_0000_0064)!), inline: false),
    ]

    static func wire(_ body: (inout ByteBuffer) -> Void) -> [UInt8] {
        var b = ByteBuffer()
        body(&b)
        return Array(b.readableBytesView)
    }

    @Test(arguments: shapes)
    func everyShapeComesBackAsItWentIn(_ shape: Shape) {
        var table = PackedRoutes()
        table.set(0, shape.nlri)
        #expect(table[0] == shape.nlri)
        #expect(table.family(0) == shape.nlri.family)
        #expect(table.wireLength(0) == shape.nlri.wireLength)
        let packed = Self.wire { table.encode(0, into: &$0) }, plain = Self.wire { shape.nlri.encode(into: &$0) }
        #expect(packed == plain)
        #expect(table.outOfLineCount == (shape.inline ? 0 : 1))
        let holds = table.holds(0, exactly: shape.nlri)
        #expect(holds)
        table.set(0, nil)
        #expect(table.isFree(0) && table[0] == nil && table.wireLength(0) == nil && table.outOfLineCount == 0)
    }

    /// Pairs that differ in a field outside the key (labels, ESI, gateway),
    /// in a key field, in the add-path identifier, or in shape.
    static let variants: [NLRI] = shapes.map(\.nlri) + [
        macIP(ip: v4, label1: 200),
        macIP(ip: v4, esi: esi, label2: 1),
        macIP(ip: v4, tag: 1),
        macIP(ip: v4, pathID: 3),
        macIP(ip: .v4(IPv4Address(10, 0, 0, 8))),
        macIP(ip: v6, pathID: 3),
        macIP(ip: v6, label2: nil, pathID: 3),
        ipPrefix(.v4(IPv4Address(192, 168, 1, 0)), length: 24, gateway: .v4(IPv4Address(10, 9, 9, 9)), label: 1),
        ipPrefix(.v4(IPv4Address(192, 168, 1, 0)), length: 25, gateway: v4),
        .evpn(.ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: rd, esi: esi, ethernetTag: 0xffff_ffff, label: .vni(2)))),
        .ipv4(IPv4Prefix(IPv4Address(10, 1, 2, 0), length: 24), pathID: 1),
    ]

    @Test(arguments: variants.indices)
    func keysCompareAndHashAsNLRIDoes(_ k: Int) {
        var table = PackedRoutes()
        let seed: (UInt64, UInt64, UInt64) = (.random(in: .min ... .max), .random(in: .min ... .max), .random(in: .min ... .max))
        let stored = Self.variants[k]
        table.set(0, stored)
        #expect(table.keyHash(0, seed: seed) == PackedRoutes.keyHash(stored, seed: seed))
        for other in Self.variants {
            #expect(table.sameKey(0, as: other) == stored.sameKey(as: other), "\(stored) against \(other)")
            #expect(stored.sameKey(as: other) == (stored.key == other.key))
            if stored.key == other.key {
                #expect(PackedRoutes.keyHash(other, seed: seed) == table.keyHash(0, seed: seed), "\(stored) against \(other)")
            }
            let holds = table.holds(0, exactly: other)
            #expect(holds == (stored == other), "\(stored) against \(other)")
        }
    }

    /// Out-of-line places are reused, and go when an inline NLRI takes the index.
    @Test func outOfLinePlacesAreReused() {
        var table = PackedRoutes()
        let unknown = Self.shapes.first { !$0.inline }!.nlri, inline = Self.shapes[0].nlri
        for i in UInt32(0)..<4 { table.set(i, unknown) }
        #expect(table.outOfLineCount == 4)
        table.set(1, nil)
        table.set(2, inline)
        #expect(table.outOfLineCount == 2)
        table.set(1, NLRI(.opaque([1, 2])))
        table.set(2, NLRI(.opaque([3])))
        #expect(table.outOfLineCount == 4)
        #expect(table[1] == NLRI(.opaque([1, 2])) && table[2] == NLRI(.opaque([3])) && table[3] == unknown)
        #expect(MemoryLayout<PackedNLRI>.stride == 72)
        #expect(_isPOD(PackedNLRI.self))
    }
}
