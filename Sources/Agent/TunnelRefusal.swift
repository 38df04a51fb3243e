import OpenFlow
import OpenFlowTables

/// A bridge's tables without its tunnel: what the agent programs while the
/// configured VXLAN ofport is not a verified flow-based VXLAN interface.
/// No flow matches traffic from that ofport or outputs to it, and no group
/// bucket outputs to it, so tenant frames never leave through a port that
/// is not the tunnel (a container's, say). The local part of the overlay
/// goes on.
public enum TunnelRefusal {
    /// Whether the flow belongs to the tunnel: it matches `in_port` =
    /// `vxlanPort`, or one of its actions outputs there.
    public static func isTunnelFlow(_ entry: FlowEntry, vxlanPort: UInt32) -> Bool {
        if entry.key.match[.inPort] == OXMField(.inPort, UInt64(vxlanPort)) { return true }
        return entry.instructions.contains { instruction in
            switch instruction {
            case let .applyActions(actions), let .writeActions(actions): outputs(actions, to: vxlanPort)
            default: false
            }
        }
    }

    static func outputs(_ actions: [Action], to port: UInt32) -> Bool {
        actions.contains { if case let .output(p, _) = $0 { p == port } else { false } }
    }

    /// The groups with every bucket that outputs to `vxlanPort` taken out.
    public static func groups(_ table: GroupTable, vxlanPort: UInt32) -> GroupTable {
        GroupTable(table.entries.map { group in
            var group = group
            group.buckets.removeAll { outputs($0.actions, to: vxlanPort) }
            return group
        })
    }

    /// The whole table without the tunnel.
    public static func tables(_ tables: SwitchTables, vxlanPort: UInt32) -> SwitchTables {
        SwitchTables(flows: FlowTable(tables.flows.entries.filter { !isTunnelFlow($0, vxlanPort: vxlanPort) }),
                     groups: tables.groups.map { groups($0, vxlanPort: vxlanPort) }, meters: tables.meters)
    }

    /// A change without the tunnel: a tunnel flow wanted becomes its key's
    /// removal (the key may hold a local flow from before, which must go).
    public static func update(_ update: BridgeFlowUpdate, vxlanPort: UInt32) -> BridgeFlowUpdate {
        var flows = FlowChanges()
        for (key, entry) in update.flows.byKey {
            if let entry, !isTunnelFlow(entry, vxlanPort: vxlanPort) { flows.set(entry) } else { flows.remove(key) }
        }
        return BridgeFlowUpdate(flows: flows, groups: groups(update.groups, vxlanPort: vxlanPort), meters: update.meters,
                                complete: update.complete)
    }
}
