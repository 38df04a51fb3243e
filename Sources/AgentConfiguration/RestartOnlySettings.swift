import ConfigurationValues

/// A setting a running agent reads once, at start, as the file spells it:
/// whether a reloaded file changes it, and how a reload keeps what runs.
struct RestartOnlySetting: Sendable {
    let name: String
    let differs: @Sendable (_ running: AgentConfiguration, _ next: AgentConfiguration) -> Bool
    let keep: @Sendable (_ next: inout AgentConfiguration, _ running: AgentConfiguration) -> Void

    /// Fields compared and kept as they are.
    init<each Field: Equatable & Sendable>(_ name: String, _ fields: repeat any WritableKeyPath<AgentConfiguration, each Field> & Sendable) {
        self.name = name
        differs = { running, next in
            for field in repeat each fields { if running[keyPath: field] != next[keyPath: field] { return true } }
            return false
        }
        keep = { next, running in
            repeat next[keyPath: each fields] = running[keyPath: each fields]
        }
    }

    /// Only a change of what `whether` reads needs a restart; then `field` is kept whole.
    init<Whether: Equatable & Sendable, Field: Sendable>(_ name: String, whether: any KeyPath<AgentConfiguration, Whether> & Sendable,
                                                          keeping field: any WritableKeyPath<AgentConfiguration, Field> & Sendable) {
        self.name = name
        differs = { running, next in running[keyPath: whether] != next[keyPath: whether] }
        keep = { next, running in
            if running[keyPath: whether] != next[keyPath: whether] { next[keyPath: field] = running[keyPath: field] }
        }
    }
}

extension AgentConfiguration {
    /// The settings a running agent reads once, at start: its listeners, its
    /// BGP identity, its logging, whether it has a BGP speaker at all, and the
    /// bridges it follows in OVSDB. A reload cannot change them. Declared
    /// here once, for naming a change and for keeping what runs.
    static let restartOnlySettings: [RestartOnlySetting] = [
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
        Self.restartOnlySettings.filter { $0.differs(self, next) }.map(\.name)
    }

    /// `self` with the restart-only settings of `running`: what a reload applies.
    public func keepingRestartOnlySettings(of running: AgentConfiguration) -> AgentConfiguration {
        var kept = self
        for setting in Self.restartOnlySettings { setting.keep(&kept, running) }
        return kept
    }

    /// Each bridge with its OVSDB endpoint, if it has one; set, each bridge
    /// takes its endpoint from the map (none if the map lacks the bridge).
    var databaseBridges: [String: OVSDBEndpoint?] {
        get { Dictionary(bridges.map { ($0.name, $0.ovsdb) }, uniquingKeysWith: { first, _ in first }) }
        set { for index in bridges.indices { bridges[index].ovsdb = newValue[bridges[index].name] ?? nil } }
    }
}
