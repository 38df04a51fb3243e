import BGP
import NIOCore
import Testing
import TestSupport

/// Vectors whose bytes were written by hand from the RFC layouts: decoding
/// must give the value written beside them, encoding the value the bytes.
struct HandVector: NamedRow {
    var name: String
    var bytes: [UInt8]
    var message: BGPMessage
    var options = SessionOptions()
}

// Type-2 NLRI of RFC 7432 §7.2 for MAC 52:54:00:12:34:56, IP 10.0.0.11,
// RD 10.0.0.1:5 (type 1), ESI 0, tag 0, VNI 10000 in the label (RFC 8365).
let type2NLRIHex = "02 25 0001 0a000001 0005 00000000000000000000 00000000 30 525400123456 20 0a00000b 002710"
// Type-3 NLRI (§7.3): RD, tag 0, originating router 10.0.0.1.
let type3NLRIHex = "03 11 0001 0a000001 0005 00000000 20 0a000001"

let handVectors: [HandVector] = [
    HandVector(name: "KEEPALIVE", bytes: Wire.message(type: 4, ""), message: .keepalive),
    HandVector(
        name: "OPEN with MP l2vpn/evpn, route refresh, 4-octet AS 65001",
        // version 4, AS 65001, hold 90, id 10.0.0.1, params 16: cap param of 14
        bytes: Wire.message(type: 1, "04 fde9 005a 0a000001 10 02 0e 0104 0019 0046 0200 4104 0000fde9"),
        message: .open(Open(myAS: 65001, holdTime: 90, bgpIdentifier: IPv4Address(10, 0, 0, 1), parameters: [
            .capabilities([.multiprotocol(.l2vpnEVPN), .routeRefresh, .fourOctetAS(65001)]),
        ]))),
    HandVector(
        name: "NOTIFICATION cease / administrative shutdown with a reason",
        bytes: Wire.message(type: 3, "06 02 03 627965"),
        message: .notification(Notification(.cease(.administrativeShutdown), data: [3, 0x62, 0x79, 0x65]))),
    HandVector(
        name: "ROUTE-REFRESH l2vpn/evpn end of refresh",
        bytes: Wire.message(type: 5, "0019 02 46"),
        message: .routeRefresh(RouteRefresh(family: .l2vpnEVPN, subtype: .endOfRouteRefresh))),
    HandVector(
        name: "UPDATE EVPN type 2 with RT 65000:10000 and VXLAN encapsulation",
        bytes: Wire.message(type: 2, """
            0000 0055
            900e 0030 0019 46 04 0a000001 00 \(type2NLRIHex)
            40 01 01 00
            40 02 00
            40 05 04 00000064
            c0 10 10 0002fde800002710 030c000000000008
            """),
        message: .update(Sample.evpnUpdate([Sample.type2]))),
    HandVector(
        name: "UPDATE EVPN type 3 with PMSI ingress replication",
        bytes: Wire.message(type: 2, """
            0000 004d
            900e 001c 0019 46 04 0a000001 00 \(type3NLRIHex)
            40 01 01 00
            40 02 00
            40 05 04 00000064
            c0 10 10 0002fde800002710 030c000000000008
            c0 16 09 00 06 002710 0a000001
            """),
        message: .update(Sample.evpnUpdate([Sample.type3], pmsi: true))),
    HandVector(
        name: "UPDATE IPv4 unicast 10.1.0.0/16 over a 2-octet AS session, AS_PATH 65000 {65001 65002}",
        bytes: Wire.message(type: 2, """
            0000 0018
            40 01 01 02
            40 02 0a 02 01 fde8 01 02 fde9 fdea
            40 03 04 0a000001
            10 0a01
            """),
        message: .update(Update(attributes: PathAttributes([
            PathAttribute(.origin(.incomplete)),
            PathAttribute(.asPath(ASPath([ASPathSegment(.asSequence, [65000]), ASPathSegment(.asSet, [65001, 65002])]))),
            PathAttribute(.nextHop(IPv4Address(10, 0, 0, 1))),
        ]), nlri: [.ipv4(IPv4Prefix(IPv4Address(10, 1, 0, 0), length: 16))])),
        options: SessionOptions(fourOctetAS: false)),
    HandVector(
        name: "UPDATE withdrawing 192.168.1.0/24 with path id 7 (add-path)",
        bytes: Wire.message(type: 2, "0008 00000007 18 c0a801 0000"),
        message: .update(Update(withdrawnRoutes: [.ipv4(IPv4Prefix(IPv4Address(192, 168, 1, 0), length: 24), pathID: 7)])),
        options: SessionOptions(addPath: [.ipv4Unicast])),
]

