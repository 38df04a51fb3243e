import BGP
import BGPSpeaker
import FieldReader
import MRT

/// A speaker's received UPDATEs and tables as MRT records (RFC 6396), sans I/O.
public enum SpeakerMRTMapping {
    /// BGP4MP_ET / BGP4MP_MESSAGE_AS4 of an UPDATE as received; nil for other events.
    public static func record(for event: SpeakerEvent, at time: WallTime) -> MRTRecord? {
        guard case let .updateReceived(p, message) = event else { return nil }
        return MRTRecord(timestamp: time.seconds, microseconds: time.microseconds, body: .bgp4mpMessageAS4(BGP4MPMessage(
            peerAS: p.peerAS, localAS: p.localAS, peerAddress: p.address, localAddress: p.localAddress, message: message)))
    }

    /// TABLE_DUMP_V2 of every Established peer's Adj-RIB-In and our own
    /// routes: a PEER_INDEX_TABLE (we are peer 0), then one RIB_GENERIC per destination.
    public static func tableDump(_ snapshot: MonitoringSnapshot, at time: WallTime, viewName: String = "") -> [MRTRecord] {
        var peers = [PeerIndexTable.Peer(bgpID: snapshot.routerID, address: .v4(IPv4Address(rawValue: 0)), asn: snapshot.localAS)]
        var index: [PeerID: UInt16] = [Speaker.localPeer: 0]
        for s in snapshot.sessions where peers.count < Int(UInt16.max) {
            index[s.peer.id] = UInt16(peers.count)
            peers.append(.init(bgpID: s.peer.routerID, address: s.peer.address, asn: s.peer.peerAS))
        }
        var byDestination: [NLRI: [RIBGeneric.Entry]] = [:]
        var order: [NLRI] = []
        for (peer, routes) in snapshot.adjRIBIn.sorted(by: { $0.key < $1.key }) {
            guard let i = index[peer] else { continue }
            for (nlri, attributes) in routes {
                if byDestination[nlri] == nil { order.append(nlri) }
                byDestination[nlri, default: []].append(.init(peerIndex: i, originatedTime: time.seconds, attributes: Self.attributes(attributes)))
            }
        }
        var out = [MRTRecord(timestamp: time.seconds, body: .peerIndexTable(PeerIndexTable(collectorBGPID: snapshot.routerID, viewName: viewName, peers: peers)))]
        var sequence: UInt32 = 0
        for nlri in order {
            guard let family = nlri.family, let bytes = Self.nlriBytes(nlri, family: family) else { continue }
            out.append(MRTRecord(timestamp: time.seconds, body: .ribGeneric(RIBGeneric(
                sequenceNumber: sequence, afi: family.afi.rawValue, safi: family.safi.rawValue, nlri: bytes, entries: byDestination[nlri] ?? []))))
            sequence &+= 1
        }
        return out
    }

    /// One NLRI as an UPDATE carries it: the MP_REACH_NLRI of an UPDATE
    /// announcing it alone, cut out of the encoded message.
    static func nlriBytes(_ nlri: NLRI, family: AddressFamily) -> [UInt8]? {
        let update = Update(attributes: PathAttributes([PathAttribute(.mpReachNLRI(MPReachNLRI(family: family, nextHop: [0, 0, 0, 0], nlri: [nlri])))]))
        let bytes = Array(buffer: BGPMessage.update(update).encoded())
        // Header 19, withdrawn length 2, attributes length 2; then MP_REACH_NLRI:
        // flags, code, length (1 or 2), AFI 2, SAFI 1, next hop length 1, next hop 4, reserved 1, NLRI.
        guard bytes.count > 23 else { return nil }
        let extended = bytes[23] & 0x10 != 0
        let start = 23 + 2 + (extended ? 2 : 1) + 3 + 1 + 4 + 1
        return start < bytes.count ? Array(bytes[start...]) : nil
    }

    /// Path attributes as RFC 6396 §4.3.4 stores them: as in an UPDATE,
    /// MP_REACH_NLRI cut to the next hop's length and address.
    static func attributes(_ a: RouteAttributes) -> [UInt8] {
        let bytes = Array(buffer: BGPMessage.update(Update(attributes: a.attributes)).encoded())
        let body = bytes.count > 23 ? Array(bytes[23...]) : []
        let hop = Array(a.nextHop.prefix(255))
        // Optional, non-transitive; code 14.
        return body + [0x80, 14, UInt8(hop.count + 1), UInt8(hop.count)] + hop
    }
}
