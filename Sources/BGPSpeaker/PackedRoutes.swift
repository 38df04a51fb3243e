import BGP
import NIOCore

/// One NLRI as the RIB keeps it: plain bytes, so copying, comparing or
/// dropping one costs no reference counting. The shapes of an EVPN table
/// (route types 1 to 5) and IPv4, IPv6 and RT membership prefixes sit
/// inline as their wire form (RFC 7432 §7, RFC 9136 §3.1, RFC 4760 §5,
/// RFC 4684 §4) with the add-path identifier beside it; any other (an
/// unknown EVPN route type, opaque NLRI, a prefix whose address has bits
/// past its length) is kept out of line and named by its slot there.
struct PackedNLRI: BitwiseCopyable, Equatable {
    typealias Octets = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// Octets of wire form held inline: the longest EVPN route (type 5 over IPv6) takes 60.
    static let capacity = 64

    enum Kind: UInt8, BitwiseCopyable {
        case free, ipv4, ipv6, evpn, routeTargetMembership, outOfLine
    }

    /// The wire form, zero-padded (out of line: the slot in `octets.0`).
    var octets: Octets = (0, 0, 0, 0, 0, 0, 0, 0)
    var pathID: UInt32 = 0
    /// Octets of `octets` in use.
    var length: UInt8 = 0
    var kind = Kind.free
    var hasPathID = false

    init(kind: Kind = .free) { self.kind = kind }

    static func == (a: PackedNLRI, b: PackedNLRI) -> Bool {
        a.kind == b.kind && a.length == b.length && a.hasPathID == b.hasPathID && a.pathID == b.pathID
            && a.octets.0 == b.octets.0 && a.octets.1 == b.octets.1 && a.octets.2 == b.octets.2 && a.octets.3 == b.octets.3
            && a.octets.4 == b.octets.4 && a.octets.5 == b.octets.5 && a.octets.6 == b.octets.6 && a.octets.7 == b.octets.7
    }

    /// A MAC/IP advertisement (EVPN type 2) inline: the common case, read field by field.
    var isMACIP: Bool { kind == .evpn && UInt8(truncatingIfNeeded: octets.0) == 2 }

    @inline(__always)
    func u64(at offset: Int) -> UInt64 {
        withUnsafeBytes(of: octets) { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }

    @inline(__always)
    func u8(at offset: Int) -> UInt8 { withUnsafeBytes(of: octets) { $0[offset] } }

    /// A type 2 route's key fields, read at their fixed offsets (RFC 7432
    /// §7.2: type, length, RD, ESI, Ethernet tag, MAC length, MAC, IP length, IP).
    var macIPKey: MACIPKey {
        let ip: (UInt64, UInt64)? = switch u8(at: 31) {
        case 32: (u64(at: 32) >> 32 | 1 << 32, 0)
        case 128: (u64(at: 32), u64(at: 40))
        default: nil
        }
        return MACIPKey(rd: u64(at: 2), ethernetTag: UInt32(truncatingIfNeeded: u64(at: 20) >> 32),
                        mac: u64(at: 25) >> 16, ip: ip ?? (0, 0), pathID: hasPathID ? UInt64(pathID) | 1 << 32 : 0)
    }
}

/// What names a MAC/IP advertisement in a RIB (RFC 7432 §7.2: RD, Ethernet
/// tag, MAC and IP; not the ESI nor the labels), and the add-path identifier.
/// The IP: an IPv4 address with bit 32 set, an IPv6 address in two halves, or zeros.
struct MACIPKey: Equatable {
    var rd: UInt64
    var ethernetTag: UInt32
    var mac: UInt64
    var ip: (UInt64, UInt64)
    var pathID: UInt64

    init(rd: UInt64, ethernetTag: UInt32, mac: UInt64, ip: (UInt64, UInt64), pathID: UInt64) {
        self.rd = rd; self.ethernetTag = ethernetTag; self.mac = mac; self.ip = ip; self.pathID = pathID
    }

    init(_ r: MACIPAdvertisementRoute, pathID: UInt32?) {
        let ip: (UInt64, UInt64) = switch r.ip {
        case .v4(let a)?: (UInt64(a.rawValue) | 1 << 32, 0)
        case .v6(let a)?: (a.high, a.low)
        case nil: (0, 0)
        }
        self.init(rd: r.rd.rawValue, ethernetTag: r.ethernetTag, mac: r.mac.rawValue, ip: ip,
                  pathID: pathID.map { UInt64($0) | 1 << 32 } ?? 0)
    }

