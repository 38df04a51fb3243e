import NIOCore

/// Type 1, Ethernet auto-discovery (RFC 7432 §7.1).
public struct EthernetAutoDiscoveryRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var esi: EthernetSegmentIdentifier
    public var ethernetTag: UInt32
    public var label: MPLSLabel
    public init(rd: RouteDistinguisher, esi: EthernetSegmentIdentifier, ethernetTag: UInt32, label: MPLSLabel) {
        self.rd = rd; self.esi = esi; self.ethernetTag = ethernetTag; self.label = label
    }
}

/// Type 2, MAC/IP advertisement (RFC 7432 §7.2): one endpoint.
public struct MACIPAdvertisementRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var esi: EthernetSegmentIdentifier
    public var ethernetTag: UInt32
    public var mac: EthernetAddress
    /// Absent when the route advertises the MAC alone (IP length 0).
    public var ip: IPAddress?
    /// The VNI under VXLAN (RFC 8365).
    public var label1: MPLSLabel
    /// Present for symmetric IRB (the L3 VNI).
    public var label2: MPLSLabel?
    public init(
        rd: RouteDistinguisher, esi: EthernetSegmentIdentifier = .zero, ethernetTag: UInt32 = 0,
        mac: EthernetAddress, ip: IPAddress?, label1: MPLSLabel, label2: MPLSLabel? = nil
    ) {
        self.rd = rd; self.esi = esi; self.ethernetTag = ethernetTag; self.mac = mac
        self.ip = ip; self.label1 = label1; self.label2 = label2
    }
}

/// Type 3, inclusive multicast Ethernet tag (RFC 7432 §7.3).
public struct InclusiveMulticastEthernetTagRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var ethernetTag: UInt32
    public var originatingRouter: IPAddress
    public init(rd: RouteDistinguisher, ethernetTag: UInt32 = 0, originatingRouter: IPAddress) {
        self.rd = rd; self.ethernetTag = ethernetTag; self.originatingRouter = originatingRouter
    }
}

/// Type 4, Ethernet segment (RFC 7432 §7.4).
public struct EthernetSegmentRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var esi: EthernetSegmentIdentifier
    public var originatingRouter: IPAddress
    public init(rd: RouteDistinguisher, esi: EthernetSegmentIdentifier, originatingRouter: IPAddress) {
        self.rd = rd; self.esi = esi; self.originatingRouter = originatingRouter
    }
}

/// Type 5, IP prefix (RFC 9136 §3.1). Prefix and gateway are of one family.
public struct IPPrefixRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var esi: EthernetSegmentIdentifier
    public var ethernetTag: UInt32
    public var prefix: IPAddress
    public var prefixLength: UInt8
    public var gateway: IPAddress
    public var label: MPLSLabel
    public init(
        rd: RouteDistinguisher, esi: EthernetSegmentIdentifier = .zero, ethernetTag: UInt32 = 0,
        prefix: IPAddress, prefixLength: UInt8, gateway: IPAddress, label: MPLSLabel
    ) {
        self.rd = rd; self.esi = esi; self.ethernetTag = ethernetTag; self.prefix = prefix
        self.prefixLength = prefixLength; self.gateway = gateway; self.label = label
    }
}

