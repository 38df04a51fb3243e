extension AgentConfiguration {
    /// The configured bridge a switch that connected with `datapath` is, or
    /// nil. A configured `datapath-id` wins; then the id OVSDB reports for a
    /// bridge's name (`reported`); a lone bridge with neither takes any
    /// switch. Once OVSDB has named a lone bridge's id, a switch with another
    /// id (a second bridge of the same OVS pointed at this controller) is no
    /// longer taken for it: it would get this bridge's flows.
    public func bridge(forDatapath datapath: UInt64, reported: [String: UInt64]) -> String? {
        if let bridge = bridges.first(where: { $0.datapathID == datapath }) { return bridge.name }
        if let bridge = bridges.first(where: { $0.datapathID == nil && reported[$0.name] == datapath }) { return bridge.name }
        if bridges.count == 1, bridges[0].datapathID == nil, reported[bridges[0].name] == nil { return bridges[0].name }
        return nil
    }
}
