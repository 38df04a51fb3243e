import NIOCore

/// Graceful restart capability (RFC 4724 §3).
public struct GracefulRestart: Hashable, Sendable {
    public struct Family: Hashable, Sendable {
        public var family: AddressFamily
        /// Bit 0x80: forwarding state preserved.
        public var flags: UInt8
        public init(_ family: AddressFamily, flags: UInt8 = 0) { self.family = family; self.flags = flags }
        public var forwardingStatePreserved: Bool { flags & 0x80 != 0 }
    }
    /// The four high bits: 0x8 restart state, 0x4 notification (RFC 8538).
    public var flags: UInt8
    /// Seconds, 12 bits.
    public var restartTime: UInt16
    public var families: [Family]
    public init(flags: UInt8 = 0, restartTime: UInt16, families: [Family]) {
        self.flags = flags & 0xf; self.restartTime = restartTime & 0xfff; self.families = families
    }
    public var restartState: Bool { flags & 0x8 != 0 }
    public var notification: Bool { flags & 0x4 != 0 }
}

/// Add-path capability entry (RFC 7911 §4).
public struct AddPathFamily: Hashable, Sendable {
    public struct Mode: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let receive = Mode(rawValue: 1)
        public static let send = Mode(rawValue: 2)
    }
    public var family: AddressFamily
    public var mode: Mode
    public init(_ family: AddressFamily, mode: Mode) { self.family = family; self.mode = mode }
}

/// Long-lived graceful restart capability entry (RFC 9494 §3).
public struct LongLivedGracefulRestartFamily: Hashable, Sendable {
    public var family: AddressFamily
    /// Bit 0x80: forwarding state preserved.
    public var flags: UInt8
    /// Seconds, 24 bits.
    public var staleTime: UInt32
    public init(_ family: AddressFamily, flags: UInt8 = 0, staleTime: UInt32) {
        self.family = family; self.flags = flags; self.staleTime = staleTime & 0xff_ffff
    }
}

/// Extended next hop capability entry (RFC 8950 §3): NLRI of this family may
/// have a next hop of `nextHopAFI`.
public struct ExtendedNextHop: Hashable, Sendable {
    public var nlriAFI: AFI
    /// Two octets here, unlike elsewhere.
    public var nlriSAFI: UInt16
    public var nextHopAFI: AFI
    public init(nlriAFI: AFI, nlriSAFI: UInt16, nextHopAFI: AFI) {
        self.nlriAFI = nlriAFI; self.nlriSAFI = nlriSAFI; self.nextHopAFI = nextHopAFI
    }
}

/// A capability in an OPEN (RFC 5492). Unknown codes are kept as their bytes.
public enum Capability: Hashable, Sendable {
    case multiprotocol(AddressFamily)  // 1, RFC 4760
    case routeRefresh  // 2, RFC 2918
    case extendedNextHop([ExtendedNextHop])  // 5, RFC 8950
    case extendedMessage  // 6, RFC 8654
    case gracefulRestart(GracefulRestart)  // 64, RFC 4724
    case fourOctetAS(UInt32)  // 65, RFC 6793
    case addPath([AddPathFamily])  // 69, RFC 7911
    case enhancedRouteRefresh  // 70, RFC 7313
    case longLivedGracefulRestart([LongLivedGracefulRestartFamily])  // 71
    case fqdn(hostname: String, domain: String)  // 73, draft-walton-bgp-hostname-capability
    case unknown(code: UInt8, value: [UInt8])

    public var code: UInt8 {
        switch self {
        case .multiprotocol: 1
        case .routeRefresh: 2
        case .extendedNextHop: 5
        case .extendedMessage: 6
        case .gracefulRestart: 64
        case .fourOctetAS: 65
        case .addPath: 69
        case .enhancedRouteRefresh: 70
        case .longLivedGracefulRestart: 71
        case .fqdn: 73
        case .unknown(let c, _): c
        }
    }

