import OpenFlow

/// A change to the flows wanted on a switch: for each key touched, the flow
/// now wanted, or none. Work per change is proportional to the change: the
/// controller sends only these keys' FLOW_MODs. Changes to one key merge
/// (the last one wins), so a burst coalesces into what it ends as.
public struct FlowChanges: Sendable, Hashable {
    public private(set) var byKey: [FlowKey: FlowEntry?] = [:]

    public init() {}

    /// The whole of `table` wanted, in place of `previous`: a full diff (for
    /// a reload or a first computation, not for one change).
    public init(replacing previous: FlowTable, with table: FlowTable) {
        for entry in previous.entries where table[entry.key] == nil { byKey[entry.key] = .some(nil) }
        for entry in table.entries where previous[entry.key] != entry { byKey[entry.key] = .some(entry) }
    }

    /// `entry` is wanted (in place of whatever had its key).
    public mutating func set(_ entry: FlowEntry) { byKey[entry.key] = .some(entry) }

    /// No flow is wanted with `key`.
    public mutating func remove(_ key: FlowKey) { byKey[key] = .some(nil) }

    /// Room for `count` keys, so a large change is not hashed again as it grows.
    public mutating func reserveCapacity(_ count: Int) { byKey.reserveCapacity(count) }

    /// `other` applied after this one.
    public mutating func merge(_ other: FlowChanges) {
        byKey.merge(other.byKey) { _, later in later }
    }

    public var isEmpty: Bool { byKey.isEmpty }
    public var count: Int { byKey.count }
}

extension FlowTable {
    /// Applies a change: set keys replace or add their flow, removed keys go.
    public mutating func apply(_ changes: FlowChanges) {
        for (key, entry) in changes.byKey {
            if let entry { insert(entry) } else { remove(key) }
        }
    }
}
