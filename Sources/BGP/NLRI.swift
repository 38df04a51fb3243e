import NIOCore

/// What one NLRI names: a destination of some address family.
public enum Route: Hashable, Sendable {
    case ipv4(IPv4Prefix)
    case ipv6(IPv6Prefix)
    case evpn(EVPNRoute)
    /// RFC 4684: which route targets the sender imports.
    case routeTargetMembership(RouteTargetMembershipNLRI)
    /// The whole NLRI field of a family this codec does not parse, kept as
    /// sent so it can be passed on.
    case opaque([UInt8])
}

/// One NLRI with its add-path identifier (RFC 7911), when the session
/// negotiated one for its family. Hashable: the key of a RIB.
public struct NLRI: Hashable, Sendable {
    public var pathID: UInt32?
    public var route: Route
    public init(_ route: Route, pathID: UInt32? = nil) { self.route = route; self.pathID = pathID }

    public static func ipv4(_ p: IPv4Prefix, pathID: UInt32? = nil) -> NLRI { NLRI(.ipv4(p), pathID: pathID) }
    public static func ipv6(_ p: IPv6Prefix, pathID: UInt32? = nil) -> NLRI { NLRI(.ipv6(p), pathID: pathID) }
    public static func evpn(_ r: EVPNRoute, pathID: UInt32? = nil) -> NLRI { NLRI(.evpn(r), pathID: pathID) }

    public static func routeTargetMembership(_ m: RouteTargetMembershipNLRI, pathID: UInt32? = nil) -> NLRI {
        NLRI(.routeTargetMembership(m), pathID: pathID)
    }

    /// The NLRI with the fields outside its route key cleared (only EVPN
    /// routes have such fields): what a RIB compares. A re-announcement with
    /// the same key replaces the route; a withdrawal names it by its key.
    public var key: NLRI {
        guard case .evpn(let r) = route else { return self }
        return NLRI(.evpn(r.key), pathID: pathID)
    }

    /// Whether both name the same destination (their keys are equal).
    public func sameKey(as other: NLRI) -> Bool {
        switch (route, other.route) {
        case (.evpn(.macIPAdvertisement(let a)), .evpn(.macIPAdvertisement(let b))):
            // The common case, field by field: no key built.
            pathID == other.pathID && a.rd == b.rd && a.mac == b.mac && a.ip == b.ip && a.ethernetTag == b.ethernetTag
        case (.evpn(let a), .evpn(let b)): pathID == other.pathID && a.key == b.key
        default: self == other
        }
    }

    /// Octets it takes on the wire (RFC 4271 §4.3, RFC 7911, RFC 7432 §7, RFC 9136 §3.1).
    public var wireLength: Int {
        let id = pathID == nil ? 0 : 4
        switch route {
        case .ipv4(let p): return id + 1 + (Int(p.length) + 7) / 8
        case .ipv6(let p): return id + 1 + (Int(p.length) + 7) / 8
        case .opaque(let bytes): return id + bytes.count
        case .routeTargetMembership(let m): return id + 1 + (Int(m.length) + 7) / 8
        case .evpn(let r): return id + 2 + r.valueLength
        }
    }

    public var evpn: EVPNRoute? { if case .evpn(let r) = route { r } else { nil } }
    public var routeTargetMembership: RouteTargetMembershipNLRI? {
        if case .routeTargetMembership(let m) = route { m } else { nil }
    }

    /// Decodes an NLRI field of `family` until the reader is empty.
    static func decodeList(
        _ r: inout WireReader, family: AddressFamily, addPath: Bool
    ) throws(BGPDecodingError) -> [NLRI] {
        var out: [NLRI] = []
        switch family {
        case .ipv4Unicast, .ipv6Unicast, .l2vpnEVPN, .routeTargetConstraint: break
        default:
            return r.isEmpty ? [] : [NLRI(.opaque(r.rest()))]
        }
        // Bounded by the bytes present: every NLRI is at least 2 bytes.
        out.reserveCapacity(family == .l2vpnEVPN ? r.remaining / 24 : r.remaining / 2)
        if family == .l2vpnEVPN {
            // The well-formed routes straight from the bytes; whatever stops
            // that (an error) is read again below, field by field, to be named.
            let taken = r.buffer.withUnsafeReadableBytes { EVPNRoute.decodeWellFormed($0, addPath: addPath, into: &out) }
            r.uncheckedSkip(taken)
        }
        while !r.isEmpty {
            let id: UInt32? = addPath ? try r.u32("add-path identifier") : nil
            switch family {
            case .ipv4Unicast: out.append(NLRI(.ipv4(try r.ipv4Prefix()), pathID: id))
            case .ipv6Unicast: out.append(NLRI(.ipv6(try r.ipv6Prefix()), pathID: id))
            case .routeTargetConstraint: out.append(NLRI(.routeTargetMembership(try RouteTargetMembershipNLRI.decode(&r)), pathID: id))
            default: out.append(NLRI(.evpn(try EVPNRoute.decode(&r)), pathID: id))
            }
        }
        return out
    }

    /// The NLRI of `family` in `bytes`, as `encode` writes them (each with
    /// its add-path identifier when `addPath`): for a store that keeps NLRI
    /// as their wire form.
    public static func decode(_ bytes: ByteBuffer, family: AddressFamily, addPath: Bool) throws(BGPDecodingError) -> [NLRI] {
        var r = WireReader(bytes, notification: Notification(.updateMessage(.invalidNetworkField)))
        return try decodeList(&r, family: family, addPath: addPath)
    }

    /// Appends its wire form (`wireLength` octets).
    public func encode(into b: inout ByteBuffer) {
        if let id = pathID { b.writeInteger(id) }
        switch route {
        case .ipv4(let p): b.write(p)
        case .ipv6(let p): b.write(p)
        case .evpn(let e): e.encode(into: &b)
        case .routeTargetMembership(let m): m.encode(into: &b)
        case .opaque(let bytes): b.writeBytes(bytes)
        }
    }
}