    static func decode(code: UInt8, _ v: inout WireReader) throws(BGPDecodingError) -> Capability {
        v.notification = Notification(.openMessage(.unspecific))
        let length = v.remaining
        func bad() -> BGPDecodingError { v.invalid("capability \(code) of length \(length)") }
        func family(_ r: inout WireReader) throws(BGPDecodingError) -> AddressFamily {
            let afi = AFI(rawValue: try r.u16("AFI"))
            return AddressFamily(afi: afi, safi: SAFI(rawValue: try r.u8("SAFI")))
        }
        let capability: Capability
        switch code {
        case 1:
            guard length == 4 else { throw bad() }
            let raw = try v.bytes(4, "multiprotocol")
            // The reserved octet must be zero to write back the same bytes.
            guard raw[2] == 0 else { return .unknown(code: code, value: raw) }
            capability = .multiprotocol(AddressFamily(afi: AFI(rawValue: UInt16(raw[0]) << 8 | UInt16(raw[1])), safi: SAFI(rawValue: raw[3])))
        case 2, 6, 70:
            guard length == 0 else { throw bad() }
            capability = code == 2 ? .routeRefresh : code == 6 ? .extendedMessage : .enhancedRouteRefresh
        case 5:
            guard length % 6 == 0 else { throw bad() }
            var out: [ExtendedNextHop] = []
            while !v.isEmpty {
                out.append(ExtendedNextHop(nlriAFI: AFI(rawValue: try v.u16("AFI")), nlriSAFI: try v.u16("SAFI"),
                                           nextHopAFI: AFI(rawValue: try v.u16("AFI"))))
            }
            capability = .extendedNextHop(out)
        case 64:
            guard length >= 2, (length - 2) % 4 == 0 else { throw bad() }
            let head = try v.u16("restart flags and time")
            var families: [GracefulRestart.Family] = []
            while !v.isEmpty {
                families.append(GracefulRestart.Family(try family(&v), flags: try v.u8("AF flags")))
            }
            capability = .gracefulRestart(GracefulRestart(flags: UInt8(head >> 12), restartTime: head & 0xfff, families: families))
        case 65:
            guard length == 4 else { throw bad() }
            capability = .fourOctetAS(try v.u32("AS"))
        case 69:
            guard length % 4 == 0 else { throw bad() }
            var out: [AddPathFamily] = []
            while !v.isEmpty { out.append(AddPathFamily(try family(&v), mode: .init(rawValue: try v.u8("send/receive")))) }
            capability = .addPath(out)
        case 71:
            guard length % 7 == 0 else { throw bad() }
            var out: [LongLivedGracefulRestartFamily] = []
            while !v.isEmpty {
                let f = try family(&v)
                let flags = try v.u8("flags")
                out.append(LongLivedGracefulRestartFamily(f, flags: flags, staleTime: try v.u24("stale time")))
            }
            capability = .longLivedGracefulRestart(out)
        case 73:
            let hl = Int(try v.u8("hostname length"))
            let host = try v.bytes(hl, "hostname")
            let dl = Int(try v.u8("domain length"))
            let domain = try v.bytes(dl, "domain name")
            guard v.isEmpty else { throw bad() }
            // Names that are not UTF-8 stay bytes, so they are written back unchanged.
            guard let h = String(validating: host, as: UTF8.self), let d = String(validating: domain, as: UTF8.self) else {
                return .unknown(code: code, value: [UInt8(hl)] + host + [UInt8(dl)] + domain)
            }
            capability = .fqdn(hostname: h, domain: d)
        default:
            return .unknown(code: code, value: v.rest())
        }
        guard v.isEmpty else { throw bad() }
        return capability
    }

    func encode(into b: inout ByteBuffer) {
        b.writeInteger(code)
        b.writeLengthPrefixed(as: UInt8.self) { b in
            func family(_ f: AddressFamily) { b.writeInteger(f.afi.rawValue); b.writeInteger(f.safi.rawValue) }
            switch self {
            case .multiprotocol(let f): b.writeInteger(f.afi.rawValue); b.writeInteger(UInt8(0)); b.writeInteger(f.safi.rawValue)
            case .routeRefresh, .extendedMessage, .enhancedRouteRefresh: break
            case .extendedNextHop(let l): for e in l { b.writeInteger(e.nlriAFI.rawValue); b.writeInteger(e.nlriSAFI); b.writeInteger(e.nextHopAFI.rawValue) }
            case .gracefulRestart(let g):
                b.writeInteger(UInt16(g.flags & 0xf) << 12 | g.restartTime & 0xfff)
                for f in g.families { family(f.family); b.writeInteger(f.flags) }
            case .fourOctetAS(let a): b.writeInteger(a)
            case .addPath(let l): for e in l { family(e.family); b.writeInteger(e.mode.rawValue) }
            case .longLivedGracefulRestart(let l): for e in l { family(e.family); b.writeInteger(e.flags); b.writeUInt24(e.staleTime) }
            case .fqdn(let h, let d):
                let hb = Array(h.utf8.prefix(255)), db = Array(d.utf8.prefix(255))
                b.writeInteger(UInt8(hb.count)); b.writeBytes(hb); b.writeInteger(UInt8(db.count)); b.writeBytes(db)
            case .unknown(_, let v): b.writeBytes(v)
            }
        }
    }
}
