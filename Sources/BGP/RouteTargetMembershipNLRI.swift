import NIOCore

/// Route target membership NLRI (RFC 4684 §4), family AFI 1 / SAFI 132:
/// "send me the VPN routes carrying this route target". A prefix of up to
/// 96 bits over the origin AS (4 octets) followed by the route target
/// extended community (8 octets, type first). Length 0 is the default route,
/// membership of every route target; otherwise the length is 32-96, so the
/// origin AS is always whole. Bits past the length are kept as sent, so a
/// decoded NLRI re-encodes to the same bytes.
public struct RouteTargetMembershipNLRI: Hashable, Sendable, CustomStringConvertible {
    /// Prefix length in bits: 0, or 32...96.
    public let length: UInt8
    public let originAS: UInt32
    /// The route target extended community as 64 bits; only its first `length - 32` count.
    public let routeTarget: UInt64

    /// The default route target membership: every route is wanted.
    public static let `default` = RouteTargetMembershipNLRI(validLength: 0, originAS: 0, routeTarget: 0)

    /// Membership of exactly one route target (the full 96 bits).
    public init(originAS: UInt32, routeTarget: RouteTarget) {
        self.init(validLength: 96, originAS: originAS, routeTarget: ExtendedCommunity.routeTarget(routeTarget).rawValue)
    }

    /// Any valid prefix; nil for a length the RFC forbids (1-31, or over 96).
    public init?(length: UInt8, originAS: UInt32, routeTarget: UInt64) {
        guard Self.isValid(length) else { return nil }
        self.init(validLength: length, originAS: originAS, routeTarget: routeTarget)
    }

    private init(validLength: UInt8, originAS: UInt32, routeTarget: UInt64) {
        length = validLength; self.originAS = originAS; self.routeTarget = routeTarget
    }

    static func isValid(_ length: UInt8) -> Bool { length == 0 || (32...96).contains(length) }

    public var isDefault: Bool { length == 0 }

    /// The route target, when the prefix names the whole of one.
    public var target: RouteTarget? {
        guard length == 96, case .routeTarget(let t) = ExtendedCommunity(rawValue: routeTarget) else { return nil }
        return t
    }

    /// Whether a route carrying `target` falls under this membership (RFC
    /// 4684 §4): the default covers all, otherwise the route target's first
    /// `length - 32` bits must be equal. The origin AS plays no part here: it
    /// shapes how membership spreads, not which routes match.
    public func matches(_ target: RouteTarget) -> Bool {
        let bits = Int(length) - 32
        guard bits > 0 else { return true }
        let mask: UInt64 = bits >= 64 ? ~0 : ~(~0 >> UInt64(bits))
        return (ExtendedCommunity.routeTarget(target).rawValue ^ routeTarget) & mask == 0
    }

    /// "default", "65000:65000:10/96", or the hex of a target that is not a route target.
    public var description: String {
        if isDefault { return "default" }
        let rt = target.map { "\($0)" } ?? String(routeTarget, radix: 16)
        return "\(originAS):\(rt)/\(length)"
    }

    static func decode(_ r: inout WireReader) throws(BGPDecodingError) -> RouteTargetMembershipNLRI {
        let at = r.offset
        let p = try r.prefixBits(maxBits: 96)
        guard isValid(p.length) else {
            throw BGPDecodingError("route target membership prefix length \(p.length): must be 0 or 32-96", offset: at, notification: r.notification)
        }
        // The 12 octets sit left-aligned in 128 bits: AS in the first 32, the route target in the next 64.
        return RouteTargetMembershipNLRI(validLength: p.length, originAS: UInt32(truncatingIfNeeded: p.high >> 32),
                                         routeTarget: p.high << 32 | p.low >> 32)
    }

    func encode(into b: inout ByteBuffer) {
        b.writePrefix(high: UInt64(originAS) << 32 | routeTarget >> 32, low: routeTarget << 32, length: length)
    }
}
