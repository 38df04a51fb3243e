import BGP
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
    /// By route key (`EVPNRoute.key`).
    private var imported: [EVPNRoute: Import] = [:]
    /// The type-2 routes of each (VNI, MAC), by route key: one, or a few during a move.
    private var byKey: [EndpointKey: OneOrMore<EVPNRoute>] = [:]
    /// The (VNI, MAC)s whose routes carry each (VNI, IP): the agent answers
    /// address resolution for remote IPs without a scan of every route.
    private var holders: [TenantAddress: OneOrMore<EndpointKey>] = [:]
    /// Per tenant, the VTEPs asking for its broadcast traffic, with how many routes ask.
    private var flooding: [VNI: [VTEP: Int]] = [:]

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

    public var routeCount: Int { imported.count }

    /// A route announced (with its path) or withdrawn (nil). Routes are
    /// held by their BGP route key: a route announced again with other
    /// labels replaces the first, and a withdrawal with any label removes it.
    @discardableResult
    public mutating func apply(_ announced: EVPNRoute, _ path: EVPNPath?) -> Touched {
        let route = announced.key
        var touched = Touched()
        if let old = imported.removeValue(forKey: route) { forget(old, route: route, touched: &touched) }
        guard let path else { return touched }
        let (meaning, refusal) = importing(path)
        if let refusal { touched.refused.append(Refusal(route: announced, reason: refusal)) }
        if let new = meaning {
            imported[route] = new
            switch new {
            case let .macIP(key, _, _, ip):
                byKey[key] = byKey[key].appending(route)
                if let ip {
                    let address = TenantAddress(vni: key.vni, ip: ip)
                    holders[address] = holders[address].appending(key)
                }
                touched.keys.insert(key)
            case let .flood(vni, vtep):
                flooding[vni, default: [:]][vtep, default: 0] += 1
                touched.floodVNIs.insert(vni)
            }
        }
        return touched
    }

    /// Makes `paths` the whole set received; returns what changed, and
    /// every route of the set refused (so a reload reports them again).
    @discardableResult
    public mutating func replaceAll(with paths: [EVPNPath]) -> Touched {
        var touched = Touched()
        var incoming: [EVPNRoute: EVPNPath] = [:]
        for path in paths { incoming[path.route.key] = path }
        for route in Array(imported.keys) where incoming[route] == nil { touched.merge(apply(route, nil)) }
        for (route, path) in incoming {
            let (meaning, refusal) = importing(path)
            if imported[route] != meaning || refusal != nil { touched.merge(apply(route, path)) }
        }
        return touched
    }

    private mutating func forget(_ old: Import, route: EVPNRoute, touched: inout Touched) {
        switch old {
        case let .macIP(key, _, _, ip):
            byKey[key] = byKey[key]?.removing(route)
            if let ip {
                let address = TenantAddress(vni: key.vni, ip: ip)
                holders[address] = holders[address]?.removing(key)
            }
            touched.keys.insert(key)
        case let .flood(vni, vtep):
            let n = (flooding[vni]?[vtep] ?? 1) - 1
            flooding[vni]?[vtep] = n > 0 ? n : nil
            if flooding[vni]?.isEmpty == true { flooding[vni] = nil }
            touched.floodVNIs.insert(vni)
        }
    }

    /// The remote endpoint of a (VNI, MAC): where several VTEPs advertise
    /// it (a move in progress), the highest MAC mobility sequence wins, then
    /// the lowest VTEP address (RFC 7432 section 15.1).
    public func endpoint(_ key: EndpointKey) -> Endpoint? {
        guard let routes = byKey[key] else { return nil }
        var sequences: [VTEP: UInt32] = [:]
        for route in routes {
            guard case let .macIP(_, vtep, sequence, _)? = imported[route] else { continue }
            sequences[vtep] = max(sequences[vtep] ?? 0, sequence)
        }
        // "Smaller" loses: a lower sequence, or the same and a higher address.
        guard let vtep = sequences.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { return nil }
        var ipv4: Set<IPv4Address> = []
        var ipv6: Set<IPv6Address> = []
        for route in routes {
            guard case let .macIP(_, from, _, ip)? = imported[route], from == vtep else { continue }
            switch ip {
            case let .v4(address)?: ipv4.insert(address)
            case let .v6(address)?: ipv6.insert(address)
            case nil: break
            }
        }
        return Endpoint(vni: key.vni, mac: key.mac, ipv4: ipv4.sorted(), ipv6: ipv6.sorted(), location: .remote(vtep: vtep))
    }

    /// The highest MAC mobility sequence any remote VTEP advertises for the MAC.
    public func sequence(_ key: EndpointKey) -> UInt32? {
        guard let routes = byKey[key] else { return nil }
        var out: UInt32?
        for route in routes {
            if case let .macIP(_, _, sequence, _)? = imported[route] { out = max(out ?? 0, sequence) }
        }
        return out
    }

    /// The remote endpoints of the tenant that hold `ip` (usually one), in key order.
    public func endpoints(vni: VNI, holding ip: IPAddress) -> [Endpoint] {
        Set(holders[TenantAddress(vni: vni, ip: ip)].map(Array.init) ?? []).sorted().compactMap(endpoint).filter { endpoint in
            switch ip {
            case let .v4(address): endpoint.ipv4.contains(address)
            case let .v6(address): endpoint.ipv6.contains(address)
            }
        }
    }

    /// The VTEPs that sent a type-3 route for the tenant, in order.
    public func floodList(_ vni: VNI) -> [VTEP] { (flooding[vni] ?? [:]).keys.sorted() }

    /// Every (VNI, MAC) some remote VTEP advertises.
    public var keys: some Collection<EndpointKey> { byKey.keys }

    /// Every remote endpoint, sorted (for views; a scan of the whole set).
    public var endpoints: [Endpoint] { byKey.keys.sorted().compactMap(endpoint) }
}

/// An IP address inside one tenant network.
struct TenantAddress: Hashable, Sendable {
    var vni: VNI
    var ip: IPAddress
}