@Suite struct RoundTripTests {
    @Test(arguments: handVectors)
    func handVectorDecodesToItsValue(_ v: HandVector) throws {
        let decoded = try BGPMessage.decode(Wire.buffer(v.bytes), options: v.options)
        #expect(decoded == v.message)
    }

    @Test(arguments: handVectors)
    func handVectorEncodesToItsBytes(_ v: HandVector) {
        #expect(Hex.string(Wire.encode(v.message, v.options)) == Hex.string(v.bytes))
    }

    /// Every message kind, every route type and every named capability,
    /// attribute and extended community: value -> bytes -> same value -> same bytes.
    @Test(arguments: allMessages)
    func valueRoundTrip(_ m: BGPMessage) throws {
        let bytes = Wire.encode(m)
        let back = try BGPMessage.decode(Wire.buffer(bytes))
        #expect(back == m)
        #expect(Wire.encode(back) == bytes)
    }

    @Test func type2NLRIBytesFromRFCLayout() throws {
        // The NLRI alone, checked against the MP_REACH bytes the codec writes.
        let bytes = Wire.encode(.update(Sample.evpnUpdate([Sample.type2])))
        let nlri = try #require(Hex.bytes(type2NLRIHex))
        #expect(Hex.string(bytes).contains(Hex.string(nlri)))
        #expect(nlri.count == 39)
    }

    @Test(arguments: [
        (ExtendedCommunity.vxlanEncapsulation, "030c000000000008"),
        (.routeTarget(.twoOctetAS(asn: 65000, value: 10000)), "0002fde800002710"),
        (.routeTarget(.ipv4(address: IPv4Address(10, 0, 0, 1), value: 7)), "01020a0000010007"),
        (.routeTarget(.fourOctetAS(asn: 4_200_000_000, value: 9)), "0202fa56ea000009"),
        (.macMobility(sticky: true, sequence: 5), "0600010000000005"),
        (.macMobility(sticky: false, sequence: 0x01020304), "0600000001020304"),
        (.defaultGateway, "030d000000000000"),
        (.routersMAC(EthernetAddress(rawValue: 0x0203_0405_0607)), "0603020304050607"),
        (.esiLabel(singleActive: true, label: .mpls(100)), "0601010000000641"),
        (.esImport(EthernetAddress(rawValue: 0xaabb_ccdd_eeff)), "0602aabbccddeeff"),
        (.opaque(0x8006_0000_0000_0001), "8006000000000001"),
    ])
    func extendedCommunityLayout(_ c: ExtendedCommunity, _ hex: String) {
        #expect(String(c.rawValue, radix: 16).leftPadded(16) == hex)
        #expect(ExtendedCommunity(rawValue: c.rawValue) == c)
    }

    @Test(arguments: [
        (RouteDistinguisher.twoOctetAS(65000, 100), "65000:100", "0000fde800000064"),
        (.ipv4(IPv4Address(10, 0, 0, 1), 5), "10.0.0.1:5", "00010a0000010005"),
        (.fourOctetAS(4_200_000_000, 7), "4200000000:7", "0002fa56ea000007"),
    ])
    func routeDistinguisherTypes(_ rd: RouteDistinguisher, _ text: String, _ hex: String) {
        #expect(rd.description == text)
        #expect(String(rd.rawValue, radix: 16).leftPadded(16) == hex)
    }

    @Test func nonCanonicalReservedBitsStayOpaque() {
        // Encapsulation with a non-zero reserved field must not be renamed, or
        // it would be written back differently.
        let raw: UInt64 = 0x030c_0000_0100_0008
        #expect(ExtendedCommunity(rawValue: raw) == .opaque(raw))
    }

    @Test func unknownOptionalTransitiveIsPassedOnWithPartialBit() throws {
        let bytes = Wire.message(type: 2, "0000 0014 40 01 01 00 40 02 00 40 03 04 0a000001 c0 63 03 010203 10 0a01")
        guard case .update(let u) = try BGPMessage.decode(Wire.buffer(bytes)) else { Issue.record("not an update"); return }
        let unknown = try #require(u.attributes[typeCode: 99])
        #expect(unknown.flags == [.optional, .transitive])
        #expect(unknown.value == .unknown(typeCode: 99, data: [1, 2, 3]))
        #expect(u.attributes.passedOn[typeCode: 99]?.flags == [.optional, .transitive, .partial])
        #expect(Wire.encode(.update(u)) == bytes)
    }

