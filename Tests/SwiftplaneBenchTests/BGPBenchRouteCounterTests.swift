import BGP
import NIOCore
import TestSupport
import Testing
@testable import swiftplane_bench

/// The cheap receiver-side counter must agree with the full BGP codec on
/// the injector's load, and be total on damaged input.
@Suite struct BGPBenchRouteCounterTests {
    static func messages(_ buffers: [ByteBuffer]) throws -> [ByteBuffer] {
        var decoder = MessageStreamDecoder()
        var out: [ByteBuffer] = []
        for b in buffers {
            decoder.append(b)
            while let m = try decoder.next() { out.append(m) }
        }
        return out
    }

    @Test(arguments: [1, 99, 100, 101, 2_345])
    func countsAgreeWithTheCodec(routes: Int) throws {
        let load = BGPBenchLoad(routes: routes, nextHop: IPv4Address(127, 0, 0, 2))
        var counter = BGPBenchRouteCounter(routes: routes)
        var macs: Set<EthernetAddress> = []
        let announcements = try Self.messages(load.announcements)
        #expect(announcements.count == (routes + 99) / 100)
        for m in announcements {
            guard case .update(let u) = try BGPMessage.decode(m) else { Issue.record("not an UPDATE"); continue }
            #expect(u.attributes.routeTargets.contains(.twoOctetAS(asn: 65000, value: 10)))
            #expect(u.attributes.extendedCommunities.contains(.encapsulation(tunnelType: 8)))
            #expect(u.attributes.mpReachNLRI?.nextHopAddresses == [.v4(IPv4Address(127, 0, 0, 2))])
            for n in u.announced { if case .macIPAdvertisement(let r) = n.evpn { macs.insert(r.mac) } }
            try counter.count(message: m)
        }
        #expect(macs.count == routes)
        #expect(counter.heldCount == routes)
        #expect(counter.announcedNLRI == routes)
        #expect(counter.foreignNLRI == 0)
        var withdrawn = 0
        for m in try Self.messages(load.withdrawals) {
            guard case .update(let u) = try BGPMessage.decode(m) else { Issue.record("not an UPDATE"); continue }
            withdrawn += u.withdrawn.count
            try counter.count(message: m)
        }
        #expect(withdrawn == routes)
        #expect(counter.withdrawnNLRI == routes)
        #expect(counter.heldCount == 0)
    }

    /// Spread over tenants: every route still once, each UPDATE one tenant's;
    /// a receiver's goal is the share of the tenants it imports (`imports`
    /// of them from `tenant` on, wrapping), and its own RT membership
    /// messages (another family) are no EVPN routes to it.
    @Test(arguments: [(10, 3, 1, 1, 3), (10, 3, 0, 1, 4), (2_345, 7, 6, 1, 335), (5, 8, 6, 1, 0),
                      (10, 3, 2, 2, 7), (2_345, 7, 5, 3, 1_005), (100, 10, 9, 10, 100)])
    func tenantsShareTheRoutes(routes: Int, tenants: Int, tenant: Int, imports: Int, goal: Int) throws {
        let load = BGPBenchLoad(routes: routes, nextHop: IPv4Address(127, 0, 0, 2), tenants: tenants)
        var counter = BGPBenchRouteCounter(routes: routes, tenants: tenants, tenant: tenant, imports: imports)
        #expect(counter.goal == goal)
        let imported = (0..<imports).map { (tenant + $0) % tenants }
        for m in try Self.messages([BGPBenchLoad.membership(tenants: imported, routerID: IPv4Address(127, 0, 0, 3))]) {
            try counter.count(message: m)
        }
        #expect(counter.announcedNLRI == 0 && counter.withdrawnNLRI == 0)
        var perTenant: [Int: Int] = [:]
        for m in try Self.messages(load.announcements) {
            guard case .update(let u) = try BGPMessage.decode(m) else { Issue.record("not an UPDATE"); continue }
            let targets = u.attributes.routeTargets
            #expect(targets.count == 1)
            for n in u.announced {
                guard case .macIPAdvertisement(let r)? = n.evpn else { continue }
                let index = Int(r.mac.rawValue & 0xffff_ffff)
                #expect(targets == [BGPBenchLoad.routeTarget(tenant: index % tenants)])
                perTenant[index % tenants, default: 0] += 1
            }
            try counter.count(message: m)
        }
        // Fed every tenant's routes, it holds its own and counts the rest as unwanted.
        #expect(counter.heldCount == goal)
        #expect(counter.unwantedHeld == routes - goal)
        #expect(counter.isExact == (goal == routes))
        #expect(imported.reduce(0) { $0 + (perTenant[$1] ?? 0) } == goal)
    }

    /// Every truncation of a real UPDATE gives a count or a typed error, never a trap.
    @Test(arguments: [0, 18, 19, 21, 23, 30, 60, 100, 500, 1_000])
    func truncatedUpdatesAreTotal(keep: Int) throws {
        let load = BGPBenchLoad(routes: 100, nextHop: IPv4Address(127, 0, 0, 2))
        let whole = try #require(try Self.messages(load.announcements).first)
        let cut = whole.getSlice(at: whole.readerIndex, length: min(keep, whole.readableBytes)) ?? ByteBuffer()
        var counter = BGPBenchRouteCounter(routes: 100)
        do {
            try counter.count(message: cut)
            Issue.record("a cut UPDATE of \(cut.readableBytes) bytes counted \(counter.announcedNLRI) NLRI")
        } catch {
            #expect(error.offset <= max(keep, 19))
        }
        #expect(counter.heldCount <= 100)
    }

    /// Hand-made UPDATEs (RFC 4271 §4.3 framing, RFC 4760 MP_UNREACH) with
    /// one wrong length each: the error names the field.
    @Test(arguments: [
        // Total path attribute length 0x10 past the end.
        ("ffffffffffffffffffffffffffffffff" + "0017" + "02" + "0000" + "0010", "path attributes past the end"),
        // MP_UNREACH (flags 0x80, code 15) of length 9: l2vpn/evpn, then an NLRI of type 2 claiming 0x21 octets.
        ("ffffffffffffffffffffffffffffffff" + "0020" + "02" + "0000" + "0009" + "800f06" + "001946" + "0221ff", "EVPN NLRI past the attribute"),
        // A type-2 NLRI too short to hold a MAC.
        ("ffffffffffffffffffffffffffffffff" + "0022" + "02" + "0000" + "000b" + "800f08" + "001946" + "0203000000", "MAC/IP route too short"),
    ])
    func malformedLengthsAreNamed(hex: String, what: String) throws {
        let bytes = try #require(Hex.bytes(hex))
        var counter = BGPBenchRouteCounter(routes: 10)
        #expect(throws: BGPBenchRouteCounter.MalformedUpdate.self) { try counter.count(message: ByteBuffer(bytes: bytes)) }
        do { try counter.count(message: ByteBuffer(bytes: bytes)) } catch { #expect(error.what == what) }
    }
}
