import FieldReader
import NetAddress

/// RFC 6396 §4.4.3 BGP4MP_MESSAGE_AS4: one BGP message as a session carried it.
public struct BGP4MPMessage: Hashable, Sendable {
    public var peerAS: UInt32
    public var localAS: UInt32
    public var interfaceIndex: UInt16
    /// Both of one family (the Address Family field).
    public var peerAddress: IPAddress
    public var localAddress: IPAddress
    /// The whole BGP message, marker included.
    public var message: [UInt8]

    public init(peerAS: UInt32, localAS: UInt32, interfaceIndex: UInt16 = 0, peerAddress: IPAddress, localAddress: IPAddress, message: [UInt8]) {
        self.peerAS = peerAS
        self.localAS = localAS
        self.interfaceIndex = interfaceIndex
        self.peerAddress = peerAddress
        self.localAddress = localAddress
        self.message = message
    }
}

/// RFC 6396 §4.3.1 PEER_INDEX_TABLE: the peers the RIB records name by index.
public struct PeerIndexTable: Hashable, Sendable {
    public struct Peer: Hashable, Sendable {
        public var bgpID: IPv4Address
        public var address: IPAddress
        public var asn: UInt32
        public init(bgpID: IPv4Address, address: IPAddress, asn: UInt32) { self.bgpID = bgpID; self.address = address; self.asn = asn }
    }

    public var collectorBGPID: IPv4Address
    public var viewName: String
    public var peers: [Peer]

    public init(collectorBGPID: IPv4Address, viewName: String = "", peers: [Peer]) {
        self.collectorBGPID = collectorBGPID
        self.viewName = viewName
        self.peers = peers
    }
}

/// RFC 6396 §4.3.3 RIB_GENERIC: one destination of any AFI/SAFI and its
/// paths. Attributes are as in an UPDATE, except MP_REACH_NLRI, which holds
/// only the next hop's length and address (RFC 6396 §4.3.4).
public struct RIBGeneric: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var peerIndex: UInt16
        public var originatedTime: UInt32
        public var attributes: [UInt8]
        public init(peerIndex: UInt16, originatedTime: UInt32, attributes: [UInt8]) {
            self.peerIndex = peerIndex; self.originatedTime = originatedTime; self.attributes = attributes
        }
    }

    public var sequenceNumber: UInt32
    public var afi: UInt16
    public var safi: UInt8
    /// One NLRI as an UPDATE encodes it.
    public var nlri: [UInt8]
    public var entries: [Entry]

    public init(sequenceNumber: UInt32, afi: UInt16, safi: UInt8, nlri: [UInt8], entries: [Entry]) {
        self.sequenceNumber = sequenceNumber; self.afi = afi; self.safi = safi; self.nlri = nlri; self.entries = entries
    }
}

/// One MRT record (RFC 6396 §2): a timestamp and one of the bodies written here.
public struct MRTRecord: Hashable, Sendable {
    public enum Body: Hashable, Sendable {
        /// BGP4MP / BGP4MP_ET, subtype BGP4MP_MESSAGE_AS4.
        case bgp4mpMessageAS4(BGP4MPMessage)
        /// TABLE_DUMP_V2, subtype PEER_INDEX_TABLE.
        case peerIndexTable(PeerIndexTable)
        /// TABLE_DUMP_V2, subtype RIB_GENERIC.
        case ribGeneric(RIBGeneric)
    }

    public var timestamp: UInt32
    /// With it, a BGP4MP record is written as BGP4MP_ET (RFC 6396 §3).
    public var microseconds: UInt32?
    public var body: Body

    public init(timestamp: UInt32, microseconds: UInt32? = nil, body: Body) {
        self.timestamp = timestamp
        self.microseconds = microseconds
        self.body = body
    }

    var type: MRTType {
        switch body {
        case .bgp4mpMessageAS4: microseconds == nil ? .bgp4mp : .bgp4mpET
        case .peerIndexTable, .ribGeneric: .tableDumpV2
        }
    }

    var subtype: UInt16 {
        switch body {
        case .bgp4mpMessageAS4: BGP4MPSubtype.messageAS4.rawValue
        case .peerIndexTable: TableDumpV2Subtype.peerIndexTable.rawValue
        case .ribGeneric: TableDumpV2Subtype.ribGeneric.rawValue
        }
    }

