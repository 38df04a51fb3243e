import BGP
import NIOCore
import Testing
import TestSupport

/// RFC 4684 route target membership NLRI (AFI 1, SAFI 132): bytes written by
/// hand from §4's layout (length in bits, origin AS, route target), decoded
/// to the value beside them and encoded back; malformed ones refused with
/// the field and offset.
@Suite struct RouteTargetMembershipTests {
    struct Vector: NamedRow {
        var name: String
        var nlriHex: String
        var value: RouteTargetMembershipNLRI
    }

    static let rt10 = RouteTarget.twoOctetAS(asn: 65000, value: 10)

    static let vectors: [Vector] = [
        Vector(name: "default (length 0)", nlriHex: "00", value: .default),
        Vector(name: "65000 imports 65000:10 (96 bits)", nlriHex: "60 0000fde8 0002fde8 0000000a",
               value: RouteTargetMembershipNLRI(originAS: 65000, routeTarget: rt10)),
        Vector(name: "IPv4-address route target 10.0.0.1:7", nlriHex: "60 0000fde8 0102 0a000001 0007",
               value: RouteTargetMembershipNLRI(originAS: 65000, routeTarget: .ipv4(address: IPv4Address(10, 0, 0, 1), value: 7))),
        Vector(name: "4-octet AS route target, 4-octet origin AS", nlriHex: "60 fa56ea00 0202 fa56ea00 0009",
               value: RouteTargetMembershipNLRI(originAS: 4_200_000_000, routeTarget: .fourOctetAS(asn: 4_200_000_000, value: 9))),
        Vector(name: "origin AS only (32 bits)", nlriHex: "20 0000fde8",
               value: try! #require(RouteTargetMembershipNLRI(length: 32, originAS: 65000, routeTarget: 0))),
        Vector(name: "type and AS of the route target (64 bits)", nlriHex: "40 0000fde8 0002fde8",
               value: try! #require(RouteTargetMembershipNLRI(length: 64, originAS: 65000, routeTarget: 0x0002_fde8_0000_0000))),
        Vector(name: "odd length keeps the bits it was sent (36 bits)", nlriHex: "24 0000fde8 0f",
               value: try! #require(RouteTargetMembershipNLRI(length: 36, originAS: 65000, routeTarget: 0x0f00_0000_0000_0000))),
    ]

    /// An UPDATE with ORIGIN, AS_PATH and MP_REACH_NLRI (1/132, next hop 10.0.0.1) holding `nlriHex`.
    static func update(_ nlriHex: String) -> [UInt8] {
        let nlri = Hex.bytes(nlriHex) ?? []
        let mp = [0x00, 0x01, 132, 4, 10, 0, 0, 1, 0] + nlri
        let attributes: [UInt8] = [0x40, 1, 1, 0, 0x40, 2, 0, 0x90, 14, UInt8(mp.count >> 8), UInt8(mp.count & 0xff)] + mp
        return Wire.message(type: 2, "0000 " + Hex.string([UInt8(attributes.count >> 8), UInt8(attributes.count & 0xff)] + attributes))
    }

    /// Where the NLRI field starts: header 19, two lengths 4, ORIGIN 4, AS_PATH 3, MP_REACH header 4, its fixed part 9.
    static let nlriOffset = 19 + 4 + 4 + 3 + 4 + 9

    @Test(arguments: vectors)
    func decodesToItsValueAndBack(_ v: Vector) throws {
        let bytes = Self.update(v.nlriHex)
        guard case .update(let u) = try BGPMessage.decode(Wire.buffer(bytes)) else { Issue.record("not an UPDATE"); return }
        let reach = try #require(u.attributes.mpReachNLRI)
        #expect(reach.family == .routeTargetConstraint)
        #expect(reach.nlri == [.routeTargetMembership(v.value)])
        #expect(Hex.string(Wire.encode(.update(u))) == Hex.string(bytes))
    }

    @Test func severalInOneUpdateAndWithdrawn() throws {
        let all = Self.vectors.map(\.value)
        let reach = Update(attributes: PathAttributes([
            PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())),
            PathAttribute(.mpReachNLRI(MPReachNLRI(family: .routeTargetConstraint, nextHop: .v4(IPv4Address(10, 0, 0, 1)),
                                                   nlri: all.map { .routeTargetMembership($0) }))),
        ]))
        let unreach = Update(attributes: PathAttributes([
            PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .routeTargetConstraint, nlri: all.map { .routeTargetMembership($0) }))),
        ]))
        for u in [reach, unreach] {
            #expect(try BGPMessage.decode(Wire.buffer(Wire.encode(.update(u)))) == .update(u))
        }
    }

    struct Malformed: NamedRow {
        var name: String
        var nlriHex: String
        var reason: String
        /// From the start of the NLRI field.
        var offset: Int
    }

    @Test(arguments: [
        Malformed(name: "length 20: under the whole origin AS", nlriHex: "14 0000fd", reason: "prefix length 20: must be 0 or 32-96", offset: 0),
        Malformed(name: "length 1", nlriHex: "01 80", reason: "prefix length 1: must be 0 or 32-96", offset: 0),
        Malformed(name: "length 97: over 96", nlriHex: "61 0000fde8 0002fde8 0000000a 00", reason: "prefix length 97 over 96", offset: 0),
        Malformed(name: "second NLRI of length 200", nlriHex: "00 c8", reason: "prefix length 200 over 96", offset: 1),
        Malformed(name: "truncated: 96 bits announced, 5 octets sent", nlriHex: "60 0000fde8 00", reason: "truncated prefix", offset: 1),
    ])
    func malformedResetsTheSessionNamingFieldAndOffset(_ m: Malformed) {
        let bytes = Self.update(m.nlriHex)
        guard case .sessionReset(let e) = Update.decode(body: Wire.buffer(Array(bytes[19...]))) else {
            Issue.record("not refused"); return
        }
        #expect(e.reason.contains(m.reason), "\(e.reason)")
        #expect(e.offset == Self.nlriOffset + m.offset)
        #expect(e.notification.code == 3)
        #expect((try? BGPMessage.decode(Wire.buffer(bytes))) == nil)
    }

    @Test(arguments: [
        (RouteTargetMembershipNLRI.default, rt10, true),
        (RouteTargetMembershipNLRI(originAS: 65000, routeTarget: rt10), rt10, true),
        (RouteTargetMembershipNLRI(originAS: 1, routeTarget: rt10), rt10, true),  // origin AS is not matched
        (RouteTargetMembershipNLRI(originAS: 65000, routeTarget: .twoOctetAS(asn: 65000, value: 11)), rt10, false),
        (RouteTargetMembershipNLRI(originAS: 65000, routeTarget: .fourOctetAS(asn: 65000, value: 10)), rt10, false),  // type differs
        (RouteTargetMembershipNLRI(length: 64, originAS: 65000, routeTarget: 0x0002_fde8_0000_0000)!, rt10, true),
        (RouteTargetMembershipNLRI(length: 64, originAS: 65000, routeTarget: 0x0002_fde9_0000_0000)!, rt10, false),
        (RouteTargetMembershipNLRI(length: 32, originAS: 65000, routeTarget: 0)!, rt10, true),
    ])
    func membershipMatchesRouteTargets(_ m: RouteTargetMembershipNLRI, _ target: RouteTarget, _ expected: Bool) {
        #expect(m.matches(target) == expected)
    }

    @Test(arguments: [UInt8(1), 31, 97, 255])
    func invalidLengthsCannotBeBuilt(_ length: UInt8) {
        #expect(RouteTargetMembershipNLRI(length: length, originAS: 65000, routeTarget: 0) == nil)
    }

    @Test func multiprotocolCapabilityAndEndOfRIB() throws {
        // OPEN capability 1 of length 4: AFI 1, reserved, SAFI 132 (RFC 4760 §8).
        let open = Wire.message(type: 1, "04 fde8 005a 0a000001 08 02 06 0104 0001 0084")
        guard case .open(let o) = try BGPMessage.decode(Wire.buffer(open)) else { Issue.record("not an OPEN"); return }
        #expect(o.capabilities == [.multiprotocol(.routeTargetConstraint)])
        #expect(Wire.encode(.open(o)) == open)
        #expect(AddressFamily.routeTargetConstraint.description == "ipv4/rtc")
        // End-of-RIB: an MP_UNREACH_NLRI of the family with no NLRI.
        let eor = Wire.message(type: 2, "0000 0006 800f 03 0001 84")
        guard case .update(let u) = try BGPMessage.decode(Wire.buffer(eor)) else { Issue.record("not an UPDATE"); return }
        #expect(u.endOfRIB == .routeTargetConstraint)
        #expect(Wire.encode(.update(.endOfRIB(.routeTargetConstraint))) == eor)
    }
}
