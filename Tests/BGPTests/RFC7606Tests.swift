import BGP
import NIOCore
import Testing
import TestSupport

/// A malformed UPDATE body and the handling RFC 7606 (and the attribute's
/// own RFC) asks for.
struct MalformedUpdate: NamedRow {
    enum Handling: Sendable, Equatable { case update, attributeDiscard, treatAsWithdraw, sessionReset }
    var name: String
    var body: String
    var handling: Handling
    /// NOTIFICATION code/subcode named by the (first) error.
    var code: (UInt8, UInt8)? = nil
    /// For treat-as-withdraw: how many NLRI are withdrawn.
    var withdrawn: Int? = nil
    var options = SessionOptions()
}

// Well-formed pieces, from RFC 4271 §4.3 (4-octet AS session).
private let origin = "40 01 01 00"
private let asPath = "40 02 06 02 01 0000fde8"  // AS_SEQUENCE [65000]
private let nextHop = "40 03 04 0a000001"
private let nlri = "18 0a0001"  // 10.0.1.0/24
private let evpnReach = "90 0e 0030 0019 46 04 0a000001 00 \(type2NLRIHex)"

/// An UPDATE body: no withdrawn routes, these attributes, this NLRI.
private func body(_ attributes: String..., nlri: String = nlri, withdrawn: String = "") -> String {
    let a = Hex.bytes(attributes.joined(separator: " ")) ?? []
    let w = Hex.bytes(withdrawn) ?? []
    return Hex.string([UInt8(w.count >> 8), UInt8(w.count & 0xff)] + w + [UInt8(a.count >> 8), UInt8(a.count & 0xff)] + a) + nlri
}