    static func == (a: MACIPKey, b: MACIPKey) -> Bool {
        a.rd == b.rd && a.mac == b.mac && a.ethernetTag == b.ethernetTag && a.ip.0 == b.ip.0 && a.ip.1 == b.ip.1 && a.pathID == b.pathID
    }

    /// Two multiplications, keyed by `seed` (random per RIB, so a peer cannot aim collisions at it).
    func hash(seed: (UInt64, UInt64, UInt64)) -> UInt32 {
        func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let m = a.multipliedFullWidth(by: b)
            return m.high ^ m.low
        }
        let h = mix(mix(rd ^ seed.0, mac ^ UInt64(ethernetTag) << 48 ^ seed.1) ^ ip.0, ip.1 ^ pathID ^ seed.2)
        return UInt32(truncatingIfNeeded: h ^ h >> 32)
    }
}

/// The RIB's NLRI by route index, packed (`PackedNLRI`): the table a
/// withdrawal looks routes up in and the plans write UPDATEs from.
struct PackedRoutes: Sendable {
    typealias RouteIndex = UInt32
    private var slots: [PackedNLRI] = []
    /// The NLRI that do not pack, and the free places among them.
    private var outOfLine: [NLRI?] = []
    private var freeOutOfLine: [Int] = []
    /// Where NLRI are encoded before they are packed (kept for its capacity).
    private var scratch = ByteBuffer()

    var count: Int { slots.count }
    /// NLRI kept out of line (for tests: the common shapes never are).
    var outOfLineCount: Int { outOfLine.count - freeOutOfLine.count }

    /// The NLRI at `i`, unpacked; nil while the index is free.
    subscript(i: RouteIndex) -> NLRI? { Self.unpack(slots[Int(i)], outOfLine) }

    func isFree(_ i: RouteIndex) -> Bool { slots[Int(i)].kind == .free }

    /// Stores `nlri` at `i` (one past the last appends), or frees the index.
    mutating func set(_ i: RouteIndex, _ nlri: NLRI?) {
        let k = Int(i)
        if k < slots.count, slots[k].kind == .outOfLine {
            let o = Int(slots[k].octets.0)
            outOfLine[o] = nil
            freeOutOfLine.append(o)
        }
        var p = PackedNLRI()
        if let nlri {
            p = pack(nlri)
            if p.kind == .outOfLine {
                let o: Int
                if let reused = freeOutOfLine.popLast() { o = reused; outOfLine[o] = nlri } else { o = outOfLine.count; outOfLine.append(nlri) }
                p.octets.0 = UInt64(o)
            }
        }
        if k == slots.count { slots.append(p) } else { slots[k] = p }
    }

    /// Whether `i` holds exactly `nlri` (key and every other field).
    mutating func holds(_ i: RouteIndex, exactly nlri: NLRI) -> Bool {
        let s = slots[Int(i)]
        if s.kind == .outOfLine { return outOfLine[Int(s.octets.0)] == nlri }
        return pack(nlri) == s
    }

    func family(_ i: RouteIndex) -> AddressFamily? {
        switch slots[Int(i)].kind {
        case .free: nil
        case .ipv4: .ipv4Unicast
        case .ipv6: .ipv6Unicast
        case .evpn: .l2vpnEVPN
        case .routeTargetMembership: .routeTargetConstraint
        case .outOfLine: outOfLine[Int(slots[Int(i)].octets.0)]?.family
        }
    }

    /// Octets `encode` writes; nil while the index is free.
    func wireLength(_ i: RouteIndex) -> Int? {
        let s = slots[Int(i)]
        switch s.kind {
        case .free: return nil
        case .outOfLine: return outOfLine[Int(s.octets.0)]?.wireLength
        default: return Int(s.length) + (s.hasPathID ? 4 : 0)
        }
    }

