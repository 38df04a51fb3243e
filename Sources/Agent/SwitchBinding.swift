import OpenFlow

/// A configured bridge as switches are matched to it: by its configured
/// datapath id, else by the one OVSDB reports for its name.
public struct BridgeIdentity: Hashable, Sendable {
    public var name: String
    public var datapathID: DatapathID?
    /// Whether the agent reads this bridge from OVSDB (which reports its id).
    public var readFromDatabase: Bool

    public init(name: String, datapathID: DatapathID? = nil, readFromDatabase: Bool = false) {
        self.name = name
        self.datapathID = datapathID
        self.readFromDatabase = readFromDatabase
    }
}

/// Which connected switch is which configured bridge, and which switches
/// have been given their bridge's whole table since they were matched (from
/// then on they get changes only). A plain value: the daemon feeds it
/// connects, disconnects and the datapath ids OVSDB reports.
public struct SwitchBinding: Sendable {
    public private(set) var bridges: [BridgeIdentity]
    /// The datapath id OVSDB reports for each bridge read from OVSDB.
    public private(set) var reported: [String: DatapathID] = [:]
    /// Every connected switch, matched or not.
    public private(set) var connected: Set<DatapathID> = []
    /// The connected switches matched to a bridge.
    public private(set) var bridgeOf: [DatapathID: String] = [:]
    /// The matched switches that hold their bridge's whole table.
    private var given: Set<DatapathID> = []

    public init(bridges: [BridgeIdentity]) {
        self.bridges = bridges
    }

    /// The configured bridge a switch that connected with `datapath` is, or
    /// nil. A configured datapath id wins; then the id OVSDB reports for a
    /// bridge's name; a lone bridge with neither takes any switch. Once OVSDB
    /// has named a lone bridge's id, a switch with another id (a second
    /// bridge of the same OVS pointed at this controller) is no longer taken
    /// for it: it would get this bridge's flows.
    public static func bridge(forDatapath datapath: DatapathID, in bridges: [BridgeIdentity],
                              reported: [String: DatapathID]) -> String? {
        if let bridge = bridges.first(where: { $0.datapathID == datapath }) { return bridge.name }
        if let bridge = bridges.first(where: { $0.datapathID == nil && reported[$0.name] == datapath }) { return bridge.name }
        if bridges.count == 1, bridges[0].datapathID == nil, reported[bridges[0].name] == nil { return bridges[0].name }
        return nil
    }

    public func bridge(forDatapath datapath: DatapathID) -> String? {
        Self.bridge(forDatapath: datapath, in: bridges, reported: reported)
    }

    /// Whether a switch that matches no bridge may still match one once
    /// OVSDB reports the ids (a bridge read from OVSDB without a configured id).
    public var awaitsReport: Bool {
        bridges.contains { $0.datapathID == nil && $0.readFromDatabase && reported[$0.name] == nil }
    }

    /// A switch connected: its bridge, if it matches one.
    public mutating func connect(_ datapath: DatapathID) -> String? {
        connected.insert(datapath)
        given.remove(datapath)
        let bridge = bridge(forDatapath: datapath)
        bridgeOf[datapath] = bridge
        return bridge
    }

    public mutating func disconnect(_ datapath: DatapathID) {
        connected.remove(datapath)
        bridgeOf[datapath] = nil
        given.remove(datapath)
    }

    /// The id OVSDB reports for `bridge`; returns the switches whose bridge
    /// changed (with the new bridge, or nil).
    public mutating func report(_ datapath: DatapathID?, of bridge: String) -> [(datapathID: DatapathID, bridge: String?)] {
        guard reported[bridge] != datapath else { return [] }
        reported[bridge] = datapath
        return rebind()
    }

    /// New configured bridges; returns the switches whose bridge changed.
    public mutating func reconfigure(_ bridges: [BridgeIdentity]) -> [(datapathID: DatapathID, bridge: String?)] {
        self.bridges = bridges
        return rebind()
    }

    private mutating func rebind() -> [(datapathID: DatapathID, bridge: String?)] {
        var changed: [(datapathID: DatapathID, bridge: String?)] = []
        for datapath in connected.sorted() {
            let bridge = bridge(forDatapath: datapath)
            guard bridge != bridgeOf[datapath] else { continue }
            bridgeOf[datapath] = bridge
            given.remove(datapath)
            changed.append((datapath, bridge))
        }
        return changed
    }

    /// The bridge's switches must get its whole table again.
    public mutating func regive(bridge: String) {
        for (datapath, name) in bridgeOf where name == bridge { given.remove(datapath) }
    }

    public func isGiven(_ datapath: DatapathID) -> Bool { given.contains(datapath) }

    public mutating func markGiven(_ datapath: DatapathID) { given.insert(datapath) }
}
