import BGP

/// One EVPN route with its next hop (the VTEP) and its attributes other
/// than MP_REACH_NLRI: what this host originates (the speaker packs routes
/// that share attributes into one UPDATE), and what it receives.
public struct EVPNPath: Hashable, Sendable {
    public var route: EVPNRoute
    public var nextHop: IPAddress?
    public var attributes: PathAttributes

    public init(route: EVPNRoute, nextHop: IPAddress?, attributes: PathAttributes) {
        self.route = route
        self.nextHop = nextHop
        self.attributes = attributes
    }
}

/// How a tenant network appears in EVPN (RFC 7432, RFC 8365): its route
/// target and the route distinguisher this host uses for it.
public struct EVPNInstance: Hashable, Sendable {
    public var vni: VNI
    public var routeTarget: RouteTarget

    public init(vni: VNI, routeTarget: RouteTarget) {
        self.vni = vni
        self.routeTarget = routeTarget
    }

    /// The usual auto-derivation, AS:VNI (2-octet AS form: the 4-octet form
    /// has only 16 bits of value, too few for a VNI). Nil for a 4-octet AS,
    /// which must configure its route targets.
    public static func automatic(vni: VNI, asn: UInt32) -> EVPNInstance? {
        guard let asn16 = UInt16(exactly: asn) else { return nil }
        return EVPNInstance(vni: vni, routeTarget: .twoOctetAS(asn: asn16, value: vni.rawValue))
    }

    /// VTEP:VNI (RFC 7432 section 7.9, type 1). Two tenants on one host may
    /// hold the same MAC and IP (the demo's do), and the RD is what keeps
    /// their type-2 routes apart. The RD's number has 16 bits: configuration
    /// refuses two VNIs of one host that agree in their low 16 bits.
    public func routeDistinguisher(vtep: IPv4Address) -> RouteDistinguisher {
        .ipv4(vtep, UInt16(truncatingIfNeeded: vni.rawValue))
    }
}

/// Which local tenant a received route belongs to.
public enum TenantMatch: Hashable, Sendable {
    /// None of its route targets is a local tenant's.
    case none
    case one(VNI)
    /// Its route targets name several local tenants: it is imported into
    /// none (importing it into either would leak one tenant into another).
    case several([VNI])
}

/// Endpoints to EVPN routes and back: pure functions, so the agent's BGP
/// side is tested with tables like its flow side.
public enum EVPNRoutes {
    /// The local tenants by route target (configuration refuses a target on two VNIs).
    public static func tenantsByTarget(_ instances: [EVPNInstance]) -> [RouteTarget: VNI] {
        var out: [RouteTarget: VNI] = [:]
        for instance in instances where out[instance.routeTarget] == nil { out[instance.routeTarget] = instance.vni }
        return out
    }

    /// The one import rule of the agent: the tenant whose route target the
    /// route carries; a route that names several tenants goes to none.
    public static func tenant(of attributes: PathAttributes, in tenants: [RouteTarget: VNI]) -> TenantMatch {
        var found: [VNI] = []
        for target in attributes.routeTargets {
            if let vni = tenants[target], !found.contains(vni) { found.append(vni) }
        }
        switch found.count {
        case 0: return .none
        case 1: return .one(found[0])
        default: return .several(found.sorted())
        }
    }

