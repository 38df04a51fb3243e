extension ConfigurationFile {
    /// The fields of `next` that differ from these and that a SIGHUP does
    /// not apply (only `neighbors` is re-read), by their names in the file.
    public func restartOnlyChanges(in next: ConfigurationFile) -> [String] {
        func differs<T: Equatable>(_ a: T?, _ b: T?) -> Bool { a != b }
        var out: [String] = []
        if differs(asn, next.asn) { out.append("as") }
        if differs(routerID, next.routerID) { out.append("router-id") }
        if differs(clusterID, next.clusterID) { out.append("cluster-id") }
        if differs(listen, next.listen) { out.append("listen") }
        if differs(accept, next.accept) { out.append("accept") }
        if differs(holdTime, next.holdTime) || differs(keepalive, next.keepalive) || differs(connectRetry, next.connectRetry) {
            out.append("timers")
        }
        if differs(maximumPrefixes, next.maximumPrefixes) { out.append("max-prefixes") }
        if differs(maximumPeers, next.maximumPeers) { out.append("max-peers") }
        if differs(maximumOutputQueue, next.maximumOutputQueue) { out.append("max-output-queue") }
        if differs(gracefulRestart, next.gracefulRestart) || differs(restartTime, next.restartTime)
            || differs(selectionDeferralTime, next.selectionDeferralTime) { out.append("graceful-restart") }
        if differs(routeTargetConstraint, next.routeTargetConstraint) { out.append("route-target-constraint") }
        if differs(logLevel, next.logLevel) { out.append("log-level") }
        if differs(adminAddress, next.adminAddress) || differs(adminSocketMode, next.adminSocketMode) { out.append("admin") }
        if differs(metricsAddress, next.metricsAddress) { out.append("metrics") }
        if differs(bmpCollector, next.bmpCollector) { out.append("bmp") }
        if differs(mrt, next.mrt) { out.append("mrt") }
        return out
    }
}
