import BGP
import NIOCore
import Testing
import TestSupport

/// An UPDATE written from its template (attributes encoded once, NLRI
/// appended) is byte for byte the UPDATE encoded whole: below, at and past
/// the 255 octets where the multiprotocol attribute needs a 2-octet length,
/// with its flags short or already extended, with add-path identifiers.
struct MultiprotocolUpdateTemplateTests {
    struct Row: NamedRow {
        var name: String
        var update: @Sendable ([NLRI]) -> Update
        var addPath = false
    }

    static let rows: [Row] = [
        Row(name: "MP_UNREACH_NLRI") { Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: $0)))])) },
        Row(name: "MP_REACH_NLRI last, short flags") { nlri in
            Update(attributes: PathAttributes([
                PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
                PathAttribute(.extendedCommunities([Sample.rt, .vxlanEncapsulation])),
                PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: Sample.vtep, nlri: nlri))),
            ]))
        },
        Row(name: "MP_REACH_NLRI last, extended flags") { nlri in
            Update(attributes: PathAttributes([
                PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())),
                PathAttribute(flags: [.optional, .extendedLength], value: .mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: Sample.vtep, nlri: nlri))),
            ]))
        },
        Row(name: "MP_UNREACH_NLRI with add-path identifiers", update: {
            Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: $0)))]))
        }, addPath: true),
    ]

    static func nlri(_ count: Int, addPath: Bool) -> [NLRI] {
        (0..<count).map { k in
            .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(rd: Sample.rd, mac: EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(k)),
                                                              ip: .v4(IPv4Address(rawValue: 0x0a00_0000 | UInt32(k))), label1: .vni(10))),
                  pathID: addPath ? UInt32(k + 1) : nil)
        }
    }

    // 6 type-2 NLRI with an IPv4 address fit a one-octet attribute length, 7 do not.
    @Test(arguments: rows, [0, 1, 6, 7, 100])
    func templateGivesTheWholeEncoding(_ row: Row, _ count: Int) throws {
        let options = SessionOptions(fourOctetAS: true, addPath: row.addPath ? [.l2vpnEVPN] : [], internalPeer: true)
        let template = try #require(MultiprotocolUpdateTemplate(row.update([]), options: options))
        let routes = Self.nlri(count, addPath: row.addPath)
        let length = routes.reduce(0) { $0 + $1.wireLength }
        var b = ByteBuffer()
        template.writeHead(nlriLength: length, into: &b)
        for n in routes { n.encode(into: &b) }
        let whole = BGPMessage.update(row.update(routes)).encoded(options: options)
        #expect(b == whole)
        #expect(template.length(nlriLength: length) == whole.readableBytes)
    }

    @Test func refusedWhenTheMultiprotocolAttributeIsNotLastOrNotEmpty() {
        let options = SessionOptions()
        let notLast = Update(attributes: PathAttributes([
            PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: []))), PathAttribute(.origin(.igp)),
        ]))
        let notEmpty = Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: Self.nlri(1, addPath: false))))]))
        #expect(MultiprotocolUpdateTemplate(notLast, options: options) == nil)
        #expect(MultiprotocolUpdateTemplate(notEmpty, options: options) == nil)
    }
}
