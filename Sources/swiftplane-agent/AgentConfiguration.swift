import Agent
import BGP
import OVSDB
import Overlay

/// Everything `swiftplane-agent` is told by its configuration file: a plain
/// value, produced only by `AgentConfiguration.load`, which checks every
/// field so the daemon never starts half-configured.
struct AgentConfiguration: Hashable, Sendable {
    enum FloodMode: String, Hashable, Sendable, CaseIterable {
        /// BUM-less: broadcast, multicast and unknown unicast are dropped and counted.
        case drop
        /// EVPN ingress replication from type-3 routes (DHCP and the like).
        case ingressReplication = "ingress-replication"
    }

    struct RouteReflector: Hashable, Sendable {
        var address: IPAddress
        var port: Int
        /// RFC 2385 TCP MD5 signature key shared with the reflector.
        var password: String? = nil
    }

    struct Bridge: Hashable, Sendable {
        var name: String
        /// Where to read the bridge's ports from; nil: static endpoints only.
        var ovsdb: OVSDBEndpoint?
        var vxlanPort: UInt32
        /// Which connecting switch is this bridge; nil matches any (one bridge only).
        var datapathID: UInt64?
    }

    struct Tenant: Hashable, Sendable {
        var instance: EVPNInstance
        var flood: FloodMode
    }

    struct StaticEndpoint: Hashable, Sendable {
        var bridge: String
        var endpoint: Endpoint
    }

    enum LogLevel: String, Hashable, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    var vtep: IPv4Address
    var asn: UInt32
    var routerID: IPv4Address
    var routeReflectors: [RouteReflector]
    var controllerHost: String
    var controllerPort: Int
    /// Where the BGP speaker listens and dials from (0.0.0.0: any; port 0: any).
    var bgpHost: String
    var bgpPort: Int
    var bridges: [Bridge]
    var tenants: [Tenant]
    var endpoints: [StaticEndpoint]
    var logLevel: LogLevel

    static let defaultControllerHost = "127.0.0.1"
    static let defaultControllerPort = 6653
    static let defaultBGPPort = 179
}

/// Why a configuration was refused: the file, where in it (the path of the
/// field, as `vnis[1].route-target`) and why, with the offending value.
struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    var file: String
    var path: String
    var reason: String

    var description: String { path.isEmpty ? "\(file): \(reason)" : "\(file): \(path): \(reason)" }
}
