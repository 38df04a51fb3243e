import OpenFlow

/// ADD, MODIFY, DELETE: OFPGC_* and OFPMC_* share these numbers.
public enum NumberedEntryCommand: UInt16, Sendable, Hashable {
    case add = 0
    case modify = 1
    case delete = 2
}

/// What a switch keeps by a 32-bit id next to its flows, installed by
/// GROUP_MOD or METER_MOD: groups and meters. One protocol so that both are
/// reconciled by the same diff.
public protocol NumberedEntry: Sendable, Hashable {
    var id: UInt32 { get }
    /// The GROUP_MOD or METER_MOD that applies `command` to this entry.
    func message(_ command: NumberedEntryCommand) -> OpenFlowMessage
}

/// The complete set of groups (or meters) wanted on a switch, by id.
public struct NumberedTable<Entry: NumberedEntry>: Sendable, Hashable {
    public private(set) var byID: [UInt32: Entry] = [:]

    public init() {}

    public init(_ entries: [Entry]) {
        for entry in entries { insert(entry) }
    }

    /// A later entry with the same id replaces the earlier one.
    public mutating func insert(_ entry: Entry) { byID[entry.id] = entry }

    public subscript(id: UInt32) -> Entry? { byID[id] }

    /// In id order, so messages and dumps are stable.
    public var entries: [Entry] { byID.keys.sorted().compactMap { byID[$0] } }

    public var count: Int { byID.count }
}

public typealias GroupTable = NumberedTable<GroupEntry>
public typealias MeterTable = NumberedTable<MeterEntry>

/// The messages that turn the groups (or meters) a switch holds into the
/// wanted ones: a pure function of the two sets, like `FlowDiff`.
public struct NumberedDiff<Entry: NumberedEntry>: Sendable, Hashable {
    public var adds: [Entry] = []
    /// Same id, other content: MODIFY replaces it in place, so flows that
    /// point at it never see it missing.
    public var modifies: [Entry] = []
    /// Ours (id in the owner's space) and no longer wanted.
    public var deletes: [Entry] = []

    public init(wanted: NumberedTable<Entry>, installed: [Entry], owner: IDSpace) {
        var present: [UInt32: Entry] = [:]
        for entry in installed { present[entry.id] = entry }
        for entry in wanted.entries {
            if let have = present[entry.id] {
                if have != entry { modifies.append(entry) }
            } else {
                adds.append(entry)
            }
        }
        deletes = installed.filter { owner.contains($0.id) && wanted[$0.id] == nil }.sorted { $0.id < $1.id }
    }

    public var isEmpty: Bool { adds.isEmpty && modifies.isEmpty && deletes.isEmpty }

    /// ADD and MODIFY: sent before the flows that use them.
    public var installs: [OpenFlowMessage] { adds.map { $0.message(.add) } + modifies.map { $0.message(.modify) } }
    /// DELETE: sent after the flows that used them are gone (deleting a
    /// group also deletes the flows that point at it).
    public var removals: [OpenFlowMessage] { deletes.map { $0.message(.delete) } }

    public var changes: EntryChanges { EntryChanges(added: adds.count, modified: modifies.count, deleted: deletes.count) }
}

/// How many groups or meters one reconciliation added, modified and deleted.
public struct EntryChanges: Sendable, Hashable {
    public var added = 0
    public var modified = 0
    public var deleted = 0

    public init(added: Int = 0, modified: Int = 0, deleted: Int = 0) {
        self.added = added
        self.modified = modified
        self.deleted = deleted
    }

    public var count: Int { added &+ modified &+ deleted }

    public static func + (lhs: EntryChanges, rhs: EntryChanges) -> EntryChanges {
        EntryChanges(added: lhs.added &+ rhs.added, modified: lhs.modified &+ rhs.modified, deleted: lhs.deleted &+ rhs.deleted)
    }
}
