import BGP
import BGPSpeaker
import Foundation
import NIOCore
import Packets
import Pcap
import Testing
import TestSupport

/// Real reflectors as the oracle: the captured originator's UPDATEs (GoBGP
/// 127.0.0.2) fed to our RIB must come out as GoBGP's route reflector sent
/// them to its client, and GoBGP's reflected UPDATEs fed to us as FRR's
/// route reflector sent them on (Fixtures/bgp.manifest): every attribute,
/// flags and next hop equal.
@Suite struct CapturedReflectionTests {
    static let pcap = Repository.fixtures.appendingPathComponent("bgp-evpn-reflection.pcap")

    /// UPDATEs of each "source>destination" direction of the capture.
    static func updates() throws -> [String: [Update]] {
        var reassembler = TCPReassembler()
        for frame in try PcapReader.frames(path: pcap.path) { reassembler.add(frame: frame.data) }
        var out: [String: [Update]] = [:]
        for stream in reassembler.streams where stream.payload.readableBytes > 0 {
            let key = "\(stream.key.source.address)>\(stream.key.destination.address)"
            var decoder = MessageStreamDecoder()
            decoder.append(stream.payload)
            while let m = try decoder.next() {
                if case .update(let u) = try BGPMessage.decode(m) { out[key, default: []].append(u) }
            }
        }
        return out
    }

    /// NLRI -> (attributes by type code, next hop) of what the UPDATEs announce.
    static func announced(_ updates: [Update]) -> [NLRI: [UInt8: PathAttribute]] {
        var out: [NLRI: [UInt8: PathAttribute]] = [:]
        for u in updates {
            guard let mp = u.attributes.mpReachNLRI else { continue }
            var attrs: [UInt8: PathAttribute] = [:]
            // The extended-length bit is the writer's choice (FRR sets it on
            // every AS_PATH), not part of what is said.
            for var a in u.attributes.withoutMultiprotocol.attributes {
                a.flags.remove(.extendedLength)
                attrs[a.typeCode] = a
            }
            // The next hop stands in as a pseudo attribute 0.
            attrs[0] = PathAttribute(flags: [], value: .unknown(typeCode: 0, data: mp.nextHop))
            for n in mp.nlri { out[n] = attrs }
        }
        return out
    }

    struct Hop: NamedRow {
        var name: String
        var input: String
        var output: String
        var reflector: BGP.IPv4Address
        var source: BGP.IPv4Address
    }

    static let hops: [Hop] = [
        Hop(name: "as GoBGP reflects the originator", input: "127.0.0.2>127.0.0.1", output: "127.0.0.1>127.0.0.3",
            reflector: BGP.IPv4Address(127, 0, 0, 1), source: BGP.IPv4Address(127, 0, 0, 2)),
        Hop(name: "as FRR reflects GoBGP's reflection", input: "127.0.0.1>127.0.0.3", output: "127.0.0.3>127.0.0.4",
            reflector: BGP.IPv4Address(127, 0, 0, 3), source: BGP.IPv4Address(127, 0, 0, 1)),
    ]

    @Test(.enabled(if: FileManager.default.fileExists(atPath: pcap.path), "Fixtures/bgp-evpn-reflection.pcap absent"), arguments: hops)
    func reflectsAsTheRealReflector(_ hop: Hop) throws {
        let captured = try Self.updates()
        let input = try #require(captured[hop.input], "no UPDATEs \(hop.input)")
        let expected = Self.announced(try #require(captured[hop.output], "no UPDATEs \(hop.output)"))
        #expect(expected.count == 3)

        var rib = RIB(routerID: hop.reflector, clusterID: hop.reflector)
        let source = PeerID(1), client = PeerID(2)
        rib.addPeer(source, RIBPeer(address: .v4(hop.source), routerID: hop.source))
        rib.addPeer(client, RIBPeer(address: .v4(BGP.IPv4Address(127, 0, 0, 9)), routerID: BGP.IPv4Address(127, 0, 0, 9)))
        for u in input { rib.apply(u, from: source) }
        let ours = Self.announced(rib.pendingUpdates(for: client))

        #expect(Set(ours.keys) == Set(expected.keys))
        for (nlri, theirs) in expected {
            let mine = ours[nlri] ?? [:]
            #expect(Set(mine.keys) == Set(theirs.keys), "\(nlri): attribute types")
            for (code, attribute) in theirs {
                #expect(mine[code] == attribute, "\(nlri): attribute \(code)")
            }
        }
    }
}
