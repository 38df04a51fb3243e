import NIOCore

/// The flags octet of a path attribute (RFC 4271 §4.3). The low four bits
/// are unused but kept, so an attribute passes through unchanged.
public struct AttributeFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let optional = AttributeFlags(rawValue: 0x80)
    public static let transitive = AttributeFlags(rawValue: 0x40)
    public static let partial = AttributeFlags(rawValue: 0x20)
    public static let extendedLength = AttributeFlags(rawValue: 0x10)

    public static let wellKnown: AttributeFlags = [.transitive]
    public static let optionalTransitive: AttributeFlags = [.optional, .transitive]
    public static let optionalNonTransitive: AttributeFlags = [.optional]
}

/// ORIGIN values.
public enum Origin: UInt8, Hashable, Sendable {
    case igp = 0
    case egp = 1
    case incomplete = 2
}

/// CLUSTER_LIST (RFC 4456 §8): the cluster ids a route was reflected through.
public struct ClusterList: Hashable, Sendable {
    public var clusterIDs: [IPv4Address]
    public init(_ ids: [IPv4Address]) { clusterIDs = ids }
}

/// MP_REACH_NLRI (RFC 4760 §3).
public struct MPReachNLRI: Hashable, Sendable {
    public var family: AddressFamily
    /// As sent: 4 or 16 octets, 32 for an IPv6 global + link-local pair.
    public var nextHop: [UInt8]
    public var nlri: [NLRI]
    public init(family: AddressFamily, nextHop: [UInt8], nlri: [NLRI]) {
        self.family = family; self.nextHop = nextHop; self.nlri = nlri
    }
    public init(family: AddressFamily, nextHop: IPAddress, nlri: [NLRI]) {
        self.init(family: family, nextHop: nextHop.bytes, nlri: nlri)
    }
    /// The next hop as addresses (one, or two for 32 octets); nil when its
    /// length is none of 4, 16, 32.
    public var nextHopAddresses: [IPAddress]? {
        switch nextHop.count {
        case 4, 16: IPAddress(bytes: nextHop).map { [$0] }
        case 32: [IPAddress(bytes: Array(nextHop[..<16])), IPAddress(bytes: Array(nextHop[16...]))].compactMap { $0 }
        default: nil
        }
    }
}

/// MP_UNREACH_NLRI (RFC 4760 §4).
public struct MPUnreachNLRI: Hashable, Sendable {
    public var family: AddressFamily
    public var nlri: [NLRI]
    public init(family: AddressFamily, nlri: [NLRI]) { self.family = family; self.nlri = nlri }
}

/// A path attribute's type code (IANA "BGP Path Attributes").
public enum AttributeTypeCode {
    public static let origin: UInt8 = 1
    public static let asPath: UInt8 = 2
    public static let nextHop: UInt8 = 3
    public static let multiExitDisc: UInt8 = 4
    public static let localPref: UInt8 = 5
    public static let atomicAggregate: UInt8 = 6
    public static let aggregator: UInt8 = 7
    public static let communities: UInt8 = 8
    public static let originatorID: UInt8 = 9
    public static let clusterList: UInt8 = 10
    public static let mpReachNLRI: UInt8 = 14
    public static let mpUnreachNLRI: UInt8 = 15
    public static let extendedCommunities: UInt8 = 16
    public static let as4Path: UInt8 = 17
    public static let as4Aggregator: UInt8 = 18
    public static let pmsiTunnel: UInt8 = 22
    public static let largeCommunities: UInt8 = 32
}

/// One path attribute: its flags as received and its value.
public struct PathAttribute: Hashable, Sendable {
    public enum Value: Hashable, Sendable {
        case origin(Origin)
        case asPath(ASPath)
        case nextHop(IPv4Address)
        case multiExitDisc(UInt32)
        case localPref(UInt32)
        case atomicAggregate
        case aggregator(Aggregator)
        case communities([Community])
        case originatorID(IPv4Address)
        case clusterList(ClusterList)
        case mpReachNLRI(MPReachNLRI)
        case mpUnreachNLRI(MPUnreachNLRI)
        case extendedCommunities([ExtendedCommunity])
        case as4Path(ASPath)
        case as4Aggregator(Aggregator)
        case pmsiTunnel(PMSITunnel)
        case largeCommunities([LargeCommunity])
        /// An attribute this codec does not know, kept as its bytes.
        case unknown(typeCode: UInt8, data: [UInt8])

