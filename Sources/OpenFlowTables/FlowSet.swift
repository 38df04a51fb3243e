import OpenFlow

/// Flows by key, each held once: a dictionary from key to entry would hold
/// every key twice (the entry carries its key). At 200,000 flows the
/// difference is a key's 24 bytes per bucket of the table.
public struct FlowSet: Sendable {
    /// An entry hashed and compared by its key alone.
    private struct Member: Hashable, Sendable {
        var entry: FlowEntry
        static func == (lhs: Member, rhs: Member) -> Bool { lhs.entry.key == rhs.entry.key }
        func hash(into hasher: inout Hasher) { hasher.combine(entry.key) }
    }

    private var members: Set<Member> = []

    public init() {}

    /// Later entries with an earlier one's key replace it.
    public init(_ entries: some Sequence<FlowEntry>) {
        for entry in entries { self[entry.key] = entry }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    public var keys: [FlowKey] { members.map(\.entry.key) }
    public var entries: [FlowEntry] { members.map(\.entry) }

    public subscript(key: FlowKey) -> FlowEntry? {
        get {
            members.firstIndex(of: Member(entry: FlowEntry(probe: key))).map { members[$0].entry }
        }
        set {
            if let newValue {
                members.update(with: Member(entry: newValue))
            } else {
                members.remove(Member(entry: FlowEntry(probe: key)))
            }
        }
    }
}
