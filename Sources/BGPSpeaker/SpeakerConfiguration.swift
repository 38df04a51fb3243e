import BGP
import ConfigurationValues
import NIOCore

extension NeighborRange {
    public init(_ prefix: IPv4Prefix, password: String? = nil) {
        self.init(address: .v4(prefix.address), length: prefix.length, password: password)
    }

    /// The listening socket's key for the whole range, when it has a password.
    var signature: TCPMD5Signature? {
        password.map { TCPMD5Signature(range: address, length: length, password: $0) }
    }
}

/// A neighbour named in the configuration.
public struct NeighborConfiguration: Hashable, Sendable {
    public var address: IPAddress
    public var port: Int
    public var peerAS: UInt32
    /// Waits for the peer instead of connecting to it.
    public var passive: Bool
    public var routeReflectorClient: Bool
    public var maximumPrefixes: Int?
    /// RFC 2385 TCP MD5 signature key shared with the neighbour; nil: unsigned.
    public var password: String?

    public init(address: IPAddress, port: Int = 179, peerAS: UInt32, passive: Bool = false,
                routeReflectorClient: Bool = true, maximumPrefixes: Int? = nil, password: String? = nil) {
        self.address = address; self.port = port; self.peerAS = peerAS; self.passive = passive
        self.routeReflectorClient = routeReflectorClient; self.maximumPrefixes = maximumPrefixes; self.password = password
    }

    public init(address: IPv4Address, port: Int = 179, peerAS: UInt32, passive: Bool = false,
                routeReflectorClient: Bool = true, maximumPrefixes: Int? = nil, password: String? = nil) {
        self.init(address: .v4(address), port: port, peerAS: peerAS, passive: passive, routeReflectorClient: routeReflectorClient,
                  maximumPrefixes: maximumPrefixes, password: password)
    }

    var signature: TCPMD5Signature? { password.map { TCPMD5Signature(peer: address, password: $0) } }
}

/// Everything a `Speaker` runs with.
public struct SpeakerConfiguration: Hashable, Sendable {
    public var localAS: UInt32
    public var routerID: IPv4Address
    public var clusterID: IPv4Address
    public var listenHost: String
    public var listenPort: Int
    /// Peers from these ranges are accepted as iBGP route reflector clients.
    public var accept: [NeighborRange]
    /// At most this many dynamic peers at once; more are refused.
    public var maximumDynamicPeers: Int
    public var neighbors: [NeighborConfiguration]
    public var holdTime: UInt16
    public var connectRetryTime: TimeAmount
    /// Seconds between KEEPALIVEs; nil means a third of the negotiated hold time.
    public var keepaliveTime: UInt16?
    /// Max-prefix for dynamic peers (and configured ones without their own).
    public var maximumPrefixes: Int?
    public var families: [AddressFamily]
    /// RFC 4724 graceful restart, both roles; nil turns it off.
    public var gracefulRestart: GracefulRestartConfiguration?
    /// RFC 4684 §6: how long a peer that negotiated route target constraint
    /// waits for EVPN routes when its membership End-of-RIB does not come.
    /// Short: GoBGP 3.10 sends that End-of-RIB only with graceful restart,
    /// and the wait only keeps the EVPN End-of-RIB from going out early
    /// (membership filters the routes either way).
    public var routeTargetMembershipWait: TimeAmount = .seconds(3)
    /// Octets written to a peer and not yet taken by its socket beyond
    /// which it is dropped with CEASE "out of resources" (RFC 4486 subcode 8).
    public var maximumOutputQueue = 32 << 20
    /// At most one ROUTE-REFRESH per family per peer is served in this
    /// time; requests in between are merged into one served when it ends.
    public var routeRefreshInterval: TimeAmount = .seconds(1)
    /// Peers in step planned as one (`Subgroup`); off, each is planned on its own (to measure what they save).
    public var subgroups = true

    public init(localAS: UInt32, routerID: IPv4Address, clusterID: IPv4Address? = nil, listenHost: String = "0.0.0.0",
                listenPort: Int = 179, accept: [NeighborRange] = [], maximumDynamicPeers: Int = 1000,
                neighbors: [NeighborConfiguration] = [], holdTime: UInt16 = 90, connectRetryTime: TimeAmount = .seconds(30),
                maximumPrefixes: Int? = nil, families: [AddressFamily] = [.l2vpnEVPN],
                gracefulRestart: GracefulRestartConfiguration? = nil) {
        self.localAS = localAS; self.routerID = routerID; self.clusterID = clusterID ?? routerID
        self.listenHost = listenHost; self.listenPort = listenPort; self.accept = accept
        self.maximumDynamicPeers = maximumDynamicPeers; self.neighbors = neighbors; self.holdTime = holdTime
        self.connectRetryTime = connectRetryTime; self.maximumPrefixes = maximumPrefixes; self.families = families
        self.gracefulRestart = gracefulRestart
    }

    func session(peerAS: UInt32, passive: Bool) -> SessionConfiguration {
        var s = SessionConfiguration(localAS: localAS, routerID: routerID, peerAS: peerAS, passive: passive, holdTime: holdTime,
                             connectRetryTime: connectRetryTime, families: families,
                             gracefulRestart: gracefulRestart?.capability(families: families))
        s.keepaliveTime = keepaliveTime
        return s
    }
}