        public var typeCode: UInt8 {
            typealias C = AttributeTypeCode
            switch self {
            case .origin: return C.origin
            case .asPath: return C.asPath
            case .nextHop: return C.nextHop
            case .multiExitDisc: return C.multiExitDisc
            case .localPref: return C.localPref
            case .atomicAggregate: return C.atomicAggregate
            case .aggregator: return C.aggregator
            case .communities: return C.communities
            case .originatorID: return C.originatorID
            case .clusterList: return C.clusterList
            case .mpReachNLRI: return C.mpReachNLRI
            case .mpUnreachNLRI: return C.mpUnreachNLRI
            case .extendedCommunities: return C.extendedCommunities
            case .as4Path: return C.as4Path
            case .as4Aggregator: return C.as4Aggregator
            case .pmsiTunnel: return C.pmsiTunnel
            case .largeCommunities: return C.largeCommunities
            case .unknown(let c, _): return c
            }
        }
    }

    public var flags: AttributeFlags
    public var value: Value

    /// With the flags the attribute's specification gives it.
    public init(_ value: Value) {
        self.value = value
        self.flags = PathAttribute.expectedFlags(value.typeCode) ?? .optionalTransitive
    }

    public init(flags: AttributeFlags, value: Value) {
        self.flags = flags
        self.value = value
    }

    public var typeCode: UInt8 { value.typeCode }

    /// The optional and transitive bits a known attribute must carry; nil
    /// for a type code this codec does not know.
    public static func expectedFlags(_ code: UInt8) -> AttributeFlags? {
        typealias C = AttributeTypeCode
        switch code {
        case C.origin, C.asPath, C.nextHop, C.localPref, C.atomicAggregate: return .wellKnown
        case C.multiExitDisc, C.originatorID, C.clusterList, C.mpReachNLRI, C.mpUnreachNLRI: return .optionalNonTransitive
        case C.aggregator, C.communities, C.extendedCommunities, C.as4Path, C.as4Aggregator, C.pmsiTunnel, C.largeCommunities:
            return .optionalTransitive
        default: return nil
        }
    }

    // MARK: decoding

