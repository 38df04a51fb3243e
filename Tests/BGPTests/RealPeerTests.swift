import BGP
import Foundation
import NIOCore
import Packets
import Pcap
import Testing
import TestSupport

/// UPDATEs captured from GoBGP and FRR (Fixtures/capture-bgp.sh, see
/// Fixtures/bgp.manifest) decode to exactly what the peers were told to send
/// and re-encode byte for byte.
@Suite struct RealPeerTests {
    static let pcap = Repository.fixtures.appendingPathComponent("bgp-evpn-reflection.pcap")

    /// Messages of one direction of one TCP connection, by "source>destination" address.
    static func messagesBySession() throws -> [String: [(bytes: [UInt8], message: BGPMessage)]] {
        var reassembler = TCPReassembler()
        for frame in try PcapReader.frames(path: pcap.path) { reassembler.add(frame: frame.data) }
        var out: [String: [(bytes: [UInt8], message: BGPMessage)]] = [:]
        for stream in reassembler.streams where stream.payload.readableBytes > 0 {
            let key = "\(stream.key.source.address)>\(stream.key.destination.address)"
            var decoder = MessageStreamDecoder()
            decoder.append(stream.payload)
            while let m = try decoder.next() {
                out[key, default: []].append((Wire.bytes(m), try BGPMessage.decode(m)))
            }
            #expect(decoder.pendingBytes == 0, "\(key): bytes left over")
        }
        return out
    }

    /// What capture-bgp.sh told GoBGP 127.0.0.2 to announce.
    struct Told {
        var route: EVPNRoute
        var vni: UInt32
    }

    static let told: [Told] = [
        Told(route: .macIPAdvertisement(MACIPAdvertisementRoute(
            rd: .ipv4(BGP.IPv4Address(10, 0, 0, 2), 5), mac: BGP.EthernetAddress("52:54:00:12:34:56")!,
            ip: BGP.IPAddress("10.0.0.11"), label1: .vni(10000))), vni: 10000),
        Told(route: .macIPAdvertisement(MACIPAdvertisementRoute(
            rd: .ipv4(BGP.IPv4Address(10, 0, 0, 2), 6), mac: BGP.EthernetAddress("52:54:00:12:34:57")!,
            ip: BGP.IPAddress("2001:db8::12"), label1: .vni(10001))), vni: 10001),
        Told(route: .inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(
            rd: .ipv4(BGP.IPv4Address(10, 0, 0, 2), 5), originatingRouter: BGP.IPAddress("10.0.0.2")!)), vni: 10000),
    ]

    /// (session, who encoded it, ORIGINATOR_ID, CLUSTER_LIST expected)
    static let sessions: [(String, String, String?, [String])] = [
        ("127.0.0.2>127.0.0.1", "GoBGP originating", nil, []),
        ("127.0.0.1>127.0.0.3", "GoBGP reflecting", "127.0.0.2", ["127.0.0.1"]),
        ("127.0.0.3>127.0.0.4", "FRR reflecting", "127.0.0.2", ["127.0.0.3", "127.0.0.1"]),
    ]

    @Test(arguments: sessions.indices)
    func updatesCarryWhatThePeerWasTold(_ i: Int) throws {
        try #require(FileManager.default.fileExists(atPath: Self.pcap.path), "fixture missing: run Fixtures/capture-bgp.sh")
        let (session, who, originator, clusters) = Self.sessions[i]
        let messages = try #require(try Self.messagesBySession()[session], "no messages from \(session)")
        // The session opened with 4-octet AS 65000 and l2vpn/evpn.
        guard case .open(let open) = messages.first?.message else { Issue.record("\(who): first message not OPEN"); return }
        #expect(open.asn == 65000)
        #expect(open.capabilities.contains(.multiprotocol(.l2vpnEVPN)))

        var seen: [EVPNRoute] = []
        for case (_, .update(let u)) in messages {
            guard let reach = u.attributes.mpReachNLRI else { continue }
            let a = u.attributes
            #expect(reach.family == .l2vpnEVPN)
            #expect(reach.nextHopAddresses == [BGP.IPAddress("10.0.0.2")!], "\(who)")
            #expect(a.origin == .incomplete, "\(who)")
            #expect(a.asPath?.segments.isEmpty ?? false, "\(who): iBGP, empty AS_PATH")
            #expect(a.originatorID?.description == originator, "\(who)")
            #expect((a.clusterList?.clusterIDs ?? []).map(\.description) == clusters, "\(who)")
            for nlri in reach.nlri {
                let route = try #require(nlri.evpn)
                let told = try #require(Self.told.first { $0.route == route }, "\(who) sent a route it was not told: \(route)")
                seen.append(route)
                #expect(a.extendedCommunities.contains(.routeTarget(.twoOctetAS(asn: 65000, value: told.vni))), "\(who)")
                #expect(a.extendedCommunities.contains(.vxlanEncapsulation), "\(who)")
                if case .inclusiveMulticastEthernetTag = route {
                    let pmsi = try #require(a.pmsiTunnel, "\(who): type 3 without PMSI")
                    #expect(pmsi.tunnelType == .ingressReplication)
                    #expect(pmsi.label.vni == 10000)
                    #expect(pmsi.tunnelEndpoint == BGP.IPAddress("10.0.0.2"))
                } else {
                    #expect(a.pmsiTunnel == nil)
                }
            }
        }
        #expect(Set(seen) == Set(Self.told.map(\.route)), "\(who): routes")
        #expect(seen.count == Self.told.count)
    }

    @Test func everyCapturedMessageReencodesByteForByte() throws {
        try #require(FileManager.default.fileExists(atPath: Self.pcap.path), "fixture missing: run Fixtures/capture-bgp.sh")
        var count = 0
        for (session, messages) in try Self.messagesBySession() {
            for (bytes, message) in messages {
                #expect(Hex.string(Wire.encode(message)) == Hex.string(bytes), "\(session): \(message.type)")
                count += 1
            }
        }
        #expect(count >= 20)
    }
}
