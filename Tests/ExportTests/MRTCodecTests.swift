import BGP
import FieldReader
import MRT
import Testing

/// The MRT codec against octets laid out by hand from RFC 6396 §2-4, its
/// decoder's errors, and round trips.
@Suite struct MRTCodecTests {
    static let keepalive: [UInt8] = [UInt8](repeating: 0xff, count: 16) + [0, 19, 4]

    static let vectors: [(String, MRTRecord, [UInt8])] = [
        ("BGP4MP_ET MESSAGE_AS4, IPv4",
         MRTRecord(timestamp: 1, microseconds: 2, body: .bgp4mpMessageAS4(BGP4MPMessage(
            peerAS: 65001, localAS: 65000, peerAddress: .v4(IPv4Address(192, 0, 2, 2)), localAddress: .v4(IPv4Address(192, 0, 2, 1)), message: keepalive))),
         [0, 0, 0, 1, 0, 17, 0, 4, 0, 0, 0, 43, 0, 0, 0, 2] + [0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 192, 0, 2, 2, 192, 0, 2, 1] + keepalive),
        ("BGP4MP MESSAGE_AS4, IPv6",
         MRTRecord(timestamp: 1, body: .bgp4mpMessageAS4(BGP4MPMessage(
            peerAS: 65001, localAS: 65000, peerAddress: .v6(IPv6Address("2001:db8::2")!), localAddress: .v6(IPv6Address("2001:db8::1")!), message: keepalive))),
         [0, 0, 0, 1, 0, 16, 0, 4, 0, 0, 0, 63] + [0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xe8, 0, 0, 0, 2] + IPv6Address("2001:db8::2")!.bytes
            + IPv6Address("2001:db8::1")!.bytes + keepalive),
        ("PEER_INDEX_TABLE",
         MRTRecord(timestamp: 1, body: .peerIndexTable(PeerIndexTable(collectorBGPID: IPv4Address(192, 0, 2, 1), viewName: "v",
                                                                      peers: [.init(bgpID: IPv4Address(192, 0, 2, 2), address: .v4(IPv4Address(192, 0, 2, 2)), asn: 65001)]))),
         [0, 0, 0, 1, 0, 13, 0, 1, 0, 0, 0, 22] + [192, 0, 2, 1, 0, 1, 0x76, 0, 1] + [2, 192, 0, 2, 2, 192, 0, 2, 2, 0, 0, 0xfd, 0xe9]),
        ("RIB_GENERIC, EVPN",
         MRTRecord(timestamp: 1, body: .ribGeneric(RIBGeneric(sequenceNumber: 7, afi: 25, safi: 70, nlri: [3, 2, 0xaa, 0xbb],
                                                              entries: [.init(peerIndex: 1, originatedTime: 5, attributes: [0x40, 1, 1, 0])]))),
         [0, 0, 0, 1, 0, 13, 0, 6, 0, 0, 0, 25] + [0, 0, 0, 7, 0, 25, 70, 3, 2, 0xaa, 0xbb, 0, 1] + [0, 1, 0, 0, 0, 5, 0, 4, 0x40, 1, 1, 0]),
    ]

    @Test(arguments: vectors.indices)
    func encodesAsTheRFCLaysOut(_ i: Int) throws {
        let (name, record, bytes) = Self.vectors[i]
        try expectVector(name, record, bytes, encode: { $0.encoded() }, decode: { try MRTRecord.decode($0) })
    }

    @Test func aFileSplitsIntoRecords() throws {
        let file = Self.vectors.flatMap(\.2)
        #expect(try MRTRecord.decodeAll(file) == Self.vectors.map(\.1))
        #expect(throws: FieldDecodingError.self) { try MRTRecord.decodeAll(file.dropLast(3).map { $0 }) }
    }

    static let errors: [(String, [UInt8], String)] = [
        ("length", [0, 0, 0, 1, 0, 16, 0, 4, 0, 0, 0, 9, 0], "MRT Length 9: differs from the 1 octets that follow the header at offset 12"),
        ("type", [0, 0, 0, 1, 0, 12, 0, 1, 0, 0, 0, 0], "MRT Type 12: unknown or not supported at offset 12"),
        ("BGP4MP subtype", [0, 0, 0, 1, 0, 16, 0, 0, 0, 0, 0, 0], "MRT Subtype 0: not supported (BGP4MP_MESSAGE_AS4 is) at offset 12"),
        ("address family", [0, 0, 0, 1, 0, 16, 0, 4, 0, 0, 0, 12] + [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3],
         "MRT Address Family 3: is neither 1 (IPv4) nor 2 (IPv6) at offset 24"),
        ("peer count past the record", [0, 0, 0, 1, 0, 13, 0, 1, 0, 0, 0, 8] + [192, 0, 2, 1, 0, 0, 0, 5],
         "MRT Peer Type (peer 0): needs 1 octets, 0 left at offset 20"),
        ("RIB_GENERIC family", [0, 0, 0, 1, 0, 13, 0, 6, 0, 0, 0, 7] + [0, 0, 0, 0, 0, 9, 9],
         "MRT Address Family Identifier 9/9: not supported in RIB_GENERIC (EVPN, RT membership, IPv4/IPv6 unicast are) at offset 19"),
    ]

    @Test(arguments: errors.indices)
    func badInputNamesTheFieldAndValue(_ i: Int) {
        let (name, bytes, text) = Self.errors[i]
        do {
            _ = try MRTRecord.decode(bytes)
            Issue.record("\(name): decoded")
        } catch {
            #expect(error.description == text, "\(name)")
        }
    }
}