    /// Decodes the value of attribute `code` from all of `r`. The error's
    /// notification is what RFC 4271 / 7606 name for this attribute.
    static func decodeValue(
        code: UInt8, _ r: inout WireReader, attribute: [UInt8], options: SessionOptions
    ) throws(BGPDecodingError) -> Value {
        typealias C = AttributeTypeCode
        let lengthError = Notification(.updateMessage(.attributeLengthError), data: attribute)
        r.notification = lengthError
        let length = r.remaining
        func want(_ n: Int) throws(BGPDecodingError) {
            guard length == n else { throw r.invalid("attribute \(code) of length \(length), want \(n)") }
        }
        /// A list attribute: `n`-octet items, each read by `item`, to the value's end.
        func items<Item>(_ n: Int, _ item: (inout WireReader) throws(BGPDecodingError) -> Item) throws(BGPDecodingError) -> [Item] {
            guard length % n == 0 else { throw r.invalid("attribute \(code) of length \(length), not a multiple of \(n)") }
            var out: [Item] = []
            out.reserveCapacity(length / n)
            while !r.isEmpty { out.append(try item(&r)) }
            return out
        }
        switch code {
        case C.origin:
            try want(1)
            let v = try r.u8("ORIGIN")
            guard let o = Origin(rawValue: v) else {
                throw BGPDecodingError("ORIGIN value \(v)", offset: r.offset &- 1, notification: Notification(.updateMessage(.invalidOriginAttribute), data: attribute))
            }
            return .origin(o)
        case C.asPath:
            return .asPath(try ASPath.decode(&r, fourOctet: options.fourOctetAS, Notification(.updateMessage(.malformedASPath))))
        case C.nextHop:
            try want(4)
            return .nextHop(try r.ipv4())
        case C.multiExitDisc:
            try want(4)
            return .multiExitDisc(try r.u32("MULTI_EXIT_DISC"))
        case C.localPref:
            try want(4)
            return .localPref(try r.u32("LOCAL_PREF"))
        case C.atomicAggregate:
            try want(0)
            return .atomicAggregate
        case C.aggregator:
            try want(options.fourOctetAS ? 8 : 6)
            let asn = options.fourOctetAS ? try r.u32("AGGREGATOR AS") : UInt32(try r.u16("AGGREGATOR AS"))
            return .aggregator(Aggregator(asn: asn, address: try r.ipv4()))
        case C.communities:
            return .communities(try items(4) { r throws(BGPDecodingError) in Community(rawValue: try r.u32("COMMUNITIES")) })
        case C.originatorID:
            try want(4)
            return .originatorID(try r.ipv4())
        case C.clusterList:
            return .clusterList(ClusterList(try items(4) { r throws(BGPDecodingError) in try r.ipv4() }))
        case C.mpReachNLRI:
            r.notification = Notification(.updateMessage(.optionalAttributeError), data: attribute)
            let afi = AFI(rawValue: try r.u16("MP_REACH_NLRI AFI"))
            let safi = SAFI(rawValue: try r.u8("MP_REACH_NLRI SAFI"))
            let family = AddressFamily(afi: afi, safi: safi)
            let nhLength = Int(try r.u8("next hop length"))
            let nextHop = try r.bytes(nhLength, "next hop")
            _ = try r.u8("reserved octet")
            let nlri = try NLRI.decodeList(&r, family: family, addPath: options.addPath.contains(family))
            return .mpReachNLRI(MPReachNLRI(family: family, nextHop: nextHop, nlri: nlri))
        case C.mpUnreachNLRI:
            r.notification = Notification(.updateMessage(.optionalAttributeError), data: attribute)
            let afi = AFI(rawValue: try r.u16("MP_UNREACH_NLRI AFI"))
            let safi = SAFI(rawValue: try r.u8("MP_UNREACH_NLRI SAFI"))
            let family = AddressFamily(afi: afi, safi: safi)
            let nlri = try NLRI.decodeList(&r, family: family, addPath: options.addPath.contains(family))
            return .mpUnreachNLRI(MPUnreachNLRI(family: family, nlri: nlri))
        case C.extendedCommunities:
            return .extendedCommunities(try items(8) { r throws(BGPDecodingError) in ExtendedCommunity(rawValue: try r.u64("EXTENDED_COMMUNITIES")) })
        case C.as4Path:
            return .as4Path(try ASPath.decode(&r, fourOctet: true, Notification(.updateMessage(.malformedASPath))))
        case C.as4Aggregator:
            try want(8)
            let asn = try r.u32("AS4_AGGREGATOR AS")
            return .as4Aggregator(Aggregator(asn: asn, address: try r.ipv4()))
        case C.pmsiTunnel:
            guard length >= 5 else { throw r.invalid("PMSI_TUNNEL of length \(length), want at least 5") }
            let flags = try r.u8("PMSI flags")
            let type = try r.u8("PMSI tunnel type")
            let label = try r.label()
            return .pmsiTunnel(PMSITunnel(flags: flags, tunnelType: .init(rawValue: type), label: label, tunnelIdentifier: r.rest()))
        case C.largeCommunities:
            return .largeCommunities(try items(12) { r throws(BGPDecodingError) in
                LargeCommunity(try r.u32("LARGE_COMMUNITIES"), try r.u32("LARGE_COMMUNITIES"), try r.u32("LARGE_COMMUNITIES"))
            })
        default:
            return .unknown(typeCode: code, data: r.rest())
        }
    }

    // MARK: encoding

