import AgentConfiguration
import BGP
import BGPSpeaker
import Overlay

/// EVPN paths as the speaker's RIB holds them, and back.
public enum BGPRoutes {
    public static func originated(_ paths: [EVPNPath]) -> [NLRI: RouteAttributes] {
        Dictionary(paths.map { path in
            (NLRI.evpn(path.route), RouteAttributes(attributes: path.attributes, nextHop: path.nextHop?.bytes ?? []))
        }, uniquingKeysWith: { first, _ in first })
    }

    /// RFC 4684: one membership route per route target the agent imports
    /// (its tenants'), with our AS as origin. The speaker sends them only to
    /// reflectors that negotiated the family; the others send us every route anyway.
    public static func membership(_ configuration: AgentConfiguration) -> [NLRI: RouteAttributes] {
        let targets = Set(configuration.tenants.map(\.instance.routeTarget))
        return RouteTargetMembership.routes(targets.map { RouteTargetMembershipNLRI(originAS: configuration.asn, routeTarget: $0) },
                                            nextHop: configuration.routerID)
    }

    /// Changed best routes of the EVPN family: each with its path, or nil when withdrawn.
    public static func changes(_ routes: [(nlri: NLRI, attributes: RouteAttributes?)]) -> [(route: EVPNRoute, path: EVPNPath?)] {
        routes.compactMap { nlri, attributes in
            guard let route = nlri.evpn else { return nil }
            return (route, attributes.map { EVPNPath(route: route, nextHop: IPAddress(bytes: $0.nextHop), attributes: $0.attributes) })
        }
    }

    /// Received best routes of the EVPN family; the next hop is an IPv4 or
    /// IPv6 address (4 or 16 octets), else absent.
    public static func received(_ routes: [(nlri: NLRI, attributes: RouteAttributes)]) -> [EVPNPath] {
        routes.compactMap { nlri, attributes in
            guard let route = nlri.evpn else { return nil }
            return EVPNPath(route: route, nextHop: IPAddress(bytes: attributes.nextHop), attributes: attributes.attributes)
        }
    }
}

extension AgentConfiguration {
    /// The agent's BGP side: an iBGP client of each route reflector for
    /// l2vpn/evpn, offering route target constraint (RFC 4684) so a reflector
    /// that has it sends only this host's tenants' routes. The reflectors are dialled once the local endpoints are known
    /// (`reflectorNeighbors`, see `SelectionDeferral`), so none listed here.
    public var speakerConfiguration: SpeakerConfiguration {
        SpeakerConfiguration(
            localAS: asn, routerID: routerID, listenHost: bgpHost, listenPort: bgpPort,
            connectRetryTime: .seconds(5), families: [.l2vpnEVPN, .routeTargetConstraint],
            gracefulRestart: gracefulRestart.enabled ? GracefulRestartConfiguration(restartTime: gracefulRestart.restartTime) : nil)
    }

    public var reflectorNeighbors: [NeighborConfiguration] {
        routeReflectors.map { reflector in
            NeighborConfiguration(address: reflector.address, port: reflector.port, peerAS: asn, routeReflectorClient: false,
                                  password: reflector.password)
        }
    }
}