    /// The type-2 routes of the local endpoints (one per IP, or one for the
    /// MAC alone) and a type-3 route per local tenant, for ingress
    /// replication (PMSI tunnel type 6, label = VNI, tunnel id = VTEP).
    /// The next hop and the tunnel id are the VTEP of either family (16
    /// octets for IPv6, RFC 8365); the route distinguishers hold
    /// `routeDistinguisher` (default: `VTEP.routeDistinguisherAddress`).
    /// `mobility` holds a MAC's mobility sequence number once it has moved here.
    public static func advertisements(
        endpoints: [Endpoint], instances: [EVPNInstance], vtep: VTEP, routeDistinguisher: IPv4Address? = nil,
        mobility: [EndpointKey: UInt32] = [:]
    ) -> [EVPNPath] {
        let rdAddress = routeDistinguisher ?? vtep.routeDistinguisherAddress
        let byVNI = Dictionary(instances.map { ($0.vni, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [EVPNPath] = []
        for endpoint in endpoints.sorted(by: { $0.key < $1.key }) {
            guard case .local = endpoint.location, let instance = byVNI[endpoint.vni] else { continue }
            var communities: [ExtendedCommunity] = [.routeTarget(instance.routeTarget), .vxlanEncapsulation]
            if let sequence = mobility[endpoint.key], sequence > 0 {
                communities.append(.macMobility(sticky: false, sequence: sequence))
            }
            let attributes = baseAttributes(communities)
            let ips: [IPAddress?] = endpoint.ipv4.map { .v4($0) } + endpoint.ipv6.map { .v6($0) }
            for ip in ips.isEmpty ? [nil] : ips {
                let route = MACIPAdvertisementRoute(
                    rd: instance.routeDistinguisher(vtep: rdAddress), mac: endpoint.mac, ip: ip,
                    label1: .vni(endpoint.vni.rawValue))
                out.append(EVPNPath(route: .macIPAdvertisement(route), nextHop: vtep.address, attributes: attributes))
            }
        }
        for instance in instances.sorted(by: { $0.vni < $1.vni }) {
            var attributes = baseAttributes([.routeTarget(instance.routeTarget), .vxlanEncapsulation])
            attributes.set(PathAttribute(.pmsiTunnel(.ingressReplication(vni: instance.vni.rawValue, endpoint: vtep.address))))
            let route = InclusiveMulticastEthernetTagRoute(
                rd: instance.routeDistinguisher(vtep: rdAddress), originatingRouter: vtep.address)
            out.append(EVPNPath(route: .inclusiveMulticastEthernetTag(route), nextHop: vtep.address,
                                         attributes: attributes))
        }
        return out
    }

    /// The remote endpoints the received routes describe, for the tenants
    /// present here. A route is imported into the tenant whose route target
    /// it carries; routes from our own VTEP, other route types, routes
    /// without a next hop and routes whose VTEP is of the other address
    /// family than ours are ignored. When a MAC is advertised from
    /// several VTEPs (a move in progress), the highest MAC mobility sequence
    /// wins, then the lowest VTEP address (RFC 7432 section 15.1).
    public static func remoteEndpoints(
        from routes: [EVPNPath], instances: [EVPNInstance], localVTEP: VTEP
    ) -> [Endpoint] {
        let tenants = tenantsByTarget(instances)

        struct Claim {
            var sequence: UInt32
            var ipv4: Set<IPv4Address> = []
            var ipv6: Set<IPv6Address> = []
        }
        var claims: [EndpointKey: [VTEP: Claim]] = [:]
        for received in routes {
            guard case let .macIPAdvertisement(route) = received.route,
                  !route.mac.isMulticast, let vtep = received.nextHop.map(VTEP.init), vtep != localVTEP,
                  familyRefusal(vtep, localVTEP: localVTEP) == nil,
                  case let .one(vni) = tenant(of: received.attributes, in: tenants)
            else { continue }
            let key = EndpointKey(vni: vni, mac: route.mac)
            var claim = claims[key, default: [:]][vtep, default: Claim(sequence: 0)]
            claim.sequence = max(claim.sequence, mobilitySequence(received.attributes))
            switch route.ip {
            case let .v4(ip)?: claim.ipv4.insert(ip)
            case let .v6(ip)?: claim.ipv6.insert(ip)
            case nil: break
            }
            claims[key, default: [:]][vtep] = claim
        }

        return claims.sorted { $0.key < $1.key }.compactMap { key, byVTEP in
            guard let (vtep, claim) = byVTEP.max(by: { lhs, rhs in
                // "Smaller" = loses: lower sequence, or equal sequence and higher address.
                (lhs.value.sequence, rhs.key) < (rhs.value.sequence, lhs.key)
            }) else { return nil }
            return Endpoint(vni: key.vni, mac: key.mac, ipv4: claim.ipv4.sorted(), ipv6: claim.ipv6.sorted(),
                            location: .remote(vtep: vtep))
        }
    }

    /// The VTEPs that asked for a tenant's broadcast traffic (type-3 routes),
    /// for ingress replication.
    public static func floodList(from routes: [EVPNPath], instances: [EVPNInstance],
                                 localVTEP: VTEP) -> [VNI: [VTEP]] {
        var out: [VNI: Set<VTEP>] = [:]
        let tenants = tenantsByTarget(instances)
        for received in routes {
            guard case let .inclusiveMulticastEthernetTag(route) = received.route,
                  case let .one(vni) = tenant(of: received.attributes, in: tenants)
            else { continue }
            let vtep = VTEP(received.attributes.pmsiTunnel?.tunnelEndpoint ?? route.originatingRouter)
            guard vtep != localVTEP, familyRefusal(vtep, localVTEP: localVTEP) == nil else { continue }
            out[vni, default: []].insert(vtep)
        }
        return out.mapValues { $0.sorted() }
    }

    /// Why a route naming `vtep` is refused here, or nil. One flow-based
    /// VXLAN port sends from one local address (its `local_ip`, or the route
    /// to the destination), so a host tunnels to VTEPs of its own family
    /// only: a route from the other family is refused (the agent logs and
    /// counts it) rather than given a flow whose packets OVS cannot send.
    public static func familyRefusal(_ vtep: VTEP, localVTEP: VTEP) -> String? {
        vtep.sameFamily(as: localVTEP) ? nil
            : "its VTEP \(vtep) is \(vtep.family) and ours (\(localVTEP)) is \(localVTEP.family): no tunnel between the families"
    }

    static func baseAttributes(_ communities: [ExtendedCommunity]) -> PathAttributes {
        PathAttributes([
            PathAttribute(.origin(.igp)),
            PathAttribute(.asPath(ASPath())),
            PathAttribute(.localPref(100)),
            PathAttribute(.extendedCommunities(communities)),
        ])
    }

    static func mobilitySequence(_ attributes: PathAttributes) -> UInt32 {
        attributes.extendedCommunities.lazy.compactMap { community -> UInt32? in
            if case let .macMobility(_, sequence) = community { return sequence }
            return nil
        }.max() ?? 0
    }
}