let malformedUpdates: [MalformedUpdate] = [
    MalformedUpdate(name: "well formed", body: body(origin, asPath, nextHop), handling: .update),
    MalformedUpdate(name: "ORIGIN value 3", body: body("40 01 01 03", asPath, nextHop), handling: .treatAsWithdraw, code: (3, 6), withdrawn: 1),
    MalformedUpdate(name: "ORIGIN of length 2", body: body("40 01 02 0000", asPath, nextHop), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "AS_PATH segment overruns the attribute", body: body(origin, "40 02 06 02 02 0000fde8", nextHop), handling: .treatAsWithdraw, code: (3, 11), withdrawn: 1),
    MalformedUpdate(name: "AS_PATH segment type 5", body: body(origin, "40 02 06 05 01 0000fde8", nextHop), handling: .treatAsWithdraw, code: (3, 11), withdrawn: 1),
    MalformedUpdate(name: "AS_PATH zero-length segment", body: body(origin, "40 02 02 02 00", nextHop), handling: .treatAsWithdraw, code: (3, 11), withdrawn: 1),
    MalformedUpdate(name: "NEXT_HOP of length 5", body: body(origin, asPath, "40 03 05 0a00000100"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "MULTI_EXIT_DISC of length 3", body: body(origin, asPath, nextHop, "80 04 03 000001"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "LOCAL_PREF of length 2", body: body(origin, asPath, nextHop, "40 05 02 0064"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "ATOMIC_AGGREGATE of length 1", body: body(origin, asPath, nextHop, "40 06 01 00"), handling: .attributeDiscard, code: (3, 5)),
    MalformedUpdate(name: "AGGREGATOR of length 7", body: body(origin, asPath, nextHop, "c0 07 07 0000fde80a0000"), handling: .attributeDiscard, code: (3, 5)),
    MalformedUpdate(name: "COMMUNITIES of length 5", body: body(origin, asPath, nextHop, "c0 08 05 fde8000100"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "ORIGINATOR_ID of length 3", body: body(origin, asPath, nextHop, "80 09 03 0a0000"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "CLUSTER_LIST of length 6", body: body(origin, asPath, nextHop, "80 0a 06 0a0000010a00"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "EXTENDED_COMMUNITIES of length 9", body: body(origin, asPath, nextHop, "c0 10 09 0002fde80000271000"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "LARGE_COMMUNITIES of length 8", body: body(origin, asPath, nextHop, "c0 20 08 0000fde800000001"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "AS4_PATH with a truncated segment", body: body(origin, asPath, nextHop, "c0 11 04 02 02 0000"), handling: .attributeDiscard, code: (3, 11)),
    MalformedUpdate(name: "PMSI_TUNNEL of length 3", body: body(origin, asPath, nextHop, "c0 16 03 000600"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "ORIGIN with the optional bit set", body: body("c0 01 01 00", asPath, nextHop), handling: .treatAsWithdraw, code: (3, 4), withdrawn: 1),
    MalformedUpdate(name: "MULTI_EXIT_DISC marked transitive", body: body(origin, asPath, nextHop, "c0 04 04 00000001"), handling: .treatAsWithdraw, code: (3, 4), withdrawn: 1),
    MalformedUpdate(name: "duplicate ORIGIN: the second is dropped", body: body(origin, asPath, nextHop, "40 01 01 02"), handling: .attributeDiscard, code: (3, 1)),
    MalformedUpdate(name: "duplicate MP_REACH_NLRI", body: body(evpnReach, origin, asPath, evpnReach, nlri: ""), handling: .sessionReset, code: (3, 1)),
    MalformedUpdate(name: "duplicate MP_UNREACH_NLRI", body: body("80 0f 03 0019 46", "80 0f 03 0019 46", nlri: ""), handling: .sessionReset, code: (3, 1)),
    MalformedUpdate(name: "attribute length overruns the attribute field", body: body(origin, asPath, nextHop, "80 04 08 00000001"), handling: .treatAsWithdraw, code: (3, 5), withdrawn: 1),
    MalformedUpdate(name: "attribute header cut short", body: body(origin, asPath, nextHop, "80 04"), handling: .treatAsWithdraw, code: (3, 1), withdrawn: 1),
    MalformedUpdate(name: "withdrawn routes length past the message", body: "0010 18 0a00", handling: .sessionReset, code: (3, 1)),
    MalformedUpdate(name: "total attribute length past the message", body: "0000 0040 40010100", handling: .sessionReset, code: (3, 1)),
    MalformedUpdate(name: "NLRI truncated (/24 with two octets)", body: body(origin, asPath, nextHop, nlri: "18 0a00"), handling: .sessionReset, code: (3, 10)),
    MalformedUpdate(name: "NLRI prefix length 33", body: body(origin, asPath, nextHop, nlri: "21 0a000001 00"), handling: .sessionReset, code: (3, 10)),
    MalformedUpdate(name: "withdrawn prefix length 40", body: body(nlri: "", withdrawn: "28 0a00000100"), handling: .sessionReset, code: (3, 10)),
    MalformedUpdate(
        name: "EVPN type 2 with a route length of 36",
        body: body("90 0e 002f 0019 46 04 0a000001 00 02 24" + String(type2NLRIHex.dropFirst(5).dropLast(2)), origin, asPath, nlri: ""),
        handling: .sessionReset, code: (3, 9)),
    MalformedUpdate(
        name: "EVPN type 2 with IP length 24",
        body: body("90 0e 002d 0019 46 04 0a000001 00 02 23 0001 0a000001 0005 00000000000000000000 00000000 30 525400123456 18 0a0000 002710", origin, asPath, nlri: ""),
        handling: .sessionReset, code: (3, 9)),
    MalformedUpdate(
        name: "EVPN route length past MP_REACH_NLRI",
        body: body("90 0e 000c 0019 46 04 0a000001 00 03 11 0001", origin, asPath, nlri: ""),
        handling: .sessionReset, code: (3, 9)),
    MalformedUpdate(name: "MP_REACH_NLRI next hop cut short", body: body("80 0e 05 0019 46 04 0a", origin, asPath, nlri: ""), handling: .sessionReset, code: (3, 9)),
    MalformedUpdate(name: "MP_REACH_NLRI overruns the attribute field", body: body(origin, asPath, "90 0e 0040 0019 46 04 0a000001 00", nlri: ""), handling: .sessionReset, code: (3, 5)),
    MalformedUpdate(name: "missing ORIGIN", body: body(asPath, nextHop), handling: .treatAsWithdraw, code: (3, 3), withdrawn: 1),
    MalformedUpdate(name: "missing NEXT_HOP", body: body(origin, asPath), handling: .treatAsWithdraw, code: (3, 3), withdrawn: 1),
    MalformedUpdate(name: "EVPN announcement without AS_PATH", body: body(evpnReach, origin, nlri: ""), handling: .treatAsWithdraw, code: (3, 3), withdrawn: 1),
    MalformedUpdate(name: "missing LOCAL_PREF from an internal peer", body: body(origin, asPath, nextHop), handling: .treatAsWithdraw, code: (3, 3),
                    withdrawn: 1, options: SessionOptions(internalPeer: true)),
    MalformedUpdate(name: "LOCAL_PREF present from an internal peer", body: body(origin, asPath, nextHop, "40 05 04 00000064"), handling: .update,
                    options: SessionOptions(internalPeer: true)),
    MalformedUpdate(name: "NLRI but no attributes at all", body: body(), handling: .treatAsWithdraw, code: (3, 3), withdrawn: 1),
    MalformedUpdate(name: "unrecognized well-known attribute 99", body: body(origin, asPath, nextHop, "40 63 01 00"), handling: .sessionReset, code: (3, 2)),
    MalformedUpdate(name: "unknown optional attribute is kept", body: body(origin, asPath, nextHop, "80 63 01 00"), handling: .update),
    MalformedUpdate(name: "MP_UNREACH_NLRI alone needs no other attribute", body: body("80 0f 03 0019 46", nlri: ""), handling: .update),
    MalformedUpdate(
        name: "treat-as-withdraw covers EVPN and classic NLRI and withdrawn routes",
        body: body(evpnReach, "40 01 01 07", asPath, nextHop, withdrawn: "10 0a02"),
        handling: .treatAsWithdraw, code: (3, 6), withdrawn: 3),
    MalformedUpdate(
        name: "AGGREGATOR of length 8 on a 2-octet session",
        body: body(origin, "40 02 04 02 01 fde8", nextHop, "c0 07 08 0000fde80a000001"),
        handling: .attributeDiscard, code: (3, 5), options: SessionOptions(fourOctetAS: false)),
]

@Suite struct RFC7606Tests {
    @Test(arguments: malformedUpdates)
    func classification(_ v: MalformedUpdate) throws {
        let bytes = try #require(Hex.bytes(v.body), "bad hex in vector")
        let result = Update.decode(body: ByteBuffer(bytes: bytes), options: v.options)
        let errors: [BGPDecodingError]
        switch result {
        case .update:
            #expect(v.handling == .update, "got update")
            errors = []
        case .attributeDiscard(_, let e):
            #expect(v.handling == .attributeDiscard, "got attribute discard: \(e)")
            errors = e
        case .treatAsWithdraw(let withdrawn, let e):
            #expect(v.handling == .treatAsWithdraw, "got treat-as-withdraw: \(e)")
            if let n = v.withdrawn { #expect(withdrawn.count == n) }
            errors = e
        case .sessionReset(let e):
            #expect(v.handling == .sessionReset, "got session reset: \(e)")
            errors = [e]
        }
        if let code = v.code {
            let first = try #require(errors.first)
            #expect(first.notification.code == code.0 && first.notification.subcode == code.1, "\(first)")
            // The offset points inside the body (after the 19-octet header).
            #expect(first.offset >= 19 && first.offset <= 19 + bytes.count, "\(first)")
        }
    }

    @Test func attributeDiscardLeavesTheRestUsable() throws {
        let bytes = try #require(Hex.bytes(body(origin, asPath, nextHop, "40 06 01 00")))
        guard case .attributeDiscard(let u, _) = Update.decode(body: ByteBuffer(bytes: bytes)) else {
            Issue.record("not an attribute discard"); return
        }
        #expect(u.attributes[typeCode: 6] == nil)
        #expect(u.attributes.origin == .igp)
        #expect(u.nlri == [.ipv4(IPv4Prefix(IPv4Address(10, 0, 1, 0), length: 24))])
    }

    @Test func unrecognizedWellKnownNotificationCarriesTheAttribute() throws {
        let bytes = try #require(Hex.bytes(body(origin, asPath, nextHop, "40 63 01 00")))
        guard case .sessionReset(let e) = Update.decode(body: ByteBuffer(bytes: bytes)) else { Issue.record("no reset"); return }
        #expect(e.notification.data == [0x40, 0x63, 0x01, 0x00])
    }
}
