import ConfigurationReader
import ConfigurationValues

extension AgentConfiguration {
    /// The settings a running agent reads once, at start: its listeners, its
    /// BGP identity, its logging, whether it has a BGP speaker at all, and the
    /// bridges it follows in OVSDB. A reload cannot change them. Declared
    /// here once, for naming a change and for keeping what runs.
    static let restartOnlySettings: [RestartOnlySetting<AgentConfiguration>] = [
        RestartOnlySetting("controller", \.controllerListen, \.controllerSocketMode, \.controllerTLS),
        RestartOnlySetting("admin", \.admin),
        RestartOnlySetting("metrics", \.metrics),
        RestartOnlySetting("bmp", \.bmp),
        RestartOnlySetting("log-level", \.logLevel),
        RestartOnlySetting("as", \.asn),
        RestartOnlySetting("router-id", \.routerID),
        RestartOnlySetting("bgp-listen", \.bgpHost, \.bgpPort),
        RestartOnlySetting("graceful-restart", \.gracefulRestart),
        RestartOnlySetting("flow-audit-interval", \.flowAuditInterval),
        // Reflectors can change live, but only on a speaker made at start.
        RestartOnlySetting("route-reflectors (none to some, or back)", whether: \.routeReflectors.isEmpty, keeping: \.routeReflectors),
        RestartOnlySetting("bridges' ovsdb", \.databaseBridges),
    ]

    /// The restart-only settings that `next` changes, as the file spells them.
    public func restartOnlyChanges(in next: AgentConfiguration) -> [String] {
        Self.restartOnlySettings.changes(from: self, to: next)
    }

    /// `self` with the restart-only settings of `running`: what a reload applies.
    public func keepingRestartOnlySettings(of running: AgentConfiguration) -> AgentConfiguration {
        Self.restartOnlySettings.keeping(of: running, in: self)
    }

    /// Each bridge with its OVSDB endpoint, if it has one; set, each bridge
    /// takes its endpoint from the map (none if the map lacks the bridge).
    var databaseBridges: [String: OVSDBEndpoint?] {
        get { Dictionary(bridges.map { ($0.name, $0.ovsdb) }, uniquingKeysWith: { first, _ in first }) }
        set { for index in bridges.indices { bridges[index].ovsdb = newValue[bridges[index].name] ?? nil } }
    }
}
