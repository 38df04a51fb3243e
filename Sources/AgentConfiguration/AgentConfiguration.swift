import Agent
import BGP
import ConfigurationValues
import OpenFlow
import Overlay
import SocketFile

/// Everything `swiftplane-agent` is told by its configuration file: a plain
/// value, produced only by `AgentConfiguration.load`, which checks every
/// field so the daemon never starts half-configured.
public struct AgentConfiguration: Hashable, Sendable {
    public enum FloodMode: String, Hashable, Sendable, CaseIterable {
        /// BUM-less: broadcast, multicast and unknown unicast are dropped and counted.
        case drop
        /// EVPN ingress replication from type-3 routes (DHCP and the like).
        case ingressReplication = "ingress-replication"
    }

    public struct RouteReflector: Hashable, Sendable {
        public var address: IPAddress
        public var port: Int
        /// RFC 2385 TCP MD5 signature key shared with the reflector.
        public var password: String? = nil
    }

    public struct Bridge: Hashable, Sendable {
        public var name: String
        /// Where to read the bridge's ports from; nil: static endpoints only.
        public var ovsdb: OVSDBEndpoint?
        public var vxlanPort: UInt32
        /// Which connecting switch is this bridge; nil: the one OVSDB reports
        /// for the name, or any switch when there is one bridge and no OVSDB.
        public var datapathID: DatapathID?
        /// Port security: on a port with configured or OVSDB endpoints, only
        /// they may send (their MACs, and their addresses where known).
        public var portSecurity = false
    }

    public struct Tenant: Hashable, Sendable {
        public var instance: EVPNInstance
        public var flood: FloodMode
    }

    public struct StaticEndpoint: Hashable, Sendable {
        public var bridge: String
        public var endpoint: Endpoint
    }

    /// RFC 4724 graceful restart on the agent's sessions: peers keep our
    /// routes while we restart, and we keep theirs (and the flows made from
    /// them) while they do.
    public struct GracefulRestart: Hashable, Sendable {
        /// Off: a restart withdraws our routes and re-adds them.
        public var enabled = true
        /// How long a peer keeps our routes after our session goes (RFC 4724 restart time).
        public var restartTime: UInt16 = 120
        /// After a start, how long to wait at most for the route reflectors'
        /// End-of-RIB before the switches are reconciled (selection deferral).
        public var selectionDeferralTime: UInt16 = 30
    }

    /// A BMP (RFC 7854) collector the agent's BGP speaker reports to: its
    /// sessions, what the reflectors send (pre-policy Adj-RIB-In) and the
    /// Loc-RIB (RFC 9069).
    public struct BMPCollector: Hashable, Sendable {
        /// An IP address (IPv6 without brackets).
        public var host: String
        public var port: Int
        /// Between Statistics Reports; nil: none.
        public var statisticsInterval: Duration? = defaultBMPStatisticsInterval
        /// Also what each reflector is sent (Adj-RIB-Out, RFC 8671).
        public var adjRIBOut = false

        /// HOST:PORT, an IPv6 host in brackets.
        public var collector: String { HostPort.text(host: host, port: port) }
    }

    public typealias LogLevel = ConfigurationValues.LogLevel

    /// IPv4 or IPv6; with an IPv6 VTEP the route distinguishers use the router id.
    public var vtep: VTEP
    public var asn: UInt32
    public var routerID: IPv4Address
    public var routeReflectors: [RouteReflector]
    /// Where the bridges connect: TCP or a unix socket file.
    public var controllerListen: ControllerListenAddress
    /// The controller's unix socket file mode (0660 or 0600).
    public var controllerSocketMode: UInt32
    /// Where the BGP speaker listens and dials from (0.0.0.0: any; port 0: any).
    public var bgpHost: String
    public var bgpPort: Int
    public var bridges: [Bridge]
    public var tenants: [Tenant]
    public var endpoints: [StaticEndpoint]
    public var logLevel: LogLevel
    /// Set: switches connect with `ssl:` and must present a certificate of the CA.
    public var controllerTLS: ControllerTLSFiles? = nil
    public var gracefulRestart = GracefulRestart()
    /// Silence after which a gleaned endpoint is forgotten; nil: never.
    public var gleanedExpiry: Duration? = defaultGleanedExpiry
    /// ARP/NS to the controller per second and bridge; nil: not metered.
    public var addressResolutionRate: UInt32? = defaultAddressResolutionRate
    public var duplicateDetection = DuplicateMACDetector.Settings()
    public var admin = AdminSettings()
    /// The Prometheus listener (`metrics: HOST:PORT`: `/metrics`, `/healthz`); nil: none.
    public var metrics: AdminAddress? = nil
    /// `bmp:`; nil: no BMP.
    public var bmp: BMPCollector? = nil
    /// Where the gleaned endpoints are kept across restarts (`LearnedState`); nil: not kept.
    public var stateFile: String? = nil
    /// How often each switch's real flows are read and compared with what was
    /// installed (drift repaired, logged, counted); nil: only on connect.
    public var flowAuditInterval: Duration? = defaultFlowAuditInterval

    /// What applies when the file leaves a field out: declared once, read
    /// by the loader and by the flags' help.
    public static let defaultFlowAuditInterval: Duration = .seconds(600)
    public static let defaultControllerSocketMode: UInt32 = SocketFileMode.group.rawValue
    public static let defaultBGPPort = 179
    /// Where the speaker listens when `bgp-listen` is absent: any address, any port.
    public static let defaultBGPHost = "0.0.0.0"
    public static let defaultBGPListenPort = 0
    public static let defaultGleanedExpiry: Duration = .seconds(300)
    public static let defaultAddressResolutionRate: UInt32 = 100
    public static let defaultLogLevel: LogLevel = .info
    public static let defaultBMPStatisticsInterval: Duration = .seconds(60)
}
