import Agent
import OpenFlow

extension AgentConfiguration {
    /// The configured bridges as switches are matched to them (`SwitchBinding`).
    public var bridgeIdentities: [BridgeIdentity] {
        bridges.map { BridgeIdentity(name: $0.name, datapathID: $0.datapathID, readFromDatabase: $0.ovsdb != nil) }
    }

    /// The configured bridge a switch that connected with `datapath` is, or
    /// nil (see `SwitchBinding.bridge(forDatapath:in:reported:)`).
    public func bridge(forDatapath datapath: DatapathID, reported: [String: DatapathID]) -> String? {
        SwitchBinding.bridge(forDatapath: datapath, in: bridgeIdentities, reported: reported)
    }
}
