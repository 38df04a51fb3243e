import AdminAPI
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

    /// RFC 4724 graceful restart on the agent's sessions: peers keep our
    /// routes while we restart, and we keep theirs (and the flows made from
    /// them) while they do.
    struct GracefulRestart: Hashable, Sendable {
        /// Off: a restart withdraws our routes and re-adds them.
        var enabled = true
        /// How long a peer keeps our routes after our session goes (RFC 4724 restart time).
        var restartTime: UInt16 = 120
        /// After a start, how long to wait at most for the route reflectors'
        /// End-of-RIB before the switches are reconciled (selection deferral).
        var selectionDeferralTime: UInt16 = 30
    }

    /// PEM files for the controller's `ssl:` listener (mutual TLS).
    struct ControllerTLSFiles: Hashable, Sendable {
        var certificate: String
        var privateKey: String
        var caCertificate: String
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
    /// Set: switches connect with `ssl:` and must present a certificate of the CA.
    var controllerTLS: ControllerTLSFiles? = nil
    var gracefulRestart = GracefulRestart()
    /// Silence after which a gleaned endpoint is forgotten; nil: never.
    var gleanedExpiry: Duration? = defaultGleanedExpiry
    /// ARP/NS to the controller per second and bridge; nil: not metered.
    var addressResolutionRate: UInt32? = defaultAddressResolutionRate
    var duplicateDetection = DuplicateMACDetector.Settings()
    var admin = AdminSettings()

    static let defaultControllerHost = "127.0.0.1"
    static let defaultControllerPort = 6653
    static let defaultBGPPort = 179
    static let defaultGleanedExpiry: Duration = .seconds(300)
    static let defaultAddressResolutionRate: UInt32 = 100
}

/// Where the admin API listens (`admin:` in the file, `--admin-socket`).
struct AdminSettings: Hashable, Sendable {
    var address = AdminAddress.agentDefault
    var socketMode: UInt32 = 0o600

    static let modes: [String: UInt32] = ["0600": 0o600, "600": 0o600, "0660": 0o660, "660": 0o660]
}

/// Why a configuration was refused: the file, where in it (the path of the
/// field, as `vnis[1].route-target`) and why, with the offending value.
struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    var file: String
    var path: String
    var reason: String

    var description: String { path.isEmpty ? "\(file): \(reason)" : "\(file): \(path): \(reason)" }
}