/// One EVPN NLRI (RFC 7432 §7): route type, length, value. Route types this
/// codec does not know are kept as their bytes so they can be reflected.
public enum EVPNRoute: Hashable, Sendable {
    case ethernetAutoDiscovery(EthernetAutoDiscoveryRoute)
    case macIPAdvertisement(MACIPAdvertisementRoute)
    case inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute)
    case ethernetSegment(EthernetSegmentRoute)
    case ipPrefix(IPPrefixRoute)
    case unknown(type: UInt8, value: [UInt8])

    public var routeType: UInt8 {
        switch self {
        case .ethernetAutoDiscovery: 1
        case .macIPAdvertisement: 2
        case .inclusiveMulticastEthernetTag: 3
        case .ethernetSegment: 4
        case .ipPrefix: 5
        case .unknown(let t, _): t
        }
    }

    public var rd: RouteDistinguisher? {
        switch self {
        case .ethernetAutoDiscovery(let r): r.rd
        case .macIPAdvertisement(let r): r.rd
        case .inclusiveMulticastEthernetTag(let r): r.rd
        case .ethernetSegment(let r): r.rd
        case .ipPrefix(let r): r.rd
        case .unknown: nil
        }
    }

    static func decode(_ r: inout WireReader) throws(BGPDecodingError) -> EVPNRoute {
        let type = try r.u8("EVPN route type")
        let length = Int(try r.u8("EVPN route length"))
        let start = r.offset
        try r.require(length, "EVPN route type \(type) of length \(length)")
        var why = ""
        // One bounds check for the whole route, then fixed-layout reads.
        let route: EVPNRoute? = r.buffer.withUnsafeReadableBytes { all in
            var v = RawReader(UnsafeRawBufferPointer(rebasing: all[0..<length]))
            let route = parse(type: type, length: length, &v, why: &why)
            if route != nil && (v.overrun || v.offset != length) { why = "layout overrun"; return nil }
            return route
        }
        guard let route else {
            throw BGPDecodingError("EVPN route type \(type) of length \(length): \(why)", offset: start, notification: r.notification)
        }
        r.buffer.moveReaderIndex(forwardBy: length)
        return route
    }

    /// Reads routes from the start of `all` (each after its add-path
    /// identifier with `addPath`) for as long as they are well formed,
    /// appending them to `out`: one bounds check per route, fields read at
    /// fixed offsets. Returns the octets taken; it stops before a route cut
    /// short or of a bad layout, which `decode` then reads to name the error.
    static func decodeWellFormed(_ all: UnsafeRawBufferPointer, addPath: Bool, into out: inout [NLRI]) -> Int {
        let idLength = addPath ? 4 : 0
        var at = 0
        while all.count &- at >= idLength &+ 2 {
            let id: UInt32? = addPath ? UInt32(bigEndian: all.loadUnaligned(fromByteOffset: at, as: UInt32.self)) : nil
            let type = all[at &+ idLength], length = Int(all[at &+ idLength &+ 1])
            let start = at &+ idLength &+ 2
            guard length <= all.count &- start else { break }
            var v = RawReader(UnsafeRawBufferPointer(rebasing: all[start..<start &+ length]))
            var why = ""
            guard let route = parse(type: type, length: length, &v, why: &why), !v.overrun, v.offset == length else { break }
            out.append(NLRI(.evpn(route), pathID: id))
            at = start &+ length
        }
        return at
    }

    /// Parses one route's value (exactly `length` bytes in `v`); nil with
    /// `why` set when the layout does not fit its type.
    private static func parse(type: UInt8, length: Int, _ v: inout RawReader, why: inout String) -> EVPNRoute? {
        switch type {
        case 1:
            guard length == 25 else { why = "want 25"; return nil }
            return .ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: v.rd(), esi: v.esi(), ethernetTag: v.u32(), label: v.label()))
        case 2:
            guard length >= 33 else { why = "too short"; return nil }
            let rd = v.rd(), esi = v.esi(), tag = v.u32()
            let macBits = v.u8()
            guard macBits == 48 else { why = "MAC length \(macBits), want 48"; return nil }
            let mac = v.mac()
            let ipBits = v.u8()
            let ipBytes: Int
            switch ipBits {
            case 0: ipBytes = 0
            case 32: ipBytes = 4
            case 128: ipBytes = 16
            default: why = "IP length \(ipBits), want 0, 32 or 128"; return nil
            }
            let labels = length - 30 - ipBytes
            guard labels == 3 || labels == 6 else { why = "room for \(labels) label bytes"; return nil }
            let ip: IPAddress? = ipBytes == 0 ? nil : v.ip(byteCount: ipBytes)
            let label1 = v.label()
            let label2: MPLSLabel? = labels == 6 ? v.label() : nil
            return .macIPAdvertisement(MACIPAdvertisementRoute(rd: rd, esi: esi, ethernetTag: tag, mac: mac, ip: ip, label1: label1, label2: label2))
        case 3:
            guard length == 17 || length == 29 else { why = "want 17 or 29"; return nil }
            let rd = v.rd(), tag = v.u32(), ipBits = v.u8()
            guard Int(ipBits) == (length - 13) * 8 else { why = "IP length \(ipBits)"; return nil }
            return .inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: rd, ethernetTag: tag, originatingRouter: v.ip(byteCount: length - 13)))
        case 4:
            guard length == 23 || length == 35 else { why = "want 23 or 35"; return nil }
            let rd = v.rd(), esi = v.esi(), ipBits = v.u8()
            guard Int(ipBits) == (length - 19) * 8 else { why = "IP length \(ipBits)"; return nil }
            return .ethernetSegment(EthernetSegmentRoute(rd: rd, esi: esi, originatingRouter: v.ip(byteCount: length - 19)))
        case 5:
            // The family is told by the total length alone (RFC 9136 §3.1).
            guard length == 34 || length == 58 else { why = "want 34 or 58"; return nil }
            let ipBytes = length == 34 ? 4 : 16
            let rd = v.rd(), esi = v.esi(), tag = v.u32(), prefixLength = v.u8()
            guard Int(prefixLength) <= ipBytes * 8 else { why = "prefix length \(prefixLength)"; return nil }
            return .ipPrefix(IPPrefixRoute(rd: rd, esi: esi, ethernetTag: tag, prefix: v.ip(byteCount: ipBytes), prefixLength: prefixLength,
                                           gateway: v.ip(byteCount: ipBytes), label: v.label()))
        default:
            let value = Array(v.bytes)
            v.offset = length
            return .unknown(type: type, value: value)
        }
    }

    /// Encoded length of the value (after type and length octets).
    public var valueLength: Int {
        switch self {
        case .ethernetAutoDiscovery: 25
        case .macIPAdvertisement(let r): 33 + (r.ip.map { $0.bitLength == 32 ? 4 : 16 } ?? 0) + (r.label2 == nil ? 0 : 3)
        case .inclusiveMulticastEthernetTag(let r): r.originatingRouter.bitLength == 32 ? 17 : 29
        case .ethernetSegment(let r): r.originatingRouter.bitLength == 32 ? 23 : 35
        case .ipPrefix(let r): 23 + (r.prefix.bitLength == 32 ? 4 : 16) + (r.gateway.bitLength == 32 ? 4 : 16) + 3
        case .unknown(_, let v): v.count
        }
    }

    func encode(into b: inout ByteBuffer) {
        if case .unknown(let type, let v) = self {
            b.writeInteger(type)
            b.writeInteger(UInt8(truncatingIfNeeded: v.count))
            b.writeBytes(v.prefix(255))
            return
        }
        // One capacity check per route, then fixed-layout stores.
        b.writeWithUnsafeMutableBytes(minimumWritableBytes: 2 + valueLength) { encode(to: $0) }
    }

    /// Writes the wire form of a route of a known type into `out` (room for
    /// `2 + valueLength` octets: nothing is written past its end) and returns
    /// the octets written; 0 for a type this codec does not know.
    public func encode(to out: UnsafeMutableRawBufferPointer) -> Int {
        if case .unknown = self { return 0 }
        let length = valueLength
        var w = RawWriter(out)
        w.write(routeType)
        w.write(UInt8(truncatingIfNeeded: length))
        switch self {
        case .ethernetAutoDiscovery(let r):
            w.write(r.rd.rawValue); w.esi(r.esi); w.write(r.ethernetTag); w.label(r.label)
        case .macIPAdvertisement(let r):
            w.write(r.rd.rawValue); w.esi(r.esi); w.write(r.ethernetTag)
            w.write(UInt8(48)); w.mac(r.mac)
            if let ip = r.ip { w.write(ip.bitLength); w.ip(ip) } else { w.write(UInt8(0)) }
            w.label(r.label1)
            if let l = r.label2 { w.label(l) }
        case .inclusiveMulticastEthernetTag(let r):
            w.write(r.rd.rawValue); w.write(r.ethernetTag); w.write(r.originatingRouter.bitLength); w.ip(r.originatingRouter)
        case .ethernetSegment(let r):
            w.write(r.rd.rawValue); w.esi(r.esi); w.write(r.originatingRouter.bitLength); w.ip(r.originatingRouter)
        case .ipPrefix(let r):
            w.write(r.rd.rawValue); w.esi(r.esi); w.write(r.ethernetTag)
            w.write(r.prefixLength); w.ip(r.prefix); w.ip(r.gateway); w.label(r.label)
        case .unknown:
            break
        }
        return w.offset
    }
}

extension EVPNRoute {
    /// The route with every field outside its BGP route key cleared: two
    /// routes name the same destination exactly when their keys are equal.
    /// The label fields are never part of the key; the ESI only of types 1
    /// and 4; the gateway address never (RFC 7432 §7.1-7.4, RFC 9136 §3.1).
    /// The RD is always part of it. A route type this codec does not know is
    /// keyed by its whole value: which of its fields are attributes cannot be told.
    public var key: EVPNRoute {
        switch self {
        case .ethernetAutoDiscovery(var r):
            r.label = MPLSLabel(rawValue: 0)
            return .ethernetAutoDiscovery(r)
        case .macIPAdvertisement(var r):
            r.esi = .zero
            r.label1 = MPLSLabel(rawValue: 0)
            r.label2 = nil
            return .macIPAdvertisement(r)
        case .ipPrefix(var r):
            r.esi = .zero
            r.gateway = r.prefix.bitLength == 32 ? .v4(IPv4Address(rawValue: 0)) : .v6(IPv6Address(high: 0, low: 0))
            r.label = MPLSLabel(rawValue: 0)
            return .ipPrefix(r)
        case .inclusiveMulticastEthernetTag, .ethernetSegment, .unknown:
            return self
        }
    }
}
