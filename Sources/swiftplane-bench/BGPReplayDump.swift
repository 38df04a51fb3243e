import BGP
import MRT
import NIOCore

/// An MRT update dump (RFC 6396 BGP4MP or BGP4MP_ET, subtype
/// BGP4MP_MESSAGE_AS4, as swiftplane-rr writes and bgpdump reads) made
/// ready to replay: its l2vpn/evpn UPDATEs as they were received, in file
/// order, packed into large buffers, and the routes they leave announced.
/// Every other record and message is left out and counted by reason. A
/// marker route of its own goes last, so that a receiver holding exactly
/// `goal` has seen the effect of the last UPDATE, also when the dump leaves
/// nothing announced. Sans-I/O: built from the file's bytes.
struct BGPReplayDump: Sendable {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Records in the file.
    var records = 0
    /// UPDATEs kept, and the buffers that carry them.
    var updates = 0
    var buffers: [ByteBuffer] = []
    /// Why each left-out record or message was left out, and how many.
    var skipped: [String: Int] = [:]
    /// The peers whose messages were kept (they are replayed through one session).
    var peers: Set<String> = []
    /// The routes the kept UPDATEs leave announced, by key.
    var routes: [NLRI: NLRI] { table.held }
    var announcedNLRI: Int { table.announcedNLRI }
    var withdrawnNLRI: Int { table.withdrawnNLRI }
    private var table = BGPReplayRoutes()
    /// Sent after the dump: a route no UPDATE of the dump names.
    private(set) var marker = NLRI.evpn(.unknown(type: 0, value: []))
    private(set) var markerUpdate = ByteBuffer()
    /// What a receiver must end with: the dump's routes and the marker.
    var goal: [NLRI: NLRI] { routes.merging([marker.key: marker]) { dump, _ in dump } }

    init(bytes: [UInt8]) throws(Problem) {
        var rest = bytes[...]
        var buffer = ByteBuffer()
        while !rest.isEmpty {
            let offset = bytes.count - rest.count
            guard let length = MRTRecord.length(at: rest), rest.count >= length else {
                throw Problem(description: "record \(records + 1) at offset \(offset) is cut: \(rest.count) octets left")
            }
            let record = rest.prefix(length)
            rest = rest.dropFirst(length)
            records += 1
            let type = UInt16(record[record.startIndex + 4]) << 8 | UInt16(record[record.startIndex + 5])
            let subtype = UInt16(record[record.startIndex + 6]) << 8 | UInt16(record[record.startIndex + 7])
            guard type == MRTType.bgp4mp.rawValue || type == MRTType.bgp4mpET.rawValue, subtype == BGP4MPSubtype.messageAS4.rawValue else {
                skipped["record type \(type) subtype \(subtype) (not BGP4MP_MESSAGE_AS4)", default: 0] += 1
                continue
            }
            let decoded: MRTRecord
            do { decoded = try MRTRecord.decode(record) } catch {
                throw Problem(description: "record \(records) at offset \(offset): \(error)")
            }
            guard case let .bgp4mpMessageAS4(m) = decoded.body else { continue }
            if let reason = keep(m.message) {
                skipped[reason, default: 0] += 1
                continue
            }
            updates += 1
            peers.insert("\(m.peerAddress)")
            buffer.writeBytes(m.message)
            // About 256 KiB per write: large enough to keep syscalls few.
            if buffer.readableBytes >= 1 << 18 { buffers.append(buffer); buffer = ByteBuffer() }
        }
        if buffer.readableBytes > 0 { buffers.append(buffer) }
        (marker, markerUpdate) = Self.marker(avoiding: table.held)
    }

    /// A MAC/IP route in a VNI and RD of its own (RD 127.0.0.2:65535, VNI
    /// 16777215), its MAC the first from 02:ff:ff:ff:ff:00 that no route
    /// of the dump holds there; and its UPDATE.
    private static func marker(avoiding routes: [NLRI: NLRI]) -> (NLRI, ByteBuffer) {
        let nextHop = BGPBenchRun.injectorAddress, vni: UInt32 = 0xff_ffff
        var mac: UInt64 = 0x02ff_ffff_ff00
        var route: NLRI
        repeat {
            route = .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(rd: .ipv4(nextHop, 0xffff), mac: EthernetAddress(rawValue: mac), ip: nil,
                                                                      label1: .vni(vni))))
            mac += 1
        } while routes[route.key] != nil
        let update = Update(attributes: PathAttributes([
            PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
            PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: 65000, value: vni)), .vxlanEncapsulation])),
            PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(nextHop), nlri: [route]))),
        ]))
        return (route, BGPMessage.update(update).encoded(options: BGPReplayRoutes.options))
    }

    /// Applies an l2vpn/evpn UPDATE to the table; else why it is left out.
    private mutating func keep(_ message: [UInt8]) -> String? {
        guard message.count >= 19, message[18] == BGPMessage.MessageType.update.rawValue else {
            return "BGP message type \(message.count >= 19 ? "\(message[18])" : "?") (not an UPDATE)"
        }
        // The injector does not negotiate extended messages (RFC 8654): the reflector would close its session.
        guard message.count <= 4096 else { return "message over 4096 octets (extended messages are not negotiated)" }
        let update: Update
        switch Update.decode(body: ByteBuffer(bytes: message[19...]), options: BGPReplayRoutes.options) {
        case let .update(u), let .attributeDiscard(u, _): update = u
        case .treatAsWithdraw, .sessionReset: return "malformed UPDATE (RFC 7606 treat-as-withdraw or session reset)"
        }
        let all = update.announced + update.withdrawn
        if all.isEmpty { return "UPDATE without routes (End-of-RIB)" }
        guard all.allSatisfy({ $0.evpn != nil }) else { return "UPDATE of another address family than l2vpn/evpn" }
        table.apply(announced: update.announced, withdrawn: update.withdrawn)
        return nil
    }
}
