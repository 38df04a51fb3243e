import ConfigurationReader

extension ConfigurationFile {
    /// The fields a SIGHUP does not apply (only `neighbors` is re-read), by
    /// their names in the file: a row each.
    static let restartOnlySettings: [RestartOnlySetting<ConfigurationFile>] = [
        RestartOnlySetting("as", \.asn),
        RestartOnlySetting("router-id", \.routerID),
        RestartOnlySetting("cluster-id", \.clusterID),
        RestartOnlySetting("listen", \.listen),
        RestartOnlySetting("accept", \.accept),
        RestartOnlySetting("timers", \.holdTime, \.keepalive, \.connectRetry),
        RestartOnlySetting("max-prefixes", \.maximumPrefixes),
        RestartOnlySetting("max-peers", \.maximumPeers),
        RestartOnlySetting("max-output-queue", \.maximumOutputQueue),
        RestartOnlySetting("graceful-restart", \.gracefulRestart, \.restartTime, \.selectionDeferralTime),
        RestartOnlySetting("route-target-constraint", \.routeTargetConstraint),
        RestartOnlySetting("log-level", \.logLevel),
        RestartOnlySetting("admin", \.adminAddress, \.adminSocketMode),
        RestartOnlySetting("metrics", \.metricsAddress),
        RestartOnlySetting("bmp", \.bmpCollector),
        RestartOnlySetting("mrt", \.mrt),
    ]

    /// The fields of `next` that differ from these and that a SIGHUP does
    /// not apply, by their names in the file.
    public func restartOnlyChanges(in next: ConfigurationFile) -> [String] {
        Self.restartOnlySettings.changes(from: self, to: next)
    }
}
