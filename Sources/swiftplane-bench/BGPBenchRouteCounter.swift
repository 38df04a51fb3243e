import NIOCore

/// Counts a receiver's EVPN type-2 routes from raw UPDATE messages without
/// building values: walks the attributes to MP_REACH/MP_UNREACH and reads
/// each NLRI's MAC. Sans-I/O and total: malformed input gives a typed error
/// naming what and where, never a trap.
struct BGPBenchRouteCounter: Sendable {
    struct MalformedUpdate: Error, Equatable, CustomStringConvertible {
        var what: String
        var offset: Int
        var description: String { "malformed UPDATE: \(what) at offset \(offset)" }
    }

    /// Which of the N routes are held now, one bit each (the MAC's low 32 bits).
    private var held: [UInt64]
    let routes: Int
    /// The routes this receiver should end with: all of them, or with
    /// route target constraint those of its tenants (route i is tenant i mod T).
    let goal: Int
    let tenants: Int
    /// With route target constraint: it imports tenants first, first+1, ... (mod T), `imports` of them.
    let firstTenant: Int
    let imports: Int
    private(set) var heldCount = 0
    /// Routes held that belong to a tenant it does not import (route target constraint broken).
    private(set) var unwantedHeld = 0
    /// Every type-2 NLRI seen, duplicates included.
    private(set) var announcedNLRI = 0
    private(set) var withdrawnNLRI = 0
    /// NLRI whose MAC is outside the run's routes.
    private(set) var foreignNLRI = 0
    private(set) var updates = 0

    init(routes: Int, tenants: Int = 0, tenant: Int = 0, imports: Int = 1) {
        self.routes = routes
        self.tenants = tenants
        firstTenant = tenant
        self.imports = tenants == 0 ? 0 : min(imports, tenants)
        goal = tenants == 0 ? routes : (0..<self.imports).reduce(0) { n, j in
            let t = (tenant + j) % tenants
            return n + (routes - t + tenants - 1) / tenants
        }
        held = [UInt64](repeating: 0, count: (routes + 63) / 64)
    }

    /// One whole message, header included; non-UPDATEs are ignored.
    /// Read in place: a thousand receivers count a hundred million NLRI on
    /// the reflector's two cores, so a field costs a load, not a buffer call.
    mutating func count(message m: ByteBuffer) throws(MalformedUpdate) {
        let failure = m.withUnsafeReadableBytes { bytes -> MalformedUpdate? in
            do throws(MalformedUpdate) {
                try count(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    private mutating func count(_ m: UnsafeRawBufferPointer) throws(MalformedUpdate) {
        func u8(_ at: Int, _ what: String) throws(MalformedUpdate) -> Int {
            guard at >= 0, at < m.count else { throw MalformedUpdate(what: what, offset: at) }
            return Int(m[at])
        }
        func u16(_ at: Int, _ what: String) throws(MalformedUpdate) -> Int {
            guard at >= 0, at + 2 <= m.count else { throw MalformedUpdate(what: what, offset: at) }
            return Int(UInt16(bigEndian: m.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        }
        guard try u8(18, "type") == 2 else { return }
        updates += 1
        let end = m.count
        let withdrawnLength = try u16(19, "withdrawn routes length")
        var at = 21 + withdrawnLength
        let attributesLength = try u16(at, "total path attribute length")
        at += 2
        let attributesEnd = at + attributesLength
        guard attributesEnd <= end else { throw MalformedUpdate(what: "path attributes past the end", offset: at) }
        while at < attributesEnd {
            let flags = try u8(at, "attribute flags"), code = try u8(at + 1, "attribute type")
            let extended = flags & 0x10 != 0
            let length = extended ? try u16(at + 2, "attribute length") : try u8(at + 2, "attribute length")
            let value = at + (extended ? 4 : 3)
            guard value + length <= attributesEnd else { throw MalformedUpdate(what: "attribute \(code) past the attributes", offset: at) }
            // Only l2vpn/evpn (AFI 25, SAFI 70): RT membership routes ride the same attributes.
            var evpn = false
            if code == 14 || code == 15 {
                let afi = try u16(value, "AFI"), safi = try u8(value + 2, "SAFI")
                evpn = afi == 25 && safi == 70
            }
            switch code {
            case 14 where evpn:
                let nextHopLength = try u8(value + 3, "next hop length")
                try countNLRI(m, from: value + 5 + nextHopLength, to: value + length, announce: true)
            case 15 where evpn:
                try countNLRI(m, from: value + 3, to: value + length, announce: false)
            default:
                break
            }
            at = value + length
        }
    }

    private mutating func countNLRI(_ m: UnsafeRawBufferPointer, from: Int, to end: Int, announce: Bool) throws(MalformedUpdate) {
        var at = from
        guard at <= end else { throw MalformedUpdate(what: "NLRI start past the attribute", offset: at) }
        while at < end {
            guard at + 2 <= end else { throw MalformedUpdate(what: "EVPN NLRI header", offset: at) }
            let type = m[at], length = Int(m[at + 1])
            let value = at + 2
            guard value + length <= end else { throw MalformedUpdate(what: "EVPN NLRI past the attribute", offset: at) }
            // Type 2: RD 8, ESI 10, tag 4, MAC length 1, then the MAC.
            if type == 2 {
                guard length >= 29 else { throw MalformedUpdate(what: "MAC/IP route too short", offset: at) }
                record(Int(UInt32(bigEndian: m.loadUnaligned(fromByteOffset: value + 25, as: UInt32.self))), announce: announce)
            }
            at = value + length
        }
    }

    /// Whether route `index` belongs to a tenant this receiver imports.
    func wanted(_ index: Int) -> Bool {
        tenants == 0 || ((index % tenants) - firstTenant + tenants) % tenants < imports
    }

    /// It holds exactly its routes: all it should, none it should not.
    var isExact: Bool { heldCount == goal && unwantedHeld == 0 }
    /// It holds nothing.
    var isEmpty: Bool { heldCount == 0 && unwantedHeld == 0 }

    private mutating func record(_ index: Int, announce: Bool) {
        if announce { announcedNLRI += 1 } else { withdrawnNLRI += 1 }
        guard index < routes else { foreignNLRI += 1; return }
        let word = index >> 6, bit = UInt64(1) << UInt64(index & 63)
        let had = held[word] & bit != 0
        let delta = announce && !had ? 1 : !announce && had ? -1 : 0
        if announce { held[word] |= bit } else { held[word] &= ~bit }
        if wanted(index) { heldCount += delta } else { unwantedHeld += delta }
    }
}
