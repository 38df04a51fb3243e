import BGP
import BMP
import Testing

/// The BMP codec against octets laid out by hand from RFC 7854 §4 and
/// RFC 9069 §4, its decoder's errors, and round trips.
@Suite struct BMPCodecTests {
    static let peer = BMPPerPeerHeader(peerAddress: .v4(IPv4Address(192, 0, 2, 1)), peerAS: 65000, peerBGPID: IPv4Address(192, 0, 2, 1),
                                       timestampSeconds: 1, timestampMicroseconds: 2)
    /// RFC 7854 §4.2, field by field, for `peer` with the given type and flags.
    static func headerBytes(type: UInt8 = 0, flags: UInt8 = 0) -> [UInt8] {
        [type, flags] + [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 0, count: 12) + [192, 0, 2, 1]
            + [0, 0, 0xfd, 0xe8] + [192, 0, 2, 1] + [0, 0, 0, 1] + [0, 0, 0, 2]
    }
    static let keepalive: [UInt8] = [UInt8](repeating: 0xff, count: 16) + [0, 19, 4]
    static let open: [UInt8] = Array(buffer: BGPMessage.open(Open(asn: 65000, holdTime: 90, bgpIdentifier: IPv4Address(192, 0, 2, 1),
                                                                 capabilities: [.multiprotocol(.l2vpnEVPN), .fourOctetAS(65000)])).encoded())
    static let update: [UInt8] = Array(buffer: BGPMessage.update(.endOfRIB(.l2vpnEVPN)).encoded())

