import BGP
import BGPSpeaker

/// Hand-made EVPN routes and UPDATEs for the RIB tables.
enum Routes {
    static let cluster = IPv4Address(10, 255, 0, 1)
    static let rr = IPv4Address(10, 255, 0, 1)

    static func macIP(_ n: UInt32, vni: UInt32 = 100, vtep: IPv4Address = IPv4Address(10, 1, 1, 1)) -> NLRI {
        .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
            rd: .ipv4(vtep, UInt16(truncatingIfNeeded: vni)), mac: EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(n)),
            ip: .v4(IPv4Address(rawValue: 0x0a00_0000 | n)), label1: .vni(vni))))
    }

    static func multicast(vni: UInt32, vtep: IPv4Address) -> NLRI {
        .evpn(.inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: .ipv4(vtep, UInt16(truncatingIfNeeded: vni)), originatingRouter: .v4(vtep))))
    }

    /// ORIGIN, empty AS_PATH, LOCAL_PREF, RT and VXLAN encapsulation, plus `extra`.
    static func attributes(localPref: UInt32 = 100, extra: [PathAttribute] = []) -> [PathAttribute] {
        [PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(localPref)),
         PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: 65000, value: 100)), .vxlanEncapsulation]))] + extra
    }

    static func announce(_ nlri: [NLRI], _ attributes: [PathAttribute], nextHop: IPv4Address = IPv4Address(10, 1, 1, 1)) -> Update {
        Update(attributes: PathAttributes(attributes + [PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(nextHop), nlri: nlri)))]))
    }

    static func withdraw(_ nlri: [NLRI]) -> Update {
        Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: nlri)))]))
    }

    static func peer(_ last: UInt8, client: Bool = true) -> RIBPeer {
        RIBPeer(address: .v4(IPv4Address(10, 0, 0, last)), routerID: IPv4Address(10, 0, 0, last), routeReflectorClient: client)
    }
}

extension Update {
    /// (announced NLRI, their attributes without MP_REACH, next hop) or the withdrawn ones.
    var reach: (nlri: [NLRI], attributes: PathAttributes, nextHop: [UInt8])? {
        guard let mp = attributes.mpReachNLRI else { return nil }
        return (mp.nlri, attributes.withoutMultiprotocol, mp.nextHop)
    }
    var unreach: [NLRI] { attributes.mpUnreachNLRI?.nlri ?? [] }
}