    public func encoded() -> [UInt8] {
        var body: [UInt8] = []
        switch self.body {
        case .bgp4mpMessageAS4(let m):
            body.appendBigEndian(m.peerAS)
            body.appendBigEndian(m.localAS)
            body.appendBigEndian(m.interfaceIndex)
            // The local address in the peer's family (a mismatch would make the record unreadable).
            let v6: Bool = if case .v6 = m.peerAddress { true } else { false }
            body.appendBigEndian(v6 ? MRTAddressFamily.ipv6 : MRTAddressFamily.ipv4)
            body += m.peerAddress.bytes
            body += v6 ? m.localAddress.ipv6.bytes : (m.localAddress.bytes.count == 4 ? m.localAddress.bytes : [0, 0, 0, 0])
            body += m.message
        case .peerIndexTable(let t):
            body.appendBigEndian(t.collectorBGPID.rawValue)
            let name = Array(t.viewName.utf8.prefix(Int(UInt16.max)))
            body.appendBigEndian(UInt16(name.count))
            body += name
            body.appendBigEndian(UInt16(clamping: t.peers.count))
            for p in t.peers.prefix(Int(UInt16.max)) {
                let v6: Bool = if case .v6 = p.address { true } else { false }
                body.append((v6 ? MRTPeerType.ipv6 : []).union(.as4).rawValue)
                body.appendBigEndian(p.bgpID.rawValue)
                body += p.address.bytes
                body.appendBigEndian(p.asn)
            }
        case .ribGeneric(let r):
            body.appendBigEndian(r.sequenceNumber)
            body.appendBigEndian(r.afi)
            body.append(r.safi)
            body += r.nlri
            body.appendBigEndian(UInt16(clamping: r.entries.count))
            for e in r.entries.prefix(Int(UInt16.max)) {
                body.appendBigEndian(e.peerIndex)
                body.appendBigEndian(e.originatedTime)
                let a = e.attributes.prefix(Int(UInt16.max))
                body.appendBigEndian(UInt16(a.count))
                body += a
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(MRTLength.commonHeader + 4 + body.count)
        out.appendBigEndian(timestamp)
        out.appendBigEndian(type.rawValue)
        out.appendBigEndian(subtype)
        let micro = type == .bgp4mpET ? 4 : 0
        out.appendBigEndian(UInt32(body.count + micro))
        if type == .bgp4mpET { out.appendBigEndian(microseconds ?? 0) }
        return out + body
    }

    /// The length of the record at the start of `bytes`; nil while its header is incomplete.
    public static func length(at bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= MRTLength.commonHeader else { return nil }
        let i = bytes.startIndex + 8
        return MRTLength.commonHeader + (Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
    }

    /// Splits a file: the first whole record off the front of `buffer`
    /// (removed from it); nil when none is complete.
    public static func next(from buffer: inout ArraySlice<UInt8>) throws(FieldDecodingError) -> MRTRecord? {
        guard let length = length(at: buffer), buffer.count >= length else { return nil }
        let record = buffer.prefix(length)
        buffer = buffer.dropFirst(length)
        return try decode(record)
    }

    /// Every record of a file's bytes; an error names the first bad one's field.
    public static func decodeAll(_ bytes: [UInt8]) throws(FieldDecodingError) -> [MRTRecord] {
        var rest = bytes[...]
        var out: [MRTRecord] = []
        while let r = try next(from: &rest) { out.append(r) }
        guard rest.isEmpty else {
            throw FieldDecodingError(format: "MRT", field: "Length", reason: "the last record is cut: \(rest.count) octets left", offset: bytes.count - rest.count)
        }
        return out
    }

    /// Exactly one record: the whole of `bytes`.
    public static func decode(_ bytes: some Collection<UInt8>) throws(FieldDecodingError) -> MRTRecord {
        var r = FieldReader(ArraySlice(bytes), format: "MRT")
        let timestamp = try r.u32("Timestamp")
        let typeRaw = try r.u16("Type"), subtype = try r.u16("Subtype"), length = try r.u32("Length")
        guard Int(length) == r.remaining else { throw r.invalid("Length", length, "differs from the \(r.remaining) octets that follow the header") }
        guard let type = MRTType(rawValue: typeRaw) else { throw r.invalid("Type", typeRaw, "unknown or not supported") }
        switch type {
        case .bgp4mp, .bgp4mpET:
            let micro: UInt32? = type == .bgp4mpET ? try r.u32("Microsecond Timestamp") : nil
            guard subtype == BGP4MPSubtype.messageAS4.rawValue else { throw r.invalid("Subtype", subtype, "not supported (BGP4MP_MESSAGE_AS4 is)") }
            let peerAS = try r.u32("Peer AS Number"), localAS = try r.u32("Local AS Number"), interface = try r.u16("Interface Index")
            let family = try r.u16("Address Family")
            let size: Int
            switch family {
            case MRTAddressFamily.ipv4: size = 4
            case MRTAddressFamily.ipv6: size = 16
            default: throw r.invalid("Address Family", family, "is neither 1 (IPv4) nor 2 (IPv6)")
            }
            let peer = try r.bytes(size, "Peer IP Address"), local = try r.bytes(size, "Local IP Address")
            let message = try r.bgpMessage("BGP Message")
            guard r.remaining == 0 else { throw r.invalid("BGP4MP_MESSAGE_AS4", "\(r.remaining) octets", "follow the BGP Message") }
            return MRTRecord(timestamp: timestamp, microseconds: micro, body: .bgp4mpMessageAS4(BGP4MPMessage(
                peerAS: peerAS, localAS: localAS, interfaceIndex: interface, peerAddress: IPAddress(bytes: peer)!, localAddress: IPAddress(bytes: local)!,
                message: message)))
        case .tableDumpV2:
            switch TableDumpV2Subtype(rawValue: subtype) {
            case .peerIndexTable?:
                let collector = IPv4Address(rawValue: try r.u32("Collector BGP ID"))
                let name = try r.bytes(Int(try r.u16("View Name Length")), "View Name")
                let count = try r.u16("Peer Count")
                var peers: [PeerIndexTable.Peer] = []
                for i in 0..<Int(count) {
                    let type = MRTPeerType(rawValue: try r.u8("Peer Type (peer \(i))"))
                    let id = IPv4Address(rawValue: try r.u32("Peer BGP ID (peer \(i))"))
                    let address = try r.bytes(type.contains(.ipv6) ? 16 : 4, "Peer IP Address (peer \(i))")
                    let asn: UInt32 = type.contains(.as4) ? try r.u32("Peer AS (peer \(i))") : UInt32(try r.u16("Peer AS (peer \(i))"))
                    peers.append(.init(bgpID: id, address: IPAddress(bytes: address)!, asn: asn))
                }
                guard r.remaining == 0 else { throw r.invalid("PEER_INDEX_TABLE", "\(r.remaining) octets", "follow the last peer entry") }
                return MRTRecord(timestamp: timestamp, body: .peerIndexTable(PeerIndexTable(collectorBGPID: collector,
                                                                                              viewName: String(decoding: name, as: UTF8.self), peers: peers)))
            case .ribGeneric?:
                let sequence = try r.u32("Sequence Number"), afi = try r.u16("Address Family Identifier"), safi = try r.u8("Subsequent AFI")
                let nlri = try Self.nlri(&r, afi: afi, safi: safi)
                let count = try r.u16("Entry Count")
                var entries: [RIBGeneric.Entry] = []
                for i in 0..<Int(count) {
                    let peer = try r.u16("Peer Index (entry \(i))"), time = try r.u32("Originated Time (entry \(i))")
                    let attributes = try r.bytes(Int(try r.u16("Attribute Length (entry \(i))")), "BGP Attributes (entry \(i))")
                    entries.append(.init(peerIndex: peer, originatedTime: time, attributes: attributes))
                }
                guard r.remaining == 0 else { throw r.invalid("RIB_GENERIC", "\(r.remaining) octets", "follow the last RIB entry") }
                return MRTRecord(timestamp: timestamp, body: .ribGeneric(RIBGeneric(sequenceNumber: sequence, afi: afi, safi: safi, nlri: nlri, entries: entries)))
            default:
                throw r.invalid("Subtype", subtype, "not supported (PEER_INDEX_TABLE and RIB_GENERIC are)")
            }
        }
    }

    /// One NLRI of RIB_GENERIC: its length depends on the family.
    static func nlri(_ r: inout FieldReader, afi: UInt16, safi: UInt8) throws(FieldDecodingError) -> [UInt8] {
        switch (afi, safi) {
        case (25, 70):
            // RFC 7432 §7: route type, length, value.
            let head = try r.bytes(2, "NLRI (EVPN route type and length)")
            return head + (try r.bytes(Int(head[1]), "NLRI (EVPN route)"))
        case (1, 132):
            // RFC 4684 §4: length in bits, then as many octets as it covers.
            let bits = try r.u8("NLRI (RT membership length)")
            return [bits] + (try r.bytes((Int(bits) + 7) / 8, "NLRI (RT membership)"))
        case (1, 1), (2, 1):
            let bits = try r.u8("NLRI (prefix length)")
            return [bits] + (try r.bytes((Int(bits) + 7) / 8, "NLRI (prefix)"))
        default:
            throw r.invalid("Address Family Identifier", "\(afi)/\(safi)", "not supported in RIB_GENERIC (EVPN, RT membership, IPv4/IPv6 unicast are)")
        }
    }
}
