import OpenFlow

/// The FLOW_MODs that turn what a switch holds into what the application
/// wants: a pure function of the two sets, so it is tested with tables.
public struct FlowDiff: Sendable, Hashable {
    /// Flows missing on the switch, or whose cookie, timeouts or flags differ
    /// (an ADD replaces a flow with the same key in one step, no gap).
    public var adds: [FlowEntry] = []
    /// Flows present with the same cookie but other instructions: MODIFY_STRICT
    /// keeps their counters.
    public var modifies: [FlowEntry] = []
    /// Our flows (cookie in our space) that are no longer wanted: DELETE_STRICT.
    public var deletes: [FlowEntry] = []
    /// Whose flows a modify or delete may hit.
    public var owner: CookieSpace = .swiftplane

    public init(adds: [FlowEntry] = [], modifies: [FlowEntry] = [], deletes: [FlowEntry] = []) {
        self.adds = adds
        self.modifies = modifies
        self.deletes = deletes
    }

    public var isEmpty: Bool { adds.isEmpty && modifies.isEmpty && deletes.isEmpty }
    public var count: Int { adds.count &+ modifies.count &+ deletes.count }

    /// Compares `wanted` with `installed`. Installed flows outside `owner`
    /// are left alone even when no flow wants their key; a wanted flow with the
    /// key of a foreign flow replaces it (the application asked for that key).
    public init(wanted: FlowTable, installed: [FlowEntry], owner: CookieSpace) {
        self.owner = owner
        var present: [FlowKey: FlowEntry] = [:]
        for flow in installed { present[flow.key] = flow }
        for flow in wanted.entries {
            guard let have = present[flow.key] else {
                adds.append(flow)
                continue
            }
            if have.cookie != flow.cookie || have.idleTimeout != flow.idleTimeout
                || have.hardTimeout != flow.hardTimeout || have.flags != flow.flags {
                adds.append(flow)
            } else if have.packedInstructions != flow.packedInstructions {
                modifies.append(flow)
            }
        }
        for flow in installed where owner.contains(flow.cookie) && wanted[flow.key] == nil {
            deletes.append(flow)
        }
    }

    /// The messages, adds and modifies before deletes: a packet always finds
    /// a flow, since an old flow goes only after its replacement is in.
    public var flowMods: [FlowMod] {
        adds.map { $0.flowMod(.add) } + modifies.map { $0.flowMod(.modifyStrict, owner: owner) }
            + deletes.map { $0.flowMod(.deleteStrict, owner: owner) }
    }
}