    /// Appends the wire form of the NLRI at `i` (as `NLRI.encode` does): its bytes, as they are.
    func encode(_ i: RouteIndex, into b: inout ByteBuffer) {
        let s = slots[Int(i)]
        switch s.kind {
        case .free: return
        case .outOfLine: outOfLine[Int(s.octets.0)]?.encode(into: &b)
        default:
            if s.hasPathID { b.writeInteger(s.pathID) }
            _ = withUnsafeBytes(of: s.octets) { b.writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<Int(s.length)])) }
        }
    }

    /// Whether `i` holds a route with `nlri`'s key (`NLRI.sameKey`). A
    /// MAC/IP route is compared field by field on its bytes, unpacked never.
    func sameKey(_ i: RouteIndex, as nlri: NLRI) -> Bool {
        let s = slots[Int(i)]
        if case .evpn(.macIPAdvertisement(let r)) = nlri.route {
            guard s.isMACIP else { return false }
            return s.macIPKey == MACIPKey(r, pathID: nlri.pathID)
        }
        if s.isMACIP { return false }
        return Self.unpack(s, outOfLine)?.sameKey(as: nlri) == true
    }

    /// The key hash of the route at `i`: what `keyHash(nlri)` gives for its NLRI.
    func keyHash(_ i: RouteIndex, seed: (UInt64, UInt64, UInt64)) -> UInt32? {
        let s = slots[Int(i)]
        if s.isMACIP { return s.macIPKey.hash(seed: seed) }
        return Self.unpack(s, outOfLine).map { Self.keyHash($0, seed: seed) }
    }

    /// Destinations are hashed and compared by their key. MAC/IP routes,
    /// nearly all of an EVPN table, are hashed from their key fields in two
    /// multiplications; other routes by the standard library's hasher of their key.
    static func keyHash(_ nlri: NLRI, seed: (UInt64, UInt64, UInt64)) -> UInt32 {
        guard case .evpn(.macIPAdvertisement(let r)) = nlri.route else { return UInt32(truncatingIfNeeded: nlri.key.hashValue) }
        return MACIPKey(r, pathID: nlri.pathID).hash(seed: seed)
    }

    /// The packed form; `.outOfLine` (slot not set) when it does not pack.
    private mutating func pack(_ nlri: NLRI) -> PackedNLRI {
        var p = PackedNLRI()
        p.kind = switch nlri.route {
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        case .routeTargetMembership: .routeTargetMembership
        case .evpn(.unknown), .opaque: .outOfLine
        case .evpn: .evpn
        }
        guard p.kind != .outOfLine else { return p }
        if case .evpn(let r) = nlri.route {
            // Written in place: no buffer between.
            guard 2 + r.valueLength <= PackedNLRI.capacity else { return PackedNLRI(kind: .outOfLine) }
            p.length = UInt8(withUnsafeMutableBytes(of: &p.octets) { r.encode(to: $0) })
        } else {
            scratch.clear()
            NLRI(nlri.route).encode(into: &scratch)
            guard scratch.readableBytes <= PackedNLRI.capacity else { return PackedNLRI(kind: .outOfLine) }
            p.length = UInt8(scratch.readableBytes)
            scratch.withUnsafeReadableBytes { src in
                withUnsafeMutableBytes(of: &p.octets) { $0.copyMemory(from: src) }
            }
        }
        if let id = nlri.pathID {
            p.pathID = id
            p.hasPathID = true
        }
        // Type 2 fields each fill their octets (so the bytes give them back);
        // any other shape is kept inline only if its bytes give it back.
        if !p.isMACIP, Self.unpack(p, []) != nlri { return PackedNLRI(kind: .outOfLine) }
        return p
    }

    private static func unpack(_ s: PackedNLRI, _ outOfLine: [NLRI?]) -> NLRI? {
        let family: AddressFamily
        switch s.kind {
        case .free: return nil
        case .outOfLine: return outOfLine[Int(s.octets.0)]
        case .ipv4: family = .ipv4Unicast
        case .ipv6: family = .ipv6Unicast
        case .evpn: family = .l2vpnEVPN
        case .routeTargetMembership: family = .routeTargetConstraint
        }
        var b = ByteBuffer()
        if s.hasPathID { b.writeInteger(s.pathID) }
        _ = withUnsafeBytes(of: s.octets) { b.writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<Int(s.length)])) }
        guard let all = try? NLRI.decode(b, family: family, addPath: s.hasPathID), all.count == 1 else { return nil }
        return all[0]
    }
}