    static func common(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        let n = UInt32(6 + body.count)
        return [3, UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff), type] + body
    }

    static let vectors: [(String, BMPMessage, [UInt8])] = [
        ("Initiation", .initiation([BMPTLV(type: BMPInformationType.sysDescr, text: "d"), BMPTLV(type: BMPInformationType.sysName, text: "n")]),
         [3, 0, 0, 0, 16, 4, 0, 1, 0, 1, 0x64, 0, 2, 0, 1, 0x6e]),
        ("Termination", .termination([BMPTLV(type: BMPTerminationType.reason, value: [0, 0])]), [3, 0, 0, 0, 12, 5, 0, 1, 0, 2, 0, 0]),
        ("Peer Down, remote, no data", .peerDownNotification(peer, BMPPeerDown(reason: .remoteNoData)), common(2, headerBytes() + [4])),
        ("Route Monitoring", .routeMonitoring(peer, update: update), common(0, headerBytes() + update)),
        ("Route Monitoring, legacy AS_PATH", .routeMonitoring(BMPPerPeerHeader(flags: .legacyASPath, peerAddress: peer.peerAddress, peerAS: 65000,
                                                                               peerBGPID: peer.peerBGPID, timestampSeconds: 1, timestampMicroseconds: 2),
                                                              update: update), common(0, headerBytes(flags: 0x20) + update)),
        ("Statistics Report", .statisticsReport(peer, [.gauge(BMPStatisticsType.routesInAdjRIBIn, 5)]),
         common(1, headerBytes() + [0, 0, 0, 1, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0, 0, 5])),
        ("Peer Up", .peerUpNotification(peer, BMPPeerUp(localAddress: .v4(IPv4Address(192, 0, 2, 2)), localPort: 179, remotePort: 40000,
                                                          sentOpen: open, receivedOpen: open)),
         common(3, headerBytes() + [UInt8](repeating: 0, count: 12) + [192, 0, 2, 2, 0, 179, 0x9c, 0x40] + open + open)),
        ("Loc-RIB Peer Up (RFC 9069)", .peerUpNotification(.locRIB(localAS: 65000, routerID: IPv4Address(192, 0, 2, 1), timestampSeconds: 1, timestampMicroseconds: 2),
                                                           BMPPeerUp(localAddress: .v4(IPv4Address(rawValue: 0)), localPort: 0, remotePort: 0, sentOpen: open,
                                                                     receivedOpen: open, information: [BMPTLV(type: BMPInformationType.vrfTableName, text: "global")])),
         common(3, [3, 0] + [UInt8](repeating: 0, count: 24) + [0, 0, 0xfd, 0xe8, 192, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
                + [UInt8](repeating: 0, count: 20) + open + open + [0, 3, 0, 6] + Array("global".utf8))),
    ]

    @Test(arguments: vectors.indices)
    func encodesAsTheRFCLaysOut(_ i: Int) throws {
        let (name, message, bytes) = Self.vectors[i]
        try expectVector(name, message, bytes, encode: { $0.encoded() }, decode: { try BMPMessage.decode($0) })
    }

    @Test func anIPv6PeerSetsTheVFlag() throws {
        let v6 = BMPPerPeerHeader(peerAddress: .v6(IPv6Address("2001:db8::1")!), peerAS: 65000, peerBGPID: IPv4Address(192, 0, 2, 1))
        let bytes = BMPMessage.peerDownNotification(v6, BMPPeerDown(reason: .peerDeconfigured)).encoded()
        #expect(bytes[7] == 0x80)
        #expect(Array(bytes[16..<32]) == IPv6Address("2001:db8::1")!.bytes)
        #expect(try BMPMessage.decode(bytes) == .peerDownNotification(v6, BMPPeerDown(reason: .peerDeconfigured)))
    }

    /// Each bad field is named with its value.
    static let errors: [(String, [UInt8], String)] = [
        ("version 2", [2, 0, 0, 0, 6, 4], "BMP Version 2: is not 3 at offset 0"),
        ("length under the header", [3, 0, 0, 0, 5, 4], "BMP Message Length 5: is under the 6-octet common header at offset 1"),
        ("length past the bytes", [3, 0, 0, 0, 9, 4, 0], "BMP Message Length 9: differs from the 7 octets given at offset 1"),
        ("unknown type", [3, 0, 0, 0, 6, 9], "BMP Message Type 9: unknown or not supported at offset 5"),
        ("unknown peer type", common(2, [9] + headerBytes().dropFirst() + [4]), "BMP Peer Type 9: unknown at offset 7"),
        ("unknown peer down reason", common(2, headerBytes() + [0]), "BMP Reason 0: unknown at offset 49"),
        ("truncated TLV", [3, 0, 0, 0, 9, 4, 0, 1, 0], "BMP Information Length: needs 2 octets, 1 left at offset 8"),
        ("TLV longer than the message", [3, 0, 0, 0, 11, 4, 0, 1, 0, 9, 0x64], "BMP Information Value (type 1): needs 9 octets, 1 left at offset 10"),
        ("stats count", common(1, headerBytes() + [0, 0, 0, 2, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0, 0, 5]),
         "BMP Stats Count 2: differs from the 1 statistics present at offset 64"),
        ("route monitoring without a BGP message", common(0, headerBytes() + [0xff]),
         "BMP BGP Update PDU: needs a 19-octet BGP header, 1 left at offset 48"),
        ("bad BGP marker", common(0, headerBytes() + [UInt8](repeating: 0, count: 19)), "BMP BGP Update PDU marker: is not 16 octets of 0xff at offset 48"),
        ("BGP length past the message", common(0, headerBytes() + [UInt8](repeating: 0xff, count: 16) + [0, 40, 2]),
         "BMP BGP Update PDU: needs 40 octets, 19 left at offset 48"),
    ]

    @Test(arguments: errors.indices)
    func badInputNamesTheFieldAndValue(_ i: Int) {
        let (name, bytes, text) = Self.errors[i]
        #expect(throws: BMPDecodingError.self, "\(name)") { try BMPMessage.decode(bytes) }
        do { _ = try BMPMessage.decode(bytes) } catch { #expect(error.description == text, "\(name)") }
    }

    @Test func aStreamSplitsIntoMessagesAndWaitsForTheRest() throws {
        let a = Self.vectors[0].2, b = Self.vectors[3].2
        var stream = a + b + b.prefix(10)
        #expect(try BMPMessage.next(from: &stream) == Self.vectors[0].1)
        #expect(try BMPMessage.next(from: &stream) == Self.vectors[3].1)
        #expect(try BMPMessage.next(from: &stream) == nil)
        #expect(stream.count == 10)
    }
}