    @Test func unknownOptionalNonTransitiveIsNotPassedOn() {
        let a = PathAttributes([PathAttribute(flags: .optional, value: .unknown(typeCode: 200, data: [1]))])
        #expect(a.passedOn.attributes.isEmpty)
    }

    @Test func longAttributeGetsExtendedLength() throws {
        let many = (0..<70).map { Community(rawValue: UInt32($0)) }  // 280 bytes
        let u = Update(attributes: PathAttributes([PathAttribute(.communities(many))]))
        let bytes = Wire.encode(.update(u))
        #expect(bytes[23] == 0xd0)  // optional, transitive, extended length
        guard case .update(let back) = try BGPMessage.decode(Wire.buffer(bytes)) else { Issue.record("not an update"); return }
        #expect(back.attributes.communities == many)
    }

    @Test func negotiatedOptionsPerDirection() {
        let local = Open(asn: 65000, holdTime: 90, bgpIdentifier: IPv4Address(10, 0, 0, 1), capabilities: [
            .multiprotocol(.l2vpnEVPN), .extendedMessage,
            .addPath([AddPathFamily(.l2vpnEVPN, mode: [.send, .receive]), AddPathFamily(.ipv4Unicast, mode: .receive)]),
        ])
        let remote = Open(asn: 65000, holdTime: 90, bgpIdentifier: IPv4Address(10, 0, 0, 2), capabilities: [
            .multiprotocol(.l2vpnEVPN),
            .addPath([AddPathFamily(.l2vpnEVPN, mode: .receive), AddPathFamily(.ipv4Unicast, mode: .send)]),
        ])
        let (receive, send) = SessionOptions.negotiated(local: local, remote: remote)
        #expect(receive.addPath == [.ipv4Unicast])  // they send ipv4 paths, we receive them
        #expect(send.addPath == [.l2vpnEVPN])  // we send EVPN paths, they receive them
        #expect(receive.fourOctetAS && send.fourOctetAS)
        #expect(!receive.extendedMessage)  // only one side offered it
        #expect(receive.internalPeer)
        let twoOctetPeer = Open(myAS: 65001, holdTime: 90, bgpIdentifier: IPv4Address(10, 0, 0, 3), parameters: [])
        #expect(!SessionOptions.negotiated(local: local, remote: twoOctetPeer).receive.fourOctetAS)
        #expect(!SessionOptions.negotiated(local: local, remote: twoOctetPeer).receive.internalPeer)
    }

    @Test func endOfRIBMarkers() throws {
        #expect(Update.endOfRIB(.l2vpnEVPN).endOfRIB == .l2vpnEVPN)
        #expect(Update().endOfRIB == .ipv4Unicast)
        #expect(Sample.evpnUpdate([Sample.type2]).endOfRIB == nil)
    }

    @Test(arguments: [
        (UInt8(1), UInt8(2), "Message Header Error / badMessageLength"),
        (3, 11, "UPDATE Message Error / malformedASPath"),
        (6, 9, "Cease / hardReset"),
        (5, 3, "Finite State Machine Error / unexpectedMessageInEstablished"),
        (7, 1, "ROUTE-REFRESH Message Error / invalidMessageLength"),
        (4, 0, "Hold Timer Expired"),
        (9, 9, "error code 9 subcode 9"),
    ])
    func notificationNames(_ code: UInt8, _ subcode: UInt8, _ name: String) {
        let e = NotificationError(code: code, subcode: subcode)
        #expect(e.description == name)
        #expect(e.codes == (code, subcode))
    }

    /// Every code and subcode pair gives itself back, and each declared
    /// error code names at least one subcode (its number is read by `init`).
    @Test func notificationCodesRoundTrip() {
        var differ: [(UInt8, UInt8)] = []
        var named: Set<UInt8> = []
        for code in UInt8.min...UInt8.max {
            for subcode in UInt8.min...UInt8.max {
                let e = NotificationError(code: code, subcode: subcode)
                if e.codes != (code, subcode) { differ.append((code, subcode)) }
                if case .unknown = e {} else { named.insert(code) }
            }
        }
        #expect(differ.isEmpty, "\(differ.prefix(10))")
        #expect(named == Set(NotificationErrorCode.allCases.map(\.rawValue)))
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
