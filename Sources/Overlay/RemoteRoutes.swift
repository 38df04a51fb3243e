import BGP
import Interning
import Packets

/// The EVPN routes received from the reflectors, kept per route and
/// imported into this host's tenants as they come and go: one route
/// changed costs work for its (VNI, MAC) alone. `EVPNRoutes.remoteEndpoints`
/// and `EVPNRoutes.floodList` over the whole set are the reference it equals.
public struct RemoteRoutes: Sendable {
    /// What one received route means here.
    enum Import: Hashable, Sendable {
        case macIP(key: EndpointKey, vtep: VTEP, sequence: UInt32, ip: IPAddress?)
        case flood(vni: VNI, vtep: VTEP)
    }

    /// What a change touched: the (VNI, MAC)s whose remote endpoint or
    /// sequence may differ, the tenants whose flood list may, and the routes
    /// refused (with why), which the agent logs and counts.
    public struct Touched: Sendable {
        public var keys: Set<EndpointKey> = []
        public var floodVNIs: Set<VNI> = []
        public var refused: [Refusal] = []

        public init() {}

        public mutating func merge(_ other: Touched) {
            keys.formUnion(other.keys)
            floodVNIs.formUnion(other.floodVNIs)
            refused += other.refused
        }
    }

    /// A received route this host does not import, and why.
    public struct Refusal: Sendable, CustomStringConvertible {
        public var route: EVPNRoute
        public var reason: String
        public var description: String { "\(route): \(reason)" }
    }

    public let instances: [EVPNInstance]
    public let localVTEP: VTEP
    private let tenants: [RouteTarget: VNI]
    /// The imported type-2 routes, under their MAC: one, or a few during a
    /// move (or when tenants' MACs collide). Held compactly: at 100,000
    /// remote endpoints this is most of what the agent keeps per endpoint.
    private var byMAC: [EthernetAddress: OneOrMore<HeldRoute>] = [:]
    private var macIPRouteCount = 0
    /// The imported type-3 routes, by route key (a few per remote VTEP).
    private var floodRoutes: [EVPNRoute: FloodRoute] = [:]
    /// Per tenant, the VTEPs asking for its broadcast traffic, with how many routes ask.
    private var flooding: [VNI: [VTEP: Int]] = [:]
    /// The remote VTEPs the held routes name, each held once (a route
    /// keeps a 4-byte number; a `VTEP` takes 24 bytes).
    private var vteps = InternTable<VTEP>()

    /// An imported type-2 route: what tells it from its MAC's other routes
    /// (its BGP route key without the MAC: RD, Ethernet tag, IP; RFC 7432
    /// section 7.2), and what it means here.
    struct HeldRoute: Hashable, Sendable {
        var rd: RouteDistinguisher
        var ethernetTag: UInt32
        var ip: IPAddress?
        var vni: VNI
        var vtep: InternTable<VTEP>.ID
        var sequence: UInt32

        func isRoute(_ route: MACIPAdvertisementRoute) -> Bool {
            rd == route.rd && ethernetTag == route.ethernetTag && ip == route.ip
        }

        func meaning(mac: EthernetAddress, vteps: InternTable<VTEP>) -> Import {
            .macIP(key: EndpointKey(vni: vni, mac: mac), vtep: vteps[vtep], sequence: sequence, ip: ip)
        }
    }

    /// An imported type-3 route: the tenant and the VTEP asking for its broadcast traffic.
    struct FloodRoute: Hashable, Sendable {
        var vni: VNI
        var vtep: VTEP
    }

    public init(instances: [EVPNInstance], localVTEP: VTEP) {
        self.instances = instances
        self.localVTEP = localVTEP
        tenants = EVPNRoutes.tenantsByTarget(instances)
    }

    /// What a received route means here, or why it is refused (nil reason:
    /// simply not ours, such as another tenant's route or our own).
    func importing(_ path: EVPNPath) -> (Import?, refusal: String?) {
        let vni: VNI
        switch EVPNRoutes.tenant(of: path.attributes, in: tenants) {
        case .none: return (nil, nil)
        case let .one(tenant): vni = tenant
        case let .several(vnis):
            return (nil, "its route targets name several local tenants (VNIs \(vnis.map(\.description).joined(separator: ", "))): imported into none")
        }
        switch path.route {
        case let .macIPAdvertisement(route):
            guard let vtep = path.nextHop.map(VTEP.init), vtep != localVTEP else { return (nil, nil) }
            if let refusal = EVPNRoutes.familyRefusal(vtep, localVTEP: localVTEP) { return (nil, refusal) }
            if route.mac.isMulticast { return (nil, "a group MAC address (\(route.mac)) never becomes a unicast forward flow") }
            return (.macIP(key: EndpointKey(vni: vni, mac: route.mac), vtep: vtep,
                           sequence: EVPNRoutes.mobilitySequence(path.attributes), ip: route.ip), nil)
        case let .inclusiveMulticastEthernetTag(route):
            let vtep = VTEP(path.attributes.pmsiTunnel?.tunnelEndpoint ?? route.originatingRouter)
            guard vtep != localVTEP else { return (nil, nil) }
            if let refusal = EVPNRoutes.familyRefusal(vtep, localVTEP: localVTEP) { return (nil, refusal) }
            return (.flood(vni: vni, vtep: vtep), nil)
        default:
            return (nil, nil)
        }
    }

    public var routeCount: Int { macIPRouteCount + floodRoutes.count }