    func encode(into b: inout ByteBuffer, options: SessionOptions) {
        let flagsAt = b.writerIndex
        b.writeInteger(flags.rawValue)
        b.writeInteger(typeCode)
        let lengthAt = b.writerIndex
        // A long multiprotocol value is known to be long before it is written: no move afterwards.
        let extended = flags.contains(.extendedLength) || (multiprotocolValueLength ?? 0) > 255
        if extended, !flags.contains(.extendedLength) { b.setInteger(flags.union(.extendedLength).rawValue, at: flagsAt) }
        if extended { b.writeInteger(UInt16(0)) } else { b.writeInteger(UInt8(0)) }
        let start = b.writerIndex
        encodeValue(into: &b, options: options)
        let length = b.writerIndex - start
        if extended {
            b.setInteger(UInt16(truncatingIfNeeded: length), at: lengthAt)
        } else if length <= 255 {
            b.setInteger(UInt8(length), at: lengthAt)
        } else {
            // Too long for one octet: switch to the 2-octet length, moving the value up by one.
            let value = b.getBytes(at: start, length: length) ?? []
            b.moveWriterIndex(to: lengthAt)
            b.setInteger((flags.union(.extendedLength)).rawValue, at: flagsAt)
            b.writeInteger(UInt16(truncatingIfNeeded: length))
            b.writeBytes(value)
        }
    }

    /// The value's length of MP_REACH_NLRI / MP_UNREACH_NLRI, counted without encoding; nil for other attributes.
    var multiprotocolValueLength: Int? {
        switch value {
        case .mpReachNLRI(let m): 5 + min(m.nextHop.count, 255) + m.nlri.reduce(0) { $0 + $1.wireLength }
        case .mpUnreachNLRI(let m): 3 + m.nlri.reduce(0) { $0 + $1.wireLength }
        default: nil
        }
    }

    func encodeValue(into b: inout ByteBuffer, options: SessionOptions) {
        switch value {
        case .origin(let o): b.writeInteger(o.rawValue)
        case .asPath(let p): p.encode(into: &b, fourOctet: options.fourOctetAS)
        case .nextHop(let a): b.write(a)
        case .multiExitDisc(let v), .localPref(let v): b.writeInteger(v)
        case .atomicAggregate: break
        case .aggregator(let a):
            if options.fourOctetAS { b.writeInteger(a.asn) } else { b.writeInteger(a.asn > 0xffff ? UInt16(23456) : UInt16(a.asn)) }
            b.write(a.address)
        case .communities(let c): for x in c { b.writeInteger(x.rawValue) }
        case .originatorID(let a): b.write(a)
        case .clusterList(let l): for x in l.clusterIDs { b.write(x) }
        case .mpReachNLRI(let m):
            b.writeInteger(m.family.afi.rawValue)
            b.writeInteger(m.family.safi.rawValue)
            b.writeInteger(UInt8(truncatingIfNeeded: m.nextHop.count))
            b.writeBytes(m.nextHop.prefix(255))
            b.writeInteger(UInt8(0))
            for n in m.nlri { n.encode(into: &b) }
        case .mpUnreachNLRI(let m):
            b.writeInteger(m.family.afi.rawValue)
            b.writeInteger(m.family.safi.rawValue)
            for n in m.nlri { n.encode(into: &b) }
        case .extendedCommunities(let c): for x in c { b.writeInteger(x.rawValue) }
        case .as4Path(let p): p.encode(into: &b, fourOctet: true)
        case .as4Aggregator(let a): b.writeInteger(a.asn); b.write(a.address)
        case .pmsiTunnel(let p):
            b.writeInteger(p.flags); b.writeInteger(p.tunnelType.rawValue); b.write(p.label); b.writeBytes(p.tunnelIdentifier)
        case .largeCommunities(let c):
            for x in c { b.writeInteger(x.globalAdministrator); b.writeInteger(x.localData1); b.writeInteger(x.localData2) }
        case .unknown(_, let d): b.writeBytes(d)
        }
    }
}
