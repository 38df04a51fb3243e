import BGP

/// The route targets one peer imports, from the RT membership routes it
/// sent (RFC 4684): the EVPN routes sent to a peer that negotiated the
/// family are only those this admits. Kept up to date path by path, so a
/// change of membership costs no scan of the peer's routes.
public struct RouteTargetMembership: Hashable, Sendable {
    /// The families RFC 4684 constrains here: the VPN family of the overlay.
    public static let constrainedFamilies: Set<AddressFamily> = [.l2vpnEVPN]

    /// Routes that admit every route target: the default (length 0) and
    /// those of length 32 (an origin AS with no route target bits).
    private var wildcards = 0
    /// Full-length memberships by route target, counted: two origin ASes may name the same one.
    private var exact: [UInt64: Int] = [:]
    /// Memberships of part of a route target (33-95 bits): rare, matched one by one.
    private var partial: [RouteTargetMembershipNLRI] = []

    public init() {}

    public init(_ routes: [RouteTargetMembershipNLRI]) {
        for r in routes { insert(r) }
    }

    public var isEmpty: Bool { wildcards == 0 && exact.isEmpty && partial.isEmpty }
    /// It admits routes beyond its whole route targets (a wildcard or part of one).
    var isBroad: Bool { wildcards > 0 || !partial.isEmpty }
    /// Its whole route targets (their 64 bits).
    var exactTargets: Dictionary<UInt64, Int>.Keys { exact.keys }

    public mutating func insert(_ m: RouteTargetMembershipNLRI) {
        switch m.length {
        case 0, 32: wildcards += 1
        case 96: exact[m.routeTarget, default: 0] += 1
        default: partial.append(m)
        }
    }

    public mutating func remove(_ m: RouteTargetMembershipNLRI) {
        switch m.length {
        case 0, 32: wildcards = max(0, wildcards - 1)
        case 96:
            let n = (exact[m.routeTarget] ?? 0) - 1
            exact[m.routeTarget] = n > 0 ? n : nil
        default:
            if let k = partial.firstIndex(of: m) { partial.remove(at: k) }
        }
    }

    /// What it covers, for people: "all" for a wildcard, else each route
    /// target ("65000:10") or partial prefix, sorted.
    public var members: [String] {
        if wildcards > 0 { return ["all"] }
        let targets = exact.keys.map { raw -> String in
            if case .routeTarget(let t) = ExtendedCommunity(rawValue: raw) { return "\(t)" }
            return String(raw, radix: 16)
        }
        return (targets + partial.map(\.description)).sorted()
    }

    /// Whether a route carrying these route targets is wanted: one of them
    /// is a member (a route with none is wanted only under a wildcard).
    public func admits(_ targets: [RouteTarget]) -> Bool {
        if wildcards > 0 { return true }
        return targets.contains { t in
            exact[ExtendedCommunity.routeTarget(t).rawValue] != nil || partial.contains { $0.matches(t) }
        }
    }

    /// The routes that announce `memberships` from this speaker: ORIGIN IGP,
    /// an empty AS_PATH and LOCAL_PREF 100 (iBGP), next hop our address.
    public static func routes(_ memberships: [RouteTargetMembershipNLRI], nextHop: IPv4Address) -> [NLRI: RouteAttributes] {
        let attributes = RouteAttributes(
            attributes: PathAttributes([PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100))]),
            nextHop: IPAddress.v4(nextHop).bytes)
        return Dictionary(memberships.map { (NLRI.routeTargetMembership($0), attributes) }, uniquingKeysWith: { first, _ in first })
    }
}