    /// A route announced (with its path) or withdrawn (nil). Routes are
    /// held by their BGP route key: a route announced again with other
    /// labels replaces the first, and a withdrawal with any label removes it.
    @discardableResult
    public mutating func apply(_ announced: EVPNRoute, _ path: EVPNPath?) -> Touched {
        let route = announced.key
        var touched = Touched()
        forget(route, touched: &touched)
        guard let path else { return touched }
        let (meaning, refusal) = importing(path)
        if let refusal { touched.refused.append(Refusal(route: announced, reason: refusal)) }
        switch (meaning, route) {
        case let (.macIP(key, vtep, sequence, ip)?, .macIPAdvertisement(r)):
            let held = HeldRoute(rd: r.rd, ethernetTag: r.ethernetTag, ip: ip, vni: key.vni, vtep: vteps.intern(vtep), sequence: sequence)
            byMAC[key.mac] = byMAC[key.mac].appending(held)
            macIPRouteCount += 1
            touched.keys.insert(key)
        case let (.flood(vni, vtep)?, _):
            floodRoutes[route] = FloodRoute(vni: vni, vtep: vtep)
            flooding[vni, default: [:]][vtep, default: 0] += 1
            touched.floodVNIs.insert(vni)
        default:
            break
        }
        return touched
    }

    /// What an imported route (by key) means here; nil when not imported.
    private func imported(_ route: EVPNRoute) -> Import? {
        switch route {
        case let .macIPAdvertisement(r):
            byMAC[r.mac]?.first { $0.isRoute(r) }?.meaning(mac: r.mac, vteps: vteps)
        default:
            floodRoutes[route].map { .flood(vni: $0.vni, vtep: $0.vtep) }
        }
    }

    /// Every imported route, by key (for a whole-set replacement).
    private var importedRoutes: [EVPNRoute] {
        var out = Array(floodRoutes.keys)
        for (mac, routes) in byMAC {
            for held in routes {
                out.append(.macIPAdvertisement(MACIPAdvertisementRoute(rd: held.rd, ethernetTag: held.ethernetTag, mac: mac, ip: held.ip,
                                                                       label1: MPLSLabel(rawValue: 0))))
            }
        }
        return out
    }

    /// Makes `paths` the whole set received; returns what changed, and
    /// every route of the set refused (so a reload reports them again).
    @discardableResult
    public mutating func replaceAll(with paths: [EVPNPath]) -> Touched {
        var touched = Touched()
        var incoming: [EVPNRoute: EVPNPath] = [:]
        for path in paths { incoming[path.route.key] = path }
        for route in importedRoutes where incoming[route] == nil { touched.merge(apply(route, nil)) }
        for (route, path) in incoming {
            let (meaning, refusal) = importing(path)
            if imported(route) != meaning || refusal != nil { touched.merge(apply(route, path)) }
        }
        return touched
    }

    /// Takes out the imported route with this key, if any.
    private mutating func forget(_ route: EVPNRoute, touched: inout Touched) {
        switch route {
        case let .macIPAdvertisement(r):
            guard let routes = byMAC[r.mac], let held = routes.first(where: { $0.isRoute(r) }) else { return }
            byMAC[r.mac] = routes.removing(held)
            macIPRouteCount -= 1
            vteps.release(held.vtep)
            touched.keys.insert(EndpointKey(vni: held.vni, mac: r.mac))
        default:
            guard let old = floodRoutes.removeValue(forKey: route) else { return }
            let n = (flooding[old.vni]?[old.vtep] ?? 1) - 1
            flooding[old.vni]?[old.vtep] = n > 0 ? n : nil
            if flooding[old.vni]?.isEmpty == true { flooding[old.vni] = nil }
            touched.floodVNIs.insert(old.vni)
        }
    }

    /// The routes of a (VNI, MAC).
    private func routes(_ key: EndpointKey) -> [HeldRoute] {
        guard let routes = byMAC[key.mac] else { return [] }
        return routes.filter { $0.vni == key.vni }
    }

    /// The remote endpoint of a (VNI, MAC): where several VTEPs advertise
    /// it (a move in progress), the highest MAC mobility sequence wins, then
    /// the lowest VTEP address (RFC 7432 section 15.1).
    public func endpoint(_ key: EndpointKey) -> Endpoint? {
        let routes = routes(key)
        var sequences: [InternTable<VTEP>.ID: UInt32] = [:]
        for route in routes { sequences[route.vtep] = max(sequences[route.vtep] ?? 0, route.sequence) }
        // "Smaller" loses: a lower sequence, or the same and a higher address.
        guard let vtep = sequences.max(by: { ($0.value, vteps[$1.key]) < ($1.value, vteps[$0.key]) })?.key else { return nil }
        var ipv4: Set<IPv4Address> = []
        var ipv6: Set<IPv6Address> = []
        for route in routes where route.vtep == vtep {
            switch route.ip {
            case let .v4(address)?: ipv4.insert(address)
            case let .v6(address)?: ipv6.insert(address)
            case nil: break
            }
        }
        return Endpoint(vni: key.vni, mac: key.mac, ipv4: ipv4.sorted(), ipv6: ipv6.sorted(), location: .remote(vtep: vteps[vtep]))
    }

    /// The highest MAC mobility sequence any remote VTEP advertises for the MAC.
    public func sequence(_ key: EndpointKey) -> UInt32? {
        routes(key).map(\.sequence).max()
    }

    /// The VTEPs that sent a type-3 route for the tenant, in order.
    public func floodList(_ vni: VNI) -> [VTEP] { (flooding[vni] ?? [:]).keys.sorted() }

    /// Every (VNI, MAC) some remote VTEP advertises.
    public var keys: Set<EndpointKey> {
        var out: Set<EndpointKey> = []
        for (mac, routes) in byMAC { for route in routes { out.insert(EndpointKey(vni: route.vni, mac: mac)) } }
        return out
    }

    /// Every remote endpoint, sorted (for views; a scan of the whole set).
    public var endpoints: [Endpoint] { keys.sorted().compactMap(endpoint) }
}
