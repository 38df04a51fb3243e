/// The client's copy of the monitored tables. Fed the initial reply and then
/// each `update`, it answers which ports exist on a bridge and which of them
/// are attached to a tenant. A value: a snapshot is just a copy.
public struct OVSDBReplica: Sendable, Hashable {
    /// Raw rows by table, kept to merge `modify` updates.
    public private(set) var rows: [String: [OVSDBUUID: OVSDBRow]] = [:]
    public private(set) var bridges: [OVSDBUUID: BridgeRow] = [:]
    public private(set) var ports: [OVSDBUUID: PortRow] = [:]
    public private(set) var interfaces: [OVSDBUUID: InterfaceRow] = [:]

    public init() {}

    /// Applies every change, or none: on error the replica is unchanged.
    public mutating func apply(_ updates: OVSDBTableUpdates) throws(OVSDBError) {
        var next = self
        for change in updates.changes { try next.apply(change) }
        self = next
    }

    public mutating func apply(_ change: OVSDBRowChange) throws(OVSDBError) {
        var table = rows[change.table] ?? [:]
        var merged: OVSDBRow?
        switch change.kind {
        case .insert:
            merged = change.new
        case .modify:
            var row = table[change.uuid] ?? [:]
            // A column in `old` but not in `new` went back to its default.
            for column in (change.old ?? [:]).keys where change.new?[column] == nil { row[column] = nil }
            for (column, value) in change.new ?? [:] { row[column] = value }
            merged = row
        case .delete:
            merged = nil
        }
        table[change.uuid] = merged
        switch change.table {
        case "Bridge": bridges[change.uuid] = try merged.map { row throws(OVSDBError) in try BridgeRow(uuid: change.uuid, row: row) }
        case "Port": ports[change.uuid] = try merged.map { row throws(OVSDBError) in try PortRow(uuid: change.uuid, row: row) }
        case "Interface": interfaces[change.uuid] = try merged.map { row throws(OVSDBError) in try InterfaceRow(uuid: change.uuid, row: row) }
        default: break
        }
        rows[change.table] = table
    }

    /// A port of a bridge with what the agent needs from its interface.
    public struct BridgePort: Sendable, Hashable {
        public var port: PortRow
        /// The interface named like the port (the usual single-interface
        /// port), else its first interface.
        public var interface: InterfaceRow?
        public var name: String { port.name }
        public var ofport: Int64? { interface?.ofport }
        public var tag: Int64? { port.tag }
        public var externalIDs: [String: String] { port.externalIDs }
    }

    /// The ports of the bridge named `bridge`, by name; empty when no such bridge.
    public func ports(onBridge bridge: String) -> [BridgePort] {
        guard let row = bridges.values.first(where: { $0.name == bridge }) else { return [] }
        return row.ports.compactMap { uuid in
            guard let port = ports[uuid] else { return nil }
            let candidates = port.interfaces.compactMap { interfaces[$0] }
            let interface = candidates.first(where: { $0.name == port.name }) ?? candidates.min(by: { $0.uuid < $1.uuid })
            return BridgePort(port: port, interface: interface)
        }.sorted { $0.name < $1.name }
    }

    /// The datapath id ovs-vswitchd reports for `bridge` (the one its switch
    /// sends in FEATURES_REPLY) as the column spells it, or nil before it has
    /// set one up. OpenFlow's `DatapathID` reads it.
    public func datapathID(ofBridge bridge: String) -> String? {
        bridges.values.first(where: { $0.name == bridge })?.datapathID
    }

    /// Every bridge's name, sorted.
    public var bridgeNames: [String] { bridges.values.map(\.name).sorted() }

    /// The tenant ports of every bridge, and the ports whose settings are
    /// invalid (each reported, none dropped silently), sorted by bridge and port.
    public var attachedPorts: (ports: [AttachedPort], errors: [AttachedPortError]) {
        var attached: [AttachedPort] = []
        var errors: [AttachedPortError] = []
        for bridge in bridgeNames {
            for port in ports(onBridge: bridge) {
                do throws(AttachedPortError) {
                    if let a = try AttachedPort.derive(bridge: bridge, port: port.port, interface: port.interface) {
                        attached.append(a)
                    }
                } catch {
                    errors.append(error)
                }
            }
        }
        return (attached, errors)
    }
}
