/// `GET /neighbor?address=A`: one neighbour in depth, as FRR's
/// `show bgp neighbors A` and GoBGP's `neighbor A` show it.
public struct NeighborDetailReport: Codable, Hashable, Sendable {
    public var neighbor: NeighborReport
    /// Its BGP identifier, once an OPEN arrived.
    public var peerRouterID: String?
    /// The families both OPENs offered ("l2vpn/evpn", "ipv4/rtc"); empty when down.
    public var families: [String]
    /// The peer's capabilities that the session uses: route-refresh, 4-octet-as, graceful-restart.
    public var capabilities: [String]
    public var holdTime: Int?
    public var keepalive: Int?
    public var configuredHoldTime: Int
    /// nil: a third of the negotiated hold time.
    public var configuredKeepalive: Int?
    public var connectRetrySeconds: Int
    public var gracefulRestart: GracefulRestartState
    public var prefixes: [FamilyPrefixes]
    /// Times the session left Established.
    public var flaps: Int

    public init(neighbor: NeighborReport, peerRouterID: String?, families: [String], capabilities: [String], holdTime: Int?, keepalive: Int?,
                configuredHoldTime: Int, configuredKeepalive: Int?, connectRetrySeconds: Int, gracefulRestart: GracefulRestartState,
                prefixes: [FamilyPrefixes], flaps: Int) {
        self.neighbor = neighbor
        self.peerRouterID = peerRouterID
        self.families = families
        self.capabilities = capabilities
        self.holdTime = holdTime
        self.keepalive = keepalive
        self.configuredHoldTime = configuredHoldTime
        self.configuredKeepalive = configuredKeepalive
        self.connectRetrySeconds = connectRetrySeconds
        self.gracefulRestart = gracefulRestart
        self.prefixes = prefixes
        self.flaps = flaps
    }

    public struct GracefulRestartState: Codable, Hashable, Sendable {
        /// Our restart time as offered; nil: we do not offer graceful restart.
        public var localRestartTime: Int?
        /// The peer's restart time; nil: it did not offer graceful restart.
        public var peerRestartTime: Int?
        /// Families the peer keeps forwarding state for across its restart.
        public var peerPreservedFamilies: [String]
        public var endOfRIBReceived: [String]
        public var staleRoutes: Int

        public init(localRestartTime: Int?, peerRestartTime: Int?, peerPreservedFamilies: [String], endOfRIBReceived: [String], staleRoutes: Int) {
            self.localRestartTime = localRestartTime
            self.peerRestartTime = peerRestartTime
            self.peerPreservedFamilies = peerPreservedFamilies
            self.endOfRIBReceived = endOfRIBReceived
            self.staleRoutes = staleRoutes
        }
    }

    public struct FamilyPrefixes: Codable, Hashable, Sendable {
        public var family: String
        public var received: Int
        public var sent: Int

        public init(family: String, received: Int, sent: Int) {
            self.family = family
            self.received = received
            self.sent = sent
        }
    }
}
