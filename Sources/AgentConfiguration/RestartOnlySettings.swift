import ConfigurationValues

extension AgentConfiguration {
    /// The settings a running agent reads once, at start: its listeners, its
    /// BGP identity, its logging, whether it has a BGP speaker at all, and the
    /// bridges it follows in OVSDB. A reload cannot change them; this names
    /// those that `next` changes, as the file spells them.
    public func restartOnlyChanges(in next: AgentConfiguration) -> [String] {
        var changed: [String] = []
        func check(_ name: String, _ differs: Bool) { if differs { changed.append(name) } }
        check("controller", next.controllerListen != controllerListen || next.controllerSocketMode != controllerSocketMode
            || next.controllerTLS != controllerTLS)
        check("admin", next.admin != admin)
        check("metrics", next.metrics != metrics)
        check("bmp", next.bmp != bmp)
        check("log-level", next.logLevel != logLevel)
        check("as", next.asn != asn)
        check("router-id", next.routerID != routerID)
        check("bgp-listen", next.bgpHost != bgpHost || next.bgpPort != bgpPort)
        check("graceful-restart", next.gracefulRestart != gracefulRestart)
        check("flow-audit-interval", next.flowAuditInterval != flowAuditInterval)
        // Reflectors can change live, but only on a speaker made at start.
        check("route-reflectors (none to some, or back)", next.routeReflectors.isEmpty != routeReflectors.isEmpty)
        check("bridges' ovsdb", databaseBridges != next.databaseBridges)
        return changed
    }

    /// `self` with the restart-only settings of `running`: what a reload applies.
    public func keepingRestartOnlySettings(of running: AgentConfiguration) -> AgentConfiguration {
        var kept = self
        kept.controllerListen = running.controllerListen
        kept.controllerSocketMode = running.controllerSocketMode
        kept.controllerTLS = running.controllerTLS
        kept.admin = running.admin
        kept.metrics = running.metrics
        kept.bmp = running.bmp
        kept.logLevel = running.logLevel
        kept.asn = running.asn
        kept.routerID = running.routerID
        kept.bgpHost = running.bgpHost
        kept.bgpPort = running.bgpPort
        kept.gracefulRestart = running.gracefulRestart
        kept.flowAuditInterval = running.flowAuditInterval
        if routeReflectors.isEmpty != running.routeReflectors.isEmpty { kept.routeReflectors = running.routeReflectors }
        if databaseBridges != running.databaseBridges {
            let followed = running.databaseBridges
            for index in kept.bridges.indices { kept.bridges[index].ovsdb = followed[kept.bridges[index].name] ?? nil }
        }
        return kept
    }

    /// Each bridge with its OVSDB endpoint, if it has one.
    private var databaseBridges: [String: OVSDBEndpoint?] {
        Dictionary(bridges.map { ($0.name, $0.ovsdb) }, uniquingKeysWith: { first, _ in first })
    }
}
