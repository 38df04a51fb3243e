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

    public subscript(key: FlowKey) -> FlowEntry? { index[key].map { entries[$0] } }

    public var count: Int { entries.count }
}
