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

    static func decode(_ r: inout WireReader, _ error: Notification) throws(BGPDecodingError) -> EVPNRoute {
        let type = try r.u8("EVPN route type", error)
        let length = Int(try r.u8("EVPN route length", error))
        let start = r.offset
        var v = try r.slice(length, "EVPN route type \(type)", error)
        func bad(_ why: String) -> BGPDecodingError {
            BGPDecodingError("EVPN route type \(type) of length \(length): \(why)", offset: start, notification: error)
        }
        let route: EVPNRoute
        switch type {
        case 1:
            guard length == 25 else { throw bad("want 25") }
            route = .ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(
                rd: try v.routeDistinguisher(error), esi: try v.esi(error),
                ethernetTag: try v.u32("Ethernet tag", error), label: try v.label(error)))
        case 2:
            guard length >= 33 else { throw bad("too short") }
            let rd = try v.routeDistinguisher(error)
            let esi = try v.esi(error)
            let tag = try v.u32("Ethernet tag", error)
            let macBits = try v.u8("MAC length", error)
            guard macBits == 48 else { throw bad("MAC length \(macBits), want 48") }
            let mac = try v.mac(error)
            let ipBits = try v.u8("IP length", error)
            let ipBytes: Int
            switch ipBits {
            case 0: ipBytes = 0
            case 32: ipBytes = 4
            case 128: ipBytes = 16
            default: throw bad("IP length \(ipBits), want 0, 32 or 128")
            }
            let labels = length - 30 - ipBytes
            guard labels == 3 || labels == 6 else { throw bad("room for \(labels) label bytes") }
            let ip: IPAddress? = ipBytes == 0 ? nil : try v.ip(byteCount: ipBytes, error)
            let label1 = try v.label(error)
            let label2: MPLSLabel? = labels == 6 ? try v.label(error) : nil
            route = .macIPAdvertisement(MACIPAdvertisementRoute(
                rd: rd, esi: esi, ethernetTag: tag, mac: mac, ip: ip, label1: label1, label2: label2))
        case 3:
            let rd = try v.routeDistinguisher(error)
            let tag = try v.u32("Ethernet tag", error)
            let ipBits = try v.u8("IP length", error)
            guard (ipBits == 32 && length == 17) || (ipBits == 128 && length == 29) else { throw bad("IP length \(ipBits)") }
            route = .inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(
                rd: rd, ethernetTag: tag, originatingRouter: try v.ip(byteCount: Int(ipBits / 8), error)))
        case 4:
            let rd = try v.routeDistinguisher(error)
            let esi = try v.esi(error)
            let ipBits = try v.u8("IP length", error)
            guard (ipBits == 32 && length == 23) || (ipBits == 128 && length == 35) else { throw bad("IP length \(ipBits)") }
            route = .ethernetSegment(EthernetSegmentRoute(
                rd: rd, esi: esi, originatingRouter: try v.ip(byteCount: Int(ipBits / 8), error)))
        case 5:
            // The family is told by the total length alone (RFC 9136 §3.1).
            let ipBytes: Int
            switch length {
            case 34: ipBytes = 4
            case 58: ipBytes = 16
            default: throw bad("want 34 or 58")
            }
            let rd = try v.routeDistinguisher(error)
            let esi = try v.esi(error)
            let tag = try v.u32("Ethernet tag", error)
            let prefixLength = try v.u8("IP prefix length", error)
            guard Int(prefixLength) <= ipBytes * 8 else { throw bad("prefix length \(prefixLength)") }
            route = .ipPrefix(IPPrefixRoute(
                rd: rd, esi: esi, ethernetTag: tag,
                prefix: try v.ip(byteCount: ipBytes, error), prefixLength: prefixLength,
                gateway: try v.ip(byteCount: ipBytes, error), label: try v.label(error)))
        default:
            route = .unknown(type: type, value: v.rest())
        }
        guard v.isEmpty else { throw bad("\(v.remaining) bytes left over") }
        return route
    }

    func encode(into b: inout ByteBuffer) {
        b.writeInteger(routeType)
        b.writeLengthPrefixed(as: UInt8.self) { b in
            switch self {
            case .ethernetAutoDiscovery(let r):
                b.write(r.rd); b.write(r.esi); b.writeInteger(r.ethernetTag); b.write(r.label)
            case .macIPAdvertisement(let r):
                b.write(r.rd); b.write(r.esi); b.writeInteger(r.ethernetTag)
                b.writeInteger(UInt8(48)); b.write(r.mac)
                if let ip = r.ip { b.writeInteger(ip.bitLength); b.write(ip) } else { b.writeInteger(UInt8(0)) }
                b.write(r.label1)
                if let l = r.label2 { b.write(l) }
            case .inclusiveMulticastEthernetTag(let r):
                b.write(r.rd); b.writeInteger(r.ethernetTag)
                b.writeInteger(r.originatingRouter.bitLength); b.write(r.originatingRouter)
            case .ethernetSegment(let r):
                b.write(r.rd); b.write(r.esi)
                b.writeInteger(r.originatingRouter.bitLength); b.write(r.originatingRouter)
            case .ipPrefix(let r):
                b.write(r.rd); b.write(r.esi); b.writeInteger(r.ethernetTag)
                b.writeInteger(r.prefixLength); b.write(r.prefix); b.write(r.gateway); b.write(r.label)
            case .unknown(_, let v):
                b.writeBytes(v)
            }
        }
    }
}
