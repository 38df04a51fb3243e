import OpenFlow

/// The complete set of flows the application wants on one switch, keyed by
/// (table, priority, match): a later entry with the same key replaces an
/// earlier one, as it would on the switch. Entries keep insertion order so
/// the FLOW_MODs go out in the order the application wrote them.
public struct FlowTable: Sendable, Hashable {
    public private(set) var entries: [FlowEntry] = []
    private var index: [FlowKey: Int] = [:]

    public init() {}

    public init(_ entries: [FlowEntry]) {
        for entry in entries { insert(entry) }
    }

    public mutating func insert(_ entry: FlowEntry) {
        if let at = index[entry.key] {
            entries[at] = entry
        } else {
            index[entry.key] = entries.count
            entries.append(entry)
        }
    }

    /// Removes the flow with `key`, if any; the last entry takes its place
    /// in the order (constant time: tables are changed one flow at a time).
    public mutating func remove(_ key: FlowKey) {
        guard let at = index.removeValue(forKey: key) else { return }
        let last = entries.removeLast()
        guard at < entries.count else { return }
        entries[at] = last
        index[last.key] = at
    }

    public subscript(key: FlowKey) -> FlowEntry? { index[key].map { entries[$0] } }

    public var count: Int { entries.count }
}

extension FlowTable {
    /// Two tables are equal when they hold the same flows, whatever the order
    /// they were written in: what a switch holds has no order either.
    public static func == (lhs: FlowTable, rhs: FlowTable) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.key] == $0 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        // Order-independent: a sum of the entries' own hashes.
        hasher.combine(entries.reduce(0) { $0 &+ $1.hashValue })
    }
}
